/**
 * The link operations: what the portal may ask of the internal server, and nothing else. Each is
 * done for one client user: sign-in and invitation steps run before there is a session (behind the
 * same block-delay guard as staff sign-in); every other operation needs that user's live client
 * session, sent by the portal in `X-Dossier-Client-Session`, and is authorised as that user against
 * their own organisation. The portal's certificate proves which host calls, never who may see what.
 *
 * Headers from the portal (trusted only because the peer is the portal's link certificate):
 * `X-Dossier-Client-IP` (the client's address as the portal saw it: block-delay and audit),
 * `X-Dossier-Client-UA`, `X-Dossier-Client-Session`, `X-CSRF-Token` (checked against the session
 * on every state change: the portal keeps no state to check it with).
 *
 * Session tokens travel in response bodies to the portal only; the portal puts them in its own
 * `__Host-` cookie and never shows them to the browser.
 */
import { Type } from 'typebox';
import { recordAudit } from '../../../modules/audit/audit.repository.ts';
import { endSession, type LiveSession } from '../../../modules/auth/sessions/index.ts';
import {
  completeSignIn,
  LoginBody,
  SecondFactorBody,
  sendSignInSmsCode,
  signInWithPassword,
} from '../../../modules/auth/sign-in/index.ts';
import {
  acceptInvitation,
  authenticateClientSession,
  clientMe,
  getClientApplication,
  listClientApplications,
  openInvitation,
  sendInvitationSmsCode,
} from '../../../modules/clients/index.ts';
import { createCtx } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../shared/create-http-app.ts';
import type { InternalDeps } from '../deps.ts';
import {
  CLIENT_SESSION_HEADER,
  clientRequest,
  oneHeader as one,
  requireClient as client,
} from './client-context.ts';

const Token = Type.String({ minLength: 1, maxLength: 200 });
const InvitationBody = Type.Object({ invitationToken: Token }, { additionalProperties: false });
const AcceptBody = Type.Object(
  {
    invitationToken: Token,
    factor: Type.Union([Type.Literal('sms'), Type.Literal('totp')]),
    code: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 4096 }),
  },
  { additionalProperties: false },
);
const SessionIssued = Type.Object({
  status: Type.Literal('signed_in'),
  token: Type.String(),
  csrfToken: Type.String(),
  expiresAt: Type.String({ format: 'date-time' }),
});
const SecondFactorNeeded = Type.Object({
  status: Type.Literal('second_factor'),
  token: Type.String(),
  factors: Type.Array(Type.String()),
  mobile: Type.Union([Type.String(), Type.Null()]),
});
const Me = Type.Object({
  id: Type.String(),
  username: Type.String(),
  displayName: Type.String(),
  email: Type.String(),
  role: Type.String(),
  organisation: Type.Object({ id: Type.String(), name: Type.String() }),
  mobile: Type.Union([Type.String(), Type.Null()]),
});
const ClientApplication = Type.Object({
  id: Type.String(),
  reference: Type.String(),
  programme: Type.String(),
  status: Type.String(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) }, { additionalProperties: false });

