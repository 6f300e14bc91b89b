/**
 * Staff sign-in and the signed-in user's own account: the two sign-in steps (public: they run
 * before there is a session, behind the block-delay guard), activation and reset links (public:
 * the 256-bit single-use token is the credential), then session, logout, step-up, password change
 * and second factors (any signed-in staff user; factor changes need a recent second factor).
 */
import { Type } from 'typebox';
import { AppError, notFound } from '../../../platform/errors.ts';
import {
  generateRecoveryCodes,
  getFactorSummary,
  removeTotpFactor,
  startTotpEnrolment,
  confirmTotpEnrolment,
} from '../../../modules/auth/factors/index.ts';
import { authenticateSession, endSession, listSessions } from '../../../modules/auth/sessions/index.ts';
import {
  abandonSignIn,
  CodeSentView,
  completeSignIn,
  CurrentSessionView,
  FactorsView,
  LoginBody,
  LoginResultView,
  RecoveryCodesView,
  SecondFactorBody,
  sendSignInSmsCode,
  sendStepUpSmsCode,
  SessionListView,
  signInWithPassword,
  SignedInView,
  SMS_WARNING,
  startSignInEnrolment,
  stepUp,
  TotpEnrolmentView,
} from '../../../modules/auth/sign-in/index.ts';
import {
  activateStaffUser,
  changeOwnPassword,
  ChangePasswordBody,
  completePasswordReset,
  maskMobile,
  TokenPasswordBody,
} from '../../../modules/auth/users/index.ts';
import type { App } from '../../shared/create-http-app.ts';
import type { AuthServices } from '../auth-services.ts';
import {
  clearSessionCookie,
  refuseCrossSite,
  sessionCookie,
  setSessionCookie,
  signInRequest,
} from '../session-cookie.ts';
import { IdParams } from './common.ts';
import { staffActor, staffSessionViews } from './staff-session.ts';

