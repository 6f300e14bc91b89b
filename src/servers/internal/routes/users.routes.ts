/**
 * Staff-user administration (right `user:manage`; every change needs a recent second factor when
 * made from a staff session). Activation and reset links go by e-mail to the user only: the
 * response says when they expire and whether the mail server accepted them, never the token.
 */
import { Type } from 'typebox';
import { AppError, notFound } from '../../../platform/errors.ts';
import { getFactorSummary, removeTotpFactor } from '../../../modules/auth/factors/index.ts';
import { endUserSessions, listSessions } from '../../../modules/auth/sessions/index.ts';
import { LiftDelayBody, SessionListView } from '../../../modules/auth/sign-in/index.ts';
import { liftDelay } from '../../../modules/auth/throttle/index.ts';
import {
  createStaffUser,
  CreateStaffUserBody,
  disableStaffUser,
  enableStaffUser,
  getStaffUser,
  listStaffUsers,
  ListStaffUsersQuery,
  startPasswordReset,
  StaffUserPage,
  StaffUserView,
  updateStaffUser,
  UpdateStaffUserBody,
} from '../../../modules/auth/users/index.ts';
import { inTransaction } from '../../../db/transaction.ts';
import type { App } from '../../shared/create-http-app.ts';
import type { AuthServices } from '../auth-services.ts';
import { IdParams } from './common.ts';

const LinkSentView = Type.Object({
  expiresAt: Type.String({ format: 'date-time' }),
  /** Whether the mail server accepted the e-mail; if not, start a reset to send a new link. */
  emailed: Type.Boolean(),
});

/** Which second factors a staff user has, for the administrator deciding on a lost phone. */
const StaffUserFactorsView = Type.Object({
  /** The authenticator app, when one is active: when it was enrolled. */
  totp: Type.Union([Type.Object({ confirmedAt: Type.String({ format: 'date-time' }) }), Type.Null()]),
  /** An enrolment was started and not confirmed yet. */
  totpPending: Type.Boolean(),
  recoveryCodesRemaining: Type.Integer(),
});

