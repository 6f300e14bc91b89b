/**
 * Client passkeys over the link (WebAuthn; the relying party is the portal's host, whose origin the
 * client's browser is on): sign-in with a passkey as the second factor and passwordless (where
 * `auth.passkeys.clientPasswordless` allows; behind the same block-delay guard as every client
 * sign-in), step-up with a passkey, and the client's own passkeys (list; register, rename and
 * remove after a recent step-up; each change e-mailed). Every session route is authorised as the
 * client user whose session the portal forwards; a passkey id of another user is "not found".
 */
import { Type } from 'typebox';
import {
  finishPasskeyRegistration,
  listPasskeys,
  passkeyFactorOptions,
  PasskeyAssertionBody,
  PasskeyListView,
  PasskeyParams,
  PasskeySignInFailedError,
  PasskeyViewSchema,
  passwordlessOptions,
  RegisterPasskeyBody,
  removePasskey,
  renamePasskey,
  RenamePasskeyBody,
  signInWithPasskey,
  startPasskeyRegistration,
  WebAuthnOptionsView,
  type PasskeyPolicy,
} from '../../../modules/auth/passkeys/index.ts';
import { isSteppedUp } from '../../../modules/auth/sessions/session.policy.ts';
import type { LiveSession } from '../../../modules/auth/sessions/index.ts';
import { completeSignIn, SecondFactorFailedError, stepUp } from '../../../modules/auth/sign-in/index.ts';
import { pendingSignIn } from '../../../modules/auth/sign-in/second-factor-step.ts';
import { notifyClientUser } from '../../../modules/clients/index.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../shared/create-http-app.ts';
import type { InternalDeps } from '../deps.ts';
import { CLIENT_SESSION_HEADER, clientRequest, oneHeader, requireClient } from './client-context.ts';

const SessionIssued = Type.Object({
  status: Type.Literal('signed_in'),
  token: Type.String(),
  csrfToken: Type.String(),
  expiresAt: Type.String({ format: 'date-time' }),
});