export async function authRoutes(app: App, opts: { auth: AuthServices }): Promise<void> {
  const { auth } = opts;
  const deps = auth.signIn;
  const tags = ['auth'];
  const { presentSession, signedIn } = staffSessionViews(auth);
  const staff = staffActor;

  // ---- sign-in (public) -------------------------------------------------------------------

  app.post(
    '/auth/login',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Sign in with username and password (step 1)',
        body: LoginBody,
        response: { 200: LoginResultView },
      },
    },
    async (req, reply) => {
      refuseCrossSite(req);
      const result = await signInWithPassword(deps, signInRequest(req), req.body);
      if (result.outcome === 'signed_in') return signedIn(reply, req, result.token);
      setSessionCookie(reply, result.token);
      const mobile = await deps.db
        .selectFrom('staff_users')
        .select('mobile_last4')
        .where('id', '=', result.session.userId)
        .executeTakeFirstOrThrow();
      return {
        status: 'second_factor_required' as const,
        factors: result.factors,
        enrolmentRequired: result.enrolmentRequired,
        expiresAt: result.session.expiresAt.toISOString(),
        mobile: maskMobile(mobile.mobile_last4),
      };
    },
  );

  app.post(
    '/auth/login/sms',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Send an SMS code for the sign-in in progress',

        response: { 202: CodeSentView },
      },
    },
    async (req, reply) => {
      refuseCrossSite(req);
      const sent = await sendSignInSmsCode(deps, signInRequest(req), { token: sessionCookie(req) });
      return reply.code(202).send({ expiresAt: sent.expiresAt.toISOString() });
    },
  );

  app.post(
    '/auth/login/enrolment',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'First sign-in without any second factor: enrol an authenticator app',

        response: { 200: TotpEnrolmentView },
      },
    },
    async (req) => {
      refuseCrossSite(req);
      const e = await startSignInEnrolment(deps, signInRequest(req), { token: sessionCookie(req) });
      return { otpauthUri: e.uri, secret: e.secret };
    },
  );

  app.post(
    '/auth/login/second-factor',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Finish signing in with a second factor (step 2)',
        body: SecondFactorBody,
        response: { 200: SignedInView },
      },
    },
    async (req, reply) => {
      refuseCrossSite(req);
      const done = await completeSignIn(deps, signInRequest(req), { token: sessionCookie(req), ...req.body });
      return signedIn(reply, req, done.token, done);
    },
  );

  app.post(
    '/auth/login/cancel',
    {
      config: { access: 'public' },
      schema: { tags, summary: 'Abandon a sign-in between its steps' },
    },
    async (req, reply) => {
      refuseCrossSite(req);
      await abandonSignIn(deps, signInRequest(req), sessionCookie(req));
      clearSessionCookie(reply);
      return reply.code(204).send();
    },
  );

  /** Activation and reset: the user chooses a password with the token from their e-mail. */
  for (const [url, summary, run] of [
    ['/auth/activate', 'Activate an account: choose the first password', activateStaffUser],
    ['/auth/password-reset', 'Complete a password reset: choose a new password', completePasswordReset],
  ] as const) {
    app.post(
      url,
      { config: { access: 'public' }, schema: { tags, summary, body: TokenPasswordBody } },
      async (req, reply) => {
        refuseCrossSite(req);
        const ctx = {
          db: deps.db,
          actor: { kind: 'system' as const, label: 'sign-in', rights: new Set<never>() },
          requestId: req.id,
          now: () => new Date(),
        };
        await run(
          {
            ctx,
            hasher: auth.hasher,
            passwordPolicy: auth.passwordPolicy,
            notify: auth.mail.notifier(ctx),
          },
          req.body,
        );
        return reply.code(204).send();
      },
    );
  }

  // ---- the signed-in user -----------------------------------------------------------------

  app.get(
    '/auth/session',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary: 'The current session, its user and rights, and its CSRF token',
        response: { 200: Type.Object({ user: SignedInView.properties.user, session: CurrentSessionView }) },
      },
    },
    async (req) => {
      const actor = staff(req);
      const token = sessionCookie(req);
      if (!token) throw notFound('session');
      const found = await authenticateSession(deps.db, token, auth.session, {
        now: new Date(),
        requestId: req.id,
      });
      if (!found || found.actor.id !== actor.id) throw notFound('session');
      return presentSession(found.actor, found.session);
    },
  );

  app.post(
    '/auth/logout',
    {
      config: { access: 'authenticated' },
      schema: { tags, summary: 'Sign out: end this session' },
    },
    async (req, reply) => {
      const actor = staff(req);
      await endSession(req.ctx, { sessionId: actor.sessionId, reason: 'logout', userId: actor.id });
      clearSessionCookie(reply);
      return reply.code(204).send();
    },
  );

  app.get(
    '/auth/sessions',
    {
      config: { access: 'authenticated' },
      schema: { tags, summary: 'My live sessions', response: { 200: SessionListView } },
    },
    async (req) => {
      const actor = staff(req);
      const items = await listSessions(req.ctx, actor.id);
      return { items: items.map((s) => ({ ...s, current: s.id === actor.sessionId })) };
    },
  );

  app.delete(
    '/auth/sessions/:id',
    {
      config: { access: 'authenticated' },
      schema: { tags, summary: 'End one of my sessions', params: IdParams },
    },
    async (req, reply) => {
      const actor = staff(req);
      await endSession(req.ctx, { sessionId: req.params.id, reason: 'ended_by_user', userId: actor.id });
      if (req.params.id === actor.sessionId) clearSessionCookie(reply);
      return reply.code(204).send();
    },
  );

  app.post(
    '/auth/step-up',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary: 'Give the second factor again before a sensitive action',
        body: SecondFactorBody,
        response: { 200: SignedInView },
      },
    },
    async (req, reply) => {
      const actor = staff(req);
      const r = await stepUp(deps, signInRequest(req), {
        user: { id: actor.id, username: actor.username },
        sessionId: actor.sessionId,
        ...req.body,
      });
      return signedIn(reply, req, r.token);
    },
  );

  app.post(
    '/auth/step-up/sms',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary: 'Send an SMS code for a step-up',

        response: { 202: CodeSentView },
      },
    },
    async (req, reply) => {
      const actor = staff(req);
      const sent = await sendStepUpSmsCode(deps, signInRequest(req), {
        userId: actor.id,
        sessionId: actor.sessionId,
      });
      return reply.code(202).send({ expiresAt: sent.expiresAt.toISOString() });
    },
  );

  app.post(
    '/auth/password',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary: 'Change my password (the current one is required; other sessions end)',
        body: ChangePasswordBody,
      },
    },
    async (req, reply) => {
      const actor = staff(req);
      await changeOwnPassword(
        {
          ctx: req.ctx,
          hasher: auth.hasher,
          passwordPolicy: auth.passwordPolicy,
          notify: auth.mail.notifier(req.ctx),
          throttle: deps.throttle,
        },
        {
          userId: actor.id,
          username: actor.username,
          ip: req.ip,
          currentPassword: req.body.currentPassword,
          newPassword: req.body.newPassword,
          keepSessionId: actor.sessionId,
        },
      );
      return reply.code(204).send();
    },
  );

  app.get(
    '/auth/factors',
    {
      config: { access: 'authenticated' },
      schema: { tags, summary: 'My second factors', response: { 200: FactorsView } },
    },
    async (req) => {
      const actor = staff(req);
      const [summary, user] = await Promise.all([
        getFactorSummary(deps.db, actor.id),
        deps.db
          .selectFrom('staff_users')
          .select('mobile_last4')
          .where('id', '=', actor.id)
          .executeTakeFirstOrThrow(),
      ]);
      const mobile = maskMobile(user.mobile_last4);
      return {
        totp: summary.totp ? { confirmedAt: summary.totp.confirmedAt.toISOString() } : null,
        totpPending: summary.totpPending,
        sms: mobile ? { mobile } : null,
        smsWarning: SMS_WARNING,
        recoveryCodesRemaining: summary.recoveryCodesRemaining,
      };
    },
  );

  app.post(
    '/auth/factors/totp',
    {
      config: { access: 'authenticated', stepUp: true },
      schema: {
        tags,
        summary: 'Start enrolling an authenticator app (replaces the current one once confirmed)',

        response: { 200: TotpEnrolmentView },
      },
    },
    async (req) => {
      const actor = staff(req);
      const e = await startTotpEnrolment(
        deps.db,
        req.ctx,
        { userId: actor.id },
        { firmLabel: deps.firmName || undefined },
      );
      return { otpauthUri: e.uri, secret: e.secret };
    },
  );

  app.post(
    '/auth/factors/totp/confirm',
    {
      config: { access: 'authenticated', stepUp: true },
      schema: {
        tags,
        summary: 'Confirm the authenticator app with a code it shows',
        body: Type.Object(
          { code: Type.String({ minLength: 1, maxLength: 16 }) },
          { additionalProperties: false },
        ),
      },
    },
    async (req, reply) => {
      const actor = staff(req);
      const r = await confirmTotpEnrolment(
        deps.db,
        req.ctx,
        { userId: actor.id, code: req.body.code },
        {
          firmLabel: deps.firmName || undefined,
        },
      );
      if (r !== 'ok')
        throw new AppError(
          'validation',
          'The code does not match the app being enrolled, or the enrolment expired.',
          {
            reason: r,
          },
        );
      await auth.mail.notifier(req.ctx)({ type: 'factor_enrolled', userId: actor.id, factor: 'totp' });
      return reply.code(204).send();
    },
  );

  app.delete(
    '/auth/factors/totp',
    {
      config: { access: 'authenticated', stepUp: true },
      schema: { tags, summary: 'Remove my authenticator app' },
    },
    async (req, reply) => {
      const actor = staff(req);
      if (!(await removeTotpFactor(deps.db, req.ctx, { userId: actor.id }))) throw notFound('authenticator');
      await auth.mail.notifier(req.ctx)({
        type: 'factor_removed',
        userId: actor.id,
        factor: 'totp',
        by: 'user',
      });
      return reply.code(204).send();
    },
  );

  app.post(
    '/auth/factors/recovery-codes',
    {
      config: { access: 'authenticated', stepUp: true },
      schema: {
        tags,
        summary: 'Make a new set of recovery codes (the old set stops working)',

        response: { 200: RecoveryCodesView },
      },
    },
    async (req) => {
      const actor = staff(req);
      const r = await generateRecoveryCodes(deps.db, req.ctx, { userId: actor.id });
      await auth.mail.notifier(req.ctx)({ type: 'recovery_codes_regenerated', userId: actor.id });
      return r;
    },
  );
}