export async function usersRoutes(app: App, opts: { auth: AuthServices }): Promise<void> {
  const { auth } = opts;
  const tags = ['users'];
  const manage = { access: 'user:manage', stepUp: true } as const;

  app.get(
    '/users',
    {
      config: { access: 'user:manage' },
      schema: { tags, querystring: ListStaffUsersQuery, response: { 200: StaffUserPage } },
    },
    async (req) => listStaffUsers(req.ctx, req.query),
  );

  app.post(
    '/users',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Create a staff user; the activation link is e-mailed to them',
        body: CreateStaffUserBody,
        response: { 201: Type.Object({ user: StaffUserView, activation: LinkSentView }) },
      },
    },
    async (req, reply) => {
      const created = await createStaffUser(req.ctx, req.body);
      const { token, expiresAt } = created.activationToken;
      const emailed = await auth.mail.sendActivation(req.ctx, created.user.id, token, expiresAt);
      return reply.code(201).send({ user: created.user, activation: { expiresAt, emailed } });
    },
  );

  app.get(
    '/users/:id',
    {
      config: { access: 'user:manage' },
      schema: { tags, params: IdParams, response: { 200: StaffUserView } },
    },
    async (req) => getStaffUser(req.ctx, req.params.id),
  );

  app.patch(
    '/users/:id',
    {
      config: manage,
      schema: { tags, params: IdParams, body: UpdateStaffUserBody, response: { 200: StaffUserView } },
    },
    async (req) =>
      updateStaffUser(req.ctx, { id: req.params.id, ...req.body }, { notify: auth.mail.notifier(req.ctx) }),
  );

  app.post(
    '/users/:id/disable',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Disable a user; their sessions end at once',
        params: IdParams,
        response: { 200: StaffUserView },
      },
    },
    async (req) => {
      if (req.ctx.actor.kind === 'staff' && req.ctx.actor.id === req.params.id)
        throw new AppError('conflict', 'you cannot disable your own account', { reason: 'self' });
      return disableStaffUser(req.ctx, { userId: req.params.id });
    },
  );

  app.post(
    '/users/:id/enable',
    { config: manage, schema: { tags, params: IdParams, response: { 200: StaffUserView } } },
    async (req) => enableStaffUser(req.ctx, { userId: req.params.id }),
  );

  app.post(
    '/users/:id/password-reset',
    {
      config: manage,
      schema: {
        tags,
        summary: 'E-mail the user a password-reset link (also re-sends an expired activation)',
        params: IdParams,
        response: { 202: LinkSentView },
      },
    },
    async (req, reply) => {
      const { token, expiresAt } = await startPasswordReset(req.ctx, { userId: req.params.id });
      const emailed = await auth.mail.sendReset(req.ctx, req.params.id, token, expiresAt);
      return reply.code(202).send({ expiresAt, emailed });
    },
  );

  app.get(
    '/users/:id/factors',
    {
      config: { access: 'user:manage' },
      schema: {
        tags,
        summary: "A user's second factors (whether an authenticator app is enrolled; never a secret)",
        params: IdParams,
        response: { 200: StaffUserFactorsView },
      },
    },
    async (req) => {
      await getStaffUser(req.ctx, req.params.id);
      const summary = await getFactorSummary(req.ctx.db, req.params.id);
      return {
        totp: summary.totp ? { confirmedAt: summary.totp.confirmedAt.toISOString() } : null,
        totpPending: summary.totpPending,
        recoveryCodesRemaining: summary.recoveryCodesRemaining,
      };
    },
  );

  app.delete(
    '/users/:id/factors/totp',
    {
      config: manage,
      schema: { tags, summary: "Remove a user's authenticator app (lost phone)", params: IdParams },
    },
    async (req, reply) => {
      await getStaffUser(req.ctx, req.params.id);
      if (!(await removeTotpFactor(req.ctx.db, req.ctx, { userId: req.params.id })))
        throw notFound('authenticator');
      await auth.mail.notifier(req.ctx)({
        type: 'factor_removed',
        userId: req.params.id,
        factor: 'totp',
        by: 'administrator',
      });
      return reply.code(204).send();
    },
  );

  app.get(
    '/users/:id/sessions',
    {
      config: { access: 'user:manage' },
      schema: { tags, params: IdParams, response: { 200: SessionListView } },
    },
    async (req) => {
      await getStaffUser(req.ctx, req.params.id);
      const own = req.ctx.actor.kind === 'staff' ? req.ctx.actor.sessionId : null;
      const items = await listSessions(req.ctx, req.params.id);
      return { items: items.map((s) => ({ ...s, current: s.id === own })) };
    },
  );

  app.delete(
    '/users/:id/sessions',
    {
      config: manage,
      schema: {
        tags,
        summary: "End all of a user's sessions",
        params: IdParams,
        response: { 200: Type.Object({ ended: Type.Integer() }) },
      },
    },
    async (req) => {
      await getStaffUser(req.ctx, req.params.id);
      const own = req.ctx.actor.kind === 'staff' ? req.ctx.actor.sessionId : undefined;
      const ended = await inTransaction(req.ctx.db, (tx) =>
        endUserSessions(tx, req.ctx, {
          userId: req.params.id,
          reason: 'ended_by_admin',
          ...(own ? { exceptSessionId: own } : {}),
        }),
      );
      return { ended };
    },
  );

  app.delete(
    '/sessions',
    {
      config: manage,
      schema: {
        tags,
        summary: "End everyone's sessions (but the caller's own)",
        response: { 200: Type.Object({ ended: Type.Integer() }) },
      },
    },
    async (req) => {
      const own = req.ctx.actor.kind === 'staff' ? req.ctx.actor.sessionId : undefined;
      const ended = await inTransaction(req.ctx.db, async (tx) => {
        const users = await tx
          .selectFrom('sessions')
          .select('user_id')
          .distinct()
          .where('ended_at', 'is', null)
          .execute();
        let n = 0;
        for (const u of users)
          n += await endUserSessions(tx, req.ctx, {
            userId: u.user_id,
            reason: 'ended_by_admin',
            ...(own ? { exceptSessionId: own } : {}),
          });
        return n;
      });
      return { ended };
    },
  );

  app.post(
    '/auth/delays/lift',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Lift a sign-in delay of an account (both factors) or of a source address',
        body: LiftDelayBody,
        response: { 200: Type.Object({ cleared: Type.Integer() }) },
      },
    },
    async (req) => {
      const body = req.body;
      if ('username' in body) {
        const user = await req.ctx.db
          .selectFrom('staff_users')
          .select('id')
          .where((eb) => eb(eb.fn('lower', ['username']), '=', body.username.trim().toLowerCase()))
          .executeTakeFirst();
        return {
          cleared: await liftDelay(req.ctx.db, req.ctx, { account: body.username, userId: user?.id }),
        };
      }
      return { cleared: await liftDelay(req.ctx.db, req.ctx, { ip: body.ip }) };
    },
  );
}
