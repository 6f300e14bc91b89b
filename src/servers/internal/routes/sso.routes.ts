/**
 * Single sign-on for staff (OpenID Connect, src/modules/auth/sso). The browser routes (start,
 * callback, front-channel logout) answer with redirects or empty pages, never JSON the browser
 * would show; failures go back to the sign-in page as `?sso_error=<code>` (a fixed word, never the
 * provider's text). The back-channel logout answers the provider as the specification says.
 */
import { Type } from 'typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../../platform/config.ts';
import { AppError } from '../../../platform/errors.ts';
import { endSession } from '../../../modules/auth/sessions/index.ts';
import {
  backChannelLogout,
  completeSsoSignIn,
  endSessionUrlFor,
  frontChannelLogout,
  listSsoIdentities,
  pendingSsoSignIn,
  returnWith,
  SsoLogoutRefusedError,
  SsoProviderUnavailableError,
  SsoRefusedError,
  SsoRegistry,
  startSsoSignIn,
  startSsoStepUp,
  stepUpErrorCode,
  type SsoDeps,
} from '../../../modules/auth/sso/index.ts';
import { maskMobile } from '../../../modules/auth/users/index.ts';
import type { App } from '../../shared/create-http-app.ts';
import type { AuthServices } from '../auth-services.ts';
import { clearSessionCookie, sessionCookie, setSessionCookie, signInRequest } from '../session-cookie.ts';
import { IdParams } from './common.ts';
import { staffActor } from './staff-session.ts';

/**
 * Binds a sign-in attempt to the browser that started it. SameSite=Lax, not Strict: the callback is
 * a top-level navigation coming from the provider's site, and a Strict cookie would not be sent.
 * Lives as long as an attempt (10 minutes).
 */
export const SSO_BINDING_COOKIE = '__Host-dossier_sso';
const BINDING = { path: '/', secure: true, httpOnly: true, sameSite: 'lax', maxAge: 600 } as const;

const ProviderParams = Type.Object(
  { provider: Type.String({ pattern: '^[a-z0-9-]{1,32}$' }) },
  { additionalProperties: false },
);

const ProvidersView = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Type.String(),
      displayName: Type.String(),
      /** A plain link: the browser navigates there to start. */
      startUrl: Type.String(),
    }),
  ),
});

const PendingView = Type.Object({
  status: Type.Literal('second_factor_required'),
  /** The same factors the password step offers. */
  factors: Type.Array(Type.String()),
  enrolmentRequired: Type.Boolean(),
  expiresAt: Type.String({ format: 'date-time' }),
  mobile: Type.Union([Type.String(), Type.Null()]),
});

const LogoutView = Type.Object({
  /** Where to send the browser to sign out at the provider too; null when not applicable. */
  endSessionUrl: Type.Union([Type.String(), Type.Null()]),
});

const IdentitiesView = Type.Object({
  items: Type.Array(
    Type.Object({
      provider: Type.String(),
      providerName: Type.String(),
      linkedAt: Type.String({ format: 'date-time' }),
      lastSignInAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    }),
  ),
});

const StepUpOfferView = Type.Object({
  /** The provider this session can confirm the user's identity at again; null: not an SSO session. */
  provider: Type.Union([Type.Object({ id: Type.String(), displayName: Type.String() }), Type.Null()]),
});

const StepUpStartBody = Type.Object(
  {
    /** The back-office path to come back to (relative; checked again by the module). */
    returnTo: Type.String({ minLength: 1, maxLength: 500, pattern: '^/(?![/\\\\])' }),
  },
  { additionalProperties: false },
);

const StepUpStartView = Type.Object({
  /** The provider's authorisation URL: the browser navigates there (a full page load). */
  url: Type.String(),
  expiresAt: Type.String({ format: 'date-time' }),
});

const FrontChannelQuery = Type.Object(
  {
    iss: Type.Optional(Type.String({ maxLength: 500 })),
    sid: Type.Optional(Type.String({ maxLength: 255 })),
  },
  { additionalProperties: false },
);

function signInPage(error: string | null): string {
  return error ? `/sign-in?sso_error=${encodeURIComponent(error)}` : '/sign-in';
}

function noStore(reply: FastifyReply): FastifyReply {
  return reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
}