export async function linkClientRoutes(
  app: App,
  deps: Pick<InternalDeps, 'database' | 'keyring' | 'auth'>,
): Promise<void> {
  const signIn = deps.auth.clientSignIn;
  const policy = deps.auth.session;
  app.decorateRequest('client', null);

  app.addHook('onRoute', (route) => {
    const url = route.url ?? route.path;
    if (url !== '/link/v1/ping' && route.config?.client === undefined)
      throw new Error(`link route ${String(route.method)} ${url} declares no client access (config.client)`);
  });

  // Before validation: without a live session nothing about the request is looked at.
  app.addHook('preValidation', async (req) => {
    if (req.routeOptions.config.client !== 'session') return;
    const route = req.routeOptions.url ?? req.url;
    const refuse = async (reason: string, status: 'unauthenticated' | 'forbidden') => {
      await recordAudit(
        deps.database.db,
        {
          actor: { kind: 'system', label: 'link', rights: new Set() },
          requestId: req.id,
          now: () => new Date(),
        },
        { type: 'link.refused', payload: { method: req.method, route, reason } },
      );
      throw new AppError(status, status === 'forbidden' ? 'CSRF token missing or wrong' : 'sign in again', {
        reason,
      });
    };
    const token = one(req.headers[CLIENT_SESSION_HEADER]);
    if (!token) return refuse('no_session', 'unauthenticated');
    const found = await authenticateClientSession(deps.database.db, token, policy, {
      now: new Date(),
      requestId: req.id,
      csrf: one(req.headers['x-csrf-token']),
    });
    if (!found) return refuse('invalid_session', 'unauthenticated');
    if (req.method !== 'GET' && req.method !== 'HEAD' && !found.csrfOk) return refuse('csrf', 'forbidden');
    req.client = {
      actor: found.actor,
      ctx: createCtx({ db: deps.database.db, keyring: deps.keyring, actor: found.actor, requestId: req.id }),
    };
  });

  const issued = (r: { token: string; session: LiveSession }) => ({
    status: 'signed_in' as const,
    token: r.token,
    csrfToken: r.session.csrfToken,
    expiresAt: r.session.expiresAt.toISOString(),
  });

  // ---- sign-in (before a session) ---------------------------------------------------------------

  app.post(
    '/link/v1/auth/login',
    {
      config: { link: true, client: 'public' },
      schema: { body: LoginBody, response: { 200: SecondFactorNeeded } },
    },
    async (req) => {
      const r = await signInWithPassword(signIn, clientRequest(req), req.body);
      // Clients never skip the second factor (the client realm has no trusted networks).
      if (r.outcome !== 'second_factor') throw new Error('client sign-in skipped the second factor');
      const last4 = await deps.database.db
        .selectFrom('client_users')
        .select('mobile_last4')
        .where('id', '=', r.session.userId)
        .executeTakeFirst();
      return {
        status: 'second_factor' as const,
        token: r.token,
        factors: r.factors,
        mobile: last4?.mobile_last4 ? `••••${last4.mobile_last4}` : null,
      };
    },
  );

  app.post(
    '/link/v1/auth/login/sms',
    {
      config: { link: true, client: 'public' },
      schema: { response: { 200: Type.Object({ expiresAt: Type.String() }) } },
    },
    async (req) => {
      const r = await sendSignInSmsCode(signIn, clientRequest(req), {
        token: one(req.headers[CLIENT_SESSION_HEADER]) ?? null,
      });
      return { expiresAt: r.expiresAt.toISOString() };
    },
  );

  app.post(
    '/link/v1/auth/login/second-factor',
    {
      config: { link: true, client: 'public' },
      schema: { body: SecondFactorBody, response: { 200: SessionIssued } },
    },
    async (req) => {
      const r = await completeSignIn(signIn, clientRequest(req), {
        token: one(req.headers[CLIENT_SESSION_HEADER]) ?? null,
        factor: req.body.factor,
        code: req.body.code,
      });
      return issued(r);
    },
  );

  // ---- invitations (before a session) -----------------------------------------------------------

  app.post(
    '/link/v1/invitations/open',
    {
      config: { link: true, client: 'public' },
      schema: { body: InvitationBody, response: { 200: SecondFactorNeeded } },
    },
    async (req) => {
      const r = await openInvitation(signIn, clientRequest(req), req.body.invitationToken);
      return { status: 'second_factor' as const, token: r.token, factors: [r.factor], mobile: r.mobile };
    },
  );

  app.post(
    '/link/v1/invitations/sms',
    {
      config: { link: true, client: 'public' },
      schema: { body: InvitationBody, response: { 200: Type.Object({ expiresAt: Type.String() }) } },
    },
    async (req) => {
      const r = await sendInvitationSmsCode(signIn, clientRequest(req), {
        sessionToken: one(req.headers[CLIENT_SESSION_HEADER]) ?? null,
        invitationToken: req.body.invitationToken,
      });
      return { expiresAt: r.expiresAt.toISOString() };
    },
  );

  app.post(
    '/link/v1/invitations/accept',
    {
      config: { link: true, client: 'public' },
      schema: {
        body: AcceptBody,
        response: {
          200: Type.Object({
            ...SessionIssued.properties,
            applicationId: Type.Union([Type.String(), Type.Null()]),
          }),
        },
      },
    },
    async (req) => {
      const r = await acceptInvitation(
        signIn,
        clientRequest(req),
        { sessionToken: one(req.headers[CLIENT_SESSION_HEADER]) ?? null, ...req.body },
        deps.auth.passwordPolicy,
      );
      return { ...issued(r), applicationId: r.applicationId };
    },
  );

  // ---- the signed-in client user ----------------------------------------------------------------

  app.post(
    '/link/v1/auth/logout',
    { config: { link: true, client: 'session' }, schema: { response: { 204: Type.Null() } } },
    async (req, reply) => {
      const { actor, ctx } = client(req);
      await endSession(ctx, { sessionId: actor.sessionId, reason: 'logout', userId: actor.id });
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/link/v1/me',
    { config: { link: true, client: 'session' }, schema: { response: { 200: Me } } },
    async (req) => {
      const { actor, ctx } = client(req);
      return clientMe(ctx, actor);
    },
  );

  app.get(
    '/link/v1/applications',
    {
      config: { link: true, client: 'session' },
      schema: { response: { 200: Type.Object({ items: Type.Array(ClientApplication) }) } },
    },
    async (req) => {
      const { actor, ctx } = client(req);
      return { items: await listClientApplications(ctx, actor) };
    },
  );

  app.get(
    '/link/v1/applications/:id',
    {
      config: { link: true, client: 'session' },
      schema: { params: IdParams, response: { 200: ClientApplication } },
    },
    async (req) => {
      const { actor, ctx } = client(req);
      return getClientApplication(ctx, actor, req.params.id);
    },
  );
}
