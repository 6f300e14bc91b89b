/**
 * A client user's own account on the portal: step-up (the second factor again, for a sensitive
 * change), their second factors, and adding or removing an authenticator app. A client always keeps
 * at least one second factor: the authenticator can be removed only while a phone is on file.
 * Factor changes need a step-up within the session policy's window (ASVS 7.5.1), as for staff.
 */
import { Type } from 'typebox';
import {
  confirmTotpEnrolment,
  getFactorSummary,
  removeTotpFactor,
  startTotpEnrolment,
} from '../../../modules/auth/factors/index.ts';
import { isSteppedUp } from '../../../modules/auth/sessions/session.policy.ts';
import { SecondFactorBody, sendStepUpSmsCode, stepUp } from '../../../modules/auth/sign-in/index.ts';
import { changeOwnPassword, ChangePasswordBody } from '../../../modules/auth/users/index.ts';
import { notifyClientUser } from '../../../modules/clients/index.ts';
import { AppError, notFound } from '../../../platform/errors.ts';
import type { App } from '../../shared/create-http-app.ts';
import type { InternalDeps } from '../deps.ts';
import { clientRequest, requireClient } from './client-context.ts';

const SessionIssued = Type.Object({
  status: Type.Literal('signed_in'),
  token: Type.String(),
  csrfToken: Type.String(),
  expiresAt: Type.String({ format: 'date-time' }),
});
const Factors = Type.Object({
  totp: Type.Union([Type.Object({ confirmedAt: Type.String({ format: 'date-time' }) }), Type.Null()]),
  totpPending: Type.Boolean(),
  sms: Type.Union([Type.Object({ mobile: Type.String() }), Type.Null()]),
});
const TotpEnrolment = Type.Object({ otpauthUri: Type.String(), secret: Type.String() });
const CodeBody = Type.Object(
  { code: Type.String({ minLength: 1, maxLength: 16 }) },
  { additionalProperties: false },
);

export async function linkClientAccountRoutes(
  app: App,
  deps: Pick<InternalDeps, 'database' | 'auth'>,
): Promise<void> {
  const signIn = deps.auth.clientSignIn;
  const firmLabel = deps.auth.invitations.firmName || undefined;
  const db = deps.database.db;
  const session = { link: true, client: 'session' } as const;

  /** A factor change needs a recent second factor on this session. */
  const requireStepUp = (secondFactorAt: Date | null) => {
    if (!isSteppedUp({ secondFactorAt }, new Date(), deps.auth.session))
      throw new AppError('forbidden', 'Confirm with your second factor first.', {
        reason: 'step_up_required',
      });
  };

  app.post(
    '/link/v1/auth/step-up/sms',
    { config: session, schema: { response: { 200: Type.Object({ expiresAt: Type.String() }) } } },
    async (req) => {
      const { actor } = requireClient(req);
      const r = await sendStepUpSmsCode(signIn, clientRequest(req), {
        userId: actor.id,
        sessionId: actor.sessionId,
      });
      return { expiresAt: r.expiresAt.toISOString() };
    },
  );

  app.post(
    '/link/v1/auth/step-up',
    { config: session, schema: { body: SecondFactorBody, response: { 200: SessionIssued } } },
    async (req) => {
      const { actor } = requireClient(req);
      const r = await stepUp(signIn, clientRequest(req), {
        user: { id: actor.id, username: actor.username },
        sessionId: actor.sessionId,
        ...req.body,
      });
      return {
        status: 'signed_in' as const,
        token: r.token,
        csrfToken: r.session.csrfToken,
        expiresAt: r.session.expiresAt.toISOString(),
      };
    },
  );

  app.post(
    '/link/v1/me/password',
    { config: session, schema: { body: ChangePasswordBody, response: { 204: Type.Null() } } },
    async (req, reply) => {
      const { actor, ctx } = requireClient(req);
      await changeOwnPassword(
        {
          ctx,
          hasher: deps.auth.hasher,
          passwordPolicy: deps.auth.passwordPolicy,
          throttle: signIn.throttle,
        },
        {
          userId: actor.id,
          username: actor.username,
          ip: clientRequest(req).ip,
          currentPassword: req.body.currentPassword,
          newPassword: req.body.newPassword,
          keepSessionId: actor.sessionId,
          realm: 'client',
        },
      );
      await notifyClientUser(deps.auth.invitations, db, actor.id, 'password_changed');
      return reply.code(204).send(null);
    },
  );

  app.get('/link/v1/me/factors', { config: session, schema: { response: { 200: Factors } } }, async (req) => {
    const { actor } = requireClient(req);
    const [summary, user] = await Promise.all([
      getFactorSummary(db, actor.id),
      db
        .selectFrom('client_users')
        .select('mobile_last4')
        .where('id', '=', actor.id)
        .executeTakeFirstOrThrow(),
    ]);
    return {
      totp: summary.totp ? { confirmedAt: summary.totp.confirmedAt.toISOString() } : null,
      totpPending: summary.totpPending,
      sms: user.mobile_last4 ? { mobile: `••••${user.mobile_last4}` } : null,
    };
  });

  app.post(
    '/link/v1/me/factors/totp',
    { config: session, schema: { response: { 200: TotpEnrolment } } },
    async (req) => {
      const { actor, ctx } = requireClient(req);
      requireStepUp(actor.secondFactorAt);
      const e = await startTotpEnrolment(db, ctx, { userId: actor.id, realm: 'client' }, { firmLabel });
      return { otpauthUri: e.uri, secret: e.secret };
    },
  );

  app.post(
    '/link/v1/me/factors/totp/confirm',
    { config: session, schema: { body: CodeBody, response: { 204: Type.Null() } } },
    async (req, reply) => {
      const { actor, ctx } = requireClient(req);
      requireStepUp(actor.secondFactorAt);
      const r = await confirmTotpEnrolment(
        db,
        ctx,
        { userId: actor.id, code: req.body.code, realm: 'client' },
        { firmLabel },
      );
      if (r === 'ok') await notifyClientUser(deps.auth.invitations, db, actor.id, 'factor_enrolled');
      if (r !== 'ok')
        throw new AppError(
          'validation',
          'The code does not match the app being enrolled, or the enrolment expired.',
          {
            reason: r,
          },
        );
      return reply.code(204).send(null);
    },
  );

  app.delete(
    '/link/v1/me/factors/totp',
    { config: session, schema: { response: { 204: Type.Null() } } },
    async (req, reply) => {
      const { actor, ctx } = requireClient(req);
      requireStepUp(actor.secondFactorAt);
      const user = await db
        .selectFrom('client_users')
        .select('mobile_last4')
        .where('id', '=', actor.id)
        .executeTakeFirstOrThrow();
      // Never leave a client without a second factor: sign-in always needs one.
      if (!user.mobile_last4)
        throw new AppError('conflict', 'Your authenticator app is your only second factor.', {
          reason: 'last_factor',
        });
      if (!(await removeTotpFactor(db, ctx, { userId: actor.id, realm: 'client' })))
        throw notFound('authenticator');
      return reply.code(204).send(null);
    },
  );
}