export async function ssoRoutes(app: App, opts: { auth: AuthServices; config: Config }): Promise<void> {
  const registry = new SsoRegistry(opts.config.sso, opts.config.auth.publicUrl);
  app.addHook('onClose', async () => registry.close());
  const deps: SsoDeps = { signIn: opts.auth.signIn, registry };
  const tags = ['auth'];
  /** The provider's logout calls come from no one signed in: the trail names them as this. */
  const logoutCtx = (req: FastifyRequest) => ({
    db: opts.auth.signIn.db,
    keyring: opts.auth.signIn.keyring,
    actor: { kind: 'system' as const, label: 'sso-logout', rights: new Set<never>() },
    requestId: req.id,
    now: () => new Date(),
  });

  // Logout tokens come form-encoded (the specification); nowhere else in the API is that accepted.
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 32 * 1024 },
    (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
  );

  app.get(
    '/auth/sso/providers',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Single sign-on providers for the sign-in page',
        response: { 200: ProvidersView },
      },
    },
    async () => ({
      items: registry
        .list()
        .map((p) => ({ ...p, startUrl: `/api/v1/auth/sso/${encodeURIComponent(p.id)}/start` })),
    }),
  );

  app.get(
    '/auth/sso/:provider/start',
    {
      config: { access: 'public' },
      schema: { tags, summary: 'Start signing in with a provider (redirects there)', params: ProviderParams },
    },
    async (req, reply) => {
      noStore(reply);
      if (!registry.get(req.params.provider)) throw new AppError('not_found', 'provider not found');
      // Another site cannot make browsers start sign-ins (each would use up its address's quota):
      // such a start lands on the sign-in page, where the user clicks the button themselves.
      if (req.headers['sec-fetch-site'] === 'cross-site') return reply.redirect(signInPage(null), 302);
      try {
        const started = await startSsoSignIn(deps, signInRequest(req), {
          providerId: req.params.provider,
          browserToken: bindingCookie(req),
        });
        reply.setCookie(SSO_BINDING_COOKIE, started.browserToken, BINDING);
        return reply.redirect(started.url, 302);
      } catch (err) {
        if (err instanceof AppError && (err.code === 'unavailable' || err.code === 'rate_limited'))
          return reply.redirect(signInPage(err.code === 'unavailable' ? 'unavailable' : 'rate_limited'), 302);
        throw err;
      }
    },
  );

  app.get(
    '/auth/sso/:provider/callback',
    {
      config: { access: 'public' },
      schema: { tags, summary: "The provider's redirect back (authorisation code)", params: ProviderParams },
    },
    async (req, reply) => {
      noStore(reply);
      // The binding is single use: whatever happens next, the browser forgets it.
      reply.clearCookie(SSO_BINDING_COOKIE, BINDING);
      const query = req.url.includes('?') ? req.url.slice(req.url.indexOf('?') + 1) : '';
      try {
        const done = await completeSsoSignIn(deps, signInRequest(req), {
          providerId: req.params.provider,
          query: query.slice(0, 8192),
          browserToken: bindingCookie(req),
          sessionToken: sessionCookie(req),
        });
        setSessionCookie(reply, done.token);
        if (done.outcome === 'stepped_up')
          return reply.redirect(returnWith(done.returnTo, 'step_up', 'done'), 302);
        return reply.redirect(done.outcome === 'signed_in' ? '/' : '/sign-in?step=second-factor', 302);
      } catch (err) {
        if (err instanceof SsoRefusedError && err.stepUpReturnTo)
          return reply.redirect(
            returnWith(err.stepUpReturnTo, 'step_up_error', stepUpErrorCode(err.reason)),
            302,
          );
        if (err instanceof SsoRefusedError) return reply.redirect(signInPage(err.code), 302);
        req.log.error({ err }, 'single sign-on callback failed');
        return reply.redirect(signInPage('failed'), 302);
      }
    },
  );

  app.get(
    '/auth/sso/pending',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'A single sign-on waiting for the second factor: the factors the user can give',
        response: { 200: PendingView },
      },
    },
    async (req, reply) => {
      noStore(reply);
      const p = await pendingSsoSignIn(deps.signIn.db, sessionCookie(req), new Date());
      return {
        status: 'second_factor_required' as const,
        factors: p.factors,
        enrolmentRequired: p.enrolmentRequired,
        expiresAt: p.expiresAt.toISOString(),
        mobile: maskMobile(p.mobileLast4),
      };
    },
  );

  app.get(
    '/auth/sso/step-up',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary: 'Whether this session can step up by signing in again at its provider, and which',
        response: { 200: StepUpOfferView },
      },
    },
    async (req, reply) => {
      noStore(reply);
      const actor = staffActor(req);
      const row = await deps.signIn.db
        .selectFrom('sessions')
        .select('sso_provider')
        .where('id', '=', actor.sessionId)
        .executeTakeFirst();
      const provider = row?.sso_provider ? registry.get(row.sso_provider) : undefined;
      return { provider: provider ? { id: provider.id, displayName: provider.settings.displayName } : null };
    },
  );

  app.post(
    '/auth/sso/step-up/start',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary: 'Start a step-up by signing in again at the provider that started this session',
        body: StepUpStartBody,
        response: { 200: StepUpStartView },
      },
    },
    async (req, reply) => {
      noStore(reply);
      const actor = staffActor(req);
      const started = await startSsoStepUp(deps, req.ctx, signInRequest(req), {
        userId: actor.id,
        sessionId: actor.sessionId,
        returnTo: req.body.returnTo,
        browserToken: bindingCookie(req),
      });
      reply.setCookie(SSO_BINDING_COOKIE, started.browserToken, BINDING);
      return { url: started.url, expiresAt: started.expiresAt.toISOString() };
    },
  );

  app.post(
    '/auth/sso/:provider/backchannel-logout',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Back-channel logout: the provider ends sessions with a logout token',
        params: ProviderParams,
      },
    },
    async (req, reply) => {
      noStore(reply);
      const body = req.body as Record<string, unknown> | undefined;
      const token = body?.['logout_token'];
      const invalid = (description: string) =>
        reply.code(400).send({ error: 'invalid_request', error_description: description });
      if (typeof token !== 'string' || token.length === 0 || token.length > 16384)
        return invalid('logout_token missing');
      try {
        await backChannelLogout(deps, logoutCtx(req), {
          providerId: req.params.provider,
          logoutToken: token,
        });
        return reply.code(200).send();
      } catch (err) {
        if (err instanceof SsoLogoutRefusedError) return invalid('logout token refused');
        if (err instanceof SsoProviderUnavailableError)
          return reply.code(503).send({ error: 'temporarily_unavailable' });
        throw err;
      }
    },
  );

  app.get(
    '/auth/sso/:provider/frontchannel-logout',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Front-channel logout: the provider ends the session with this sid',
        params: ProviderParams,
        querystring: FrontChannelQuery,
      },
    },
    async (req, reply) => {
      noStore(reply);
      try {
        await frontChannelLogout(deps, logoutCtx(req), {
          providerId: req.params.provider,
          iss: req.query.iss ?? null,
          sid: req.query.sid ?? null,
        });
      } catch (err) {
        // The provider's page shows nothing either way; the refusal is in the audit trail.
        if (!(err instanceof SsoLogoutRefusedError || err instanceof SsoProviderUnavailableError)) throw err;
      }
      return reply.code(200).type('text/plain; charset=utf-8').send('');
    },
  );

  app.post(
    '/auth/sso/logout',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary: "Sign out: end this session, and get the provider's end-session URL for an SSO session",
        response: { 200: LogoutView },
      },
    },
    async (req, reply) => {
      const actor = req.ctx.actor;
      if (actor.kind !== 'staff')
        throw new AppError('forbidden', 'this route is for signed-in staff users', { reason: 'staff_only' });
      const endSessionUrl = await endSessionUrlFor(deps, req.ctx, actor.sessionId);
      await endSession(req.ctx, { sessionId: actor.sessionId, reason: 'logout', userId: actor.id });
      clearSessionCookie(reply);
      return { endSessionUrl };
    },
  );

  app.get(
    '/users/:id/sso-identities',
    {
      config: { access: 'user:manage' },
      schema: {
        tags: ['users'],
        summary: "A staff user's linked single sign-on identities",
        params: IdParams,
        response: { 200: IdentitiesView },
      },
    },
    async (req) => ({ items: await listSsoIdentities(req.ctx, registry, req.params.id) }),
  );
}

function bindingCookie(req: FastifyRequest): string | null {
  const v = req.cookies[SSO_BINDING_COOKIE];
  return typeof v === 'string' && v.length > 0 ? v : null;
}