export async function linkClientPasskeysRoutes(
  app: App,
  deps: Pick<InternalDeps, 'database' | 'auth'>,
): Promise<void> {
  const signIn = deps.auth.clientSignIn;
  const db = deps.database.db;
  const pub = { link: true, client: 'public' } as const;
  const session = { link: true, client: 'session' } as const;
  const now = () => (signIn.now ?? (() => new Date()))();
  /** Read per request: tests point the relying party at the port their browser loads. */
  const policy = (): PasskeyPolicy => {
    if (!signIn.passkeys) throw new AppError('unavailable', 'passkeys are not configured');
    return signIn.passkeys;
  };
  const issued = (r: { token: string; session: LiveSession }) => ({
    status: 'signed_in' as const,
    token: r.token,
    csrfToken: r.session.csrfToken,
    expiresAt: r.session.expiresAt.toISOString(),
  });
  /** A passkey change needs a recent second factor on this session (as for factors). */
  const requireStepUp = (secondFactorAt: Date | null) => {
    if (!isSteppedUp({ secondFactorAt }, new Date(), deps.auth.session))
      throw new AppError('forbidden', 'Confirm with your second factor first.', {
        reason: 'step_up_required',
      });
  };
  /** Passkey refusals answer as one, whatever the step. */
  const asPasskeyFailure = (err: unknown): never => {
    if (err instanceof SecondFactorFailedError) throw new PasskeySignInFailedError();
    throw err;
  };

  // ---- sign-in (before a session) ---------------------------------------------------------------

  app.post(
    '/link/v1/auth/passkeys/sign-in/options',
    { config: pub, schema: { response: { 200: WebAuthnOptionsView } } },
    async (req) => passwordlessOptions(db, policy(), { ip: clientRequest(req).ip, now: now() }),
  );

  app.post(
    '/link/v1/auth/passkeys/sign-in',
    { config: pub, schema: { body: PasskeyAssertionBody, response: { 200: SessionIssued } } },
    async (req) =>
      issued(await signInWithPasskey(signIn, clientRequest(req), { response: req.body.response })),
  );

  app.post(
    '/link/v1/auth/login/passkey/options',
    { config: pub, schema: { response: { 200: WebAuthnOptionsView } } },
    async (req) => {
      const at = now();
      const pending = await pendingSignIn(signIn, oneHeader(req.headers[CLIENT_SESSION_HEADER]) ?? null, at);
      return passkeyFactorOptions(db, policy(), {
        purpose: 'second_factor',
        userId: pending.user.id,
        sessionId: pending.sessionId,
        now: at,
      });
    },
  );

  app.post(
    '/link/v1/auth/login/passkey',
    { config: pub, schema: { body: PasskeyAssertionBody, response: { 200: SessionIssued } } },
    async (req) => {
      try {
        const r = await completeSignIn(signIn, clientRequest(req), {
          token: oneHeader(req.headers[CLIENT_SESSION_HEADER]) ?? null,
          factor: 'passkey',
          code: '',
          assertion: req.body.response,
        });
        return issued(r);
      } catch (err) {
        return asPasskeyFailure(err);
      }
    },
  );

  // ---- step-up ----------------------------------------------------------------------------------

  app.post(
    '/link/v1/auth/step-up/passkey/options',
    { config: session, schema: { response: { 200: WebAuthnOptionsView } } },
    async (req) => {
      const { actor } = requireClient(req);
      return passkeyFactorOptions(db, policy(), {
        purpose: 'step_up',
        userId: actor.id,
        sessionId: actor.sessionId,
        now: now(),
      });
    },
  );

  app.post(
    '/link/v1/auth/step-up/passkey',
    { config: session, schema: { body: PasskeyAssertionBody, response: { 200: SessionIssued } } },
    async (req) => {
      const { actor } = requireClient(req);
      try {
        const r = await stepUp(signIn, clientRequest(req), {
          user: { id: actor.id, username: actor.username },
          sessionId: actor.sessionId,
          factor: 'passkey',
          code: '',
          assertion: req.body.response,
        });
        return issued(r);
      } catch (err) {
        return asPasskeyFailure(err);
      }
    },
  );

  // ---- my passkeys ------------------------------------------------------------------------------

  app.get(
    '/link/v1/me/passkeys',
    { config: session, schema: { response: { 200: PasskeyListView } } },
    async (req) => {
      const { actor } = requireClient(req);
      const p = policy();
      return { items: await listPasskeys(db, p, actor.id), passwordlessAllowed: p.passwordless };
    },
  );

  app.post(
    '/link/v1/me/passkeys/options',
    { config: session, schema: { response: { 200: WebAuthnOptionsView } } },
    async (req) => {
      const { actor, ctx } = requireClient(req);
      requireStepUp(actor.secondFactorAt);
      const user = await db
        .selectFrom('client_users')
        .select(['username', 'display_name'])
        .where('id', '=', actor.id)
        .executeTakeFirstOrThrow();
      return startPasskeyRegistration(db, ctx, policy(), {
        user: { id: actor.id, username: user.username, displayName: user.display_name },
        sessionId: actor.sessionId,
      });
    },
  );

  app.post(
    '/link/v1/me/passkeys',
    { config: session, schema: { body: RegisterPasskeyBody, response: { 201: PasskeyViewSchema } } },
    async (req, reply) => {
      const { actor, ctx } = requireClient(req);
      requireStepUp(actor.secondFactorAt);
      const view = await finishPasskeyRegistration(db, ctx, policy(), {
        userId: actor.id,
        sessionId: actor.sessionId,
        name: req.body.name,
        response: req.body.response,
      });
      await notifyClientUser(deps.auth.invitations, db, actor.id, 'passkey_added');
      return reply.code(201).send(view);
    },
  );

  app.patch(
    '/link/v1/me/passkeys/:passkeyId',
    {
      config: session,
      schema: { params: PasskeyParams, body: RenamePasskeyBody, response: { 200: PasskeyViewSchema } },
    },
    async (req) => {
      const { actor, ctx } = requireClient(req);
      requireStepUp(actor.secondFactorAt);
      return renamePasskey(db, ctx, policy(), {
        userId: actor.id,
        passkeyId: req.params.passkeyId,
        name: req.body.name,
      });
    },
  );

  app.delete(
    '/link/v1/me/passkeys/:passkeyId',
    { config: session, schema: { params: PasskeyParams, response: { 204: Type.Null() } } },
    async (req, reply) => {
      const { actor, ctx } = requireClient(req);
      requireStepUp(actor.secondFactorAt);
      await removePasskey(db, ctx, policy(), {
        userId: actor.id,
        passkeyId: req.params.passkeyId,
        by: 'user',
      });
      await notifyClientUser(deps.auth.invitations, db, actor.id, 'passkey_removed');
      return reply.code(204).send(null);
    },
  );
}
