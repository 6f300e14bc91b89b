/**
 * Staff passkeys (WebAuthn): signing in with one (as the second factor after the password, or
 * alone where `auth.passkeys.staffPasswordless` allows: public routes, behind the block-delay
 * guard), stepping up with one, and the signed-in user's own passkeys (list; register, rename and
 * remove after a recent step-up). Administrators list a staff user's passkeys and remove one
 * (`user:manage`, step-up). Each ceremony is two calls: options with a fresh single-use challenge,
 * then the browser's answer.
 */
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
  UserPasskeyParams,
  WebAuthnOptionsView,
  type PasskeyPolicy,
} from '../../../modules/auth/passkeys/index.ts';
import {
  completeSignIn,
  SecondFactorFailedError,
  SignedInView,
  stepUp,
} from '../../../modules/auth/sign-in/index.ts';
import { pendingSignIn } from '../../../modules/auth/sign-in/second-factor-step.ts';
import { getStaffUser } from '../../../modules/auth/users/index.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../shared/create-http-app.ts';
import type { AuthServices } from '../auth-services.ts';
import { refuseCrossSite, sessionCookie, signInRequest } from '../session-cookie.ts';
import { IdParams } from './common.ts';
import { staffActor, staffSessionViews } from './staff-session.ts';

export async function passkeysRoutes(app: App, opts: { auth: AuthServices }): Promise<void> {
  const { auth } = opts;
  const deps = auth.signIn;
  const tags = ['auth', 'passkeys'];
  /** The sign-in clock (a test seam, like the rest of the sign-in flow). */
  const now = () => (deps.now ?? (() => new Date()))();
  /** Read per request: tests point the relying party at the port their browser loads. */
  const policy = (): PasskeyPolicy => {
    if (!deps.passkeys) throw new AppError('unavailable', 'passkeys are not configured');
    return deps.passkeys;
  };

  const { signedIn } = staffSessionViews(auth);
  const staff = staffActor;

  // ---- sign-in (public, before a session) --------------------------------------------------------

  app.post(
    '/auth/passkeys/sign-in/options',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Start a passwordless sign-in with a passkey (where the policy allows it)',
        response: { 200: WebAuthnOptionsView },
      },
    },
    async (req) => {
      refuseCrossSite(req);
      return passwordlessOptions(deps.db, policy(), { ip: req.ip, now: now() });
    },
  );

  app.post(
    '/auth/passkeys/sign-in',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Finish a passwordless sign-in with the passkey (user verification required)',
        body: PasskeyAssertionBody,
        response: { 200: SignedInView },
      },
    },
    async (req, reply) => {
      refuseCrossSite(req);
      const r = await signInWithPasskey(deps, signInRequest(req), { response: req.body.response });
      return signedIn(reply, req, r.token);
    },
  );

  app.post(
    '/auth/login/passkey/options',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'The passkey challenge of the sign-in in progress (second factor)',
        response: { 200: WebAuthnOptionsView },
      },
    },
    async (req) => {
      refuseCrossSite(req);
      const at = now();
      const pending = await pendingSignIn(deps, sessionCookie(req), at);
      return passkeyFactorOptions(deps.db, policy(), {
        purpose: 'second_factor',
        userId: pending.user.id,
        sessionId: pending.sessionId,
        now: at,
      });
    },
  );

  app.post(
    '/auth/login/passkey',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Finish signing in with a passkey as the second factor (step 2)',
        body: PasskeyAssertionBody,
        response: { 200: SignedInView },
      },
    },
    async (req, reply) => {
      refuseCrossSite(req);
      try {
        const done = await completeSignIn(deps, signInRequest(req), {
          token: sessionCookie(req),
          factor: 'passkey',
          code: '',
          assertion: req.body.response,
        });
        return await signedIn(reply, req, done.token);
      } catch (err) {
        if (err instanceof SecondFactorFailedError) throw new PasskeySignInFailedError();
        throw err;
      }
    },
  );

  // ---- step-up -----------------------------------------------------------------------------------

  app.post(
    '/auth/step-up/passkey/options',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary: 'The passkey challenge of a step-up of this session',
        response: { 200: WebAuthnOptionsView },
      },
    },
    async (req) => {
      const actor = staff(req);
      return passkeyFactorOptions(deps.db, policy(), {
        purpose: 'step_up',
        userId: actor.id,
        sessionId: actor.sessionId,
        now: now(),
      });
    },
  );

  app.post(
    '/auth/step-up/passkey',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary: 'Step up with a passkey before a sensitive action',
        body: PasskeyAssertionBody,
        response: { 200: SignedInView },
      },
    },
    async (req, reply) => {
      const actor = staff(req);
      try {
        const r = await stepUp(deps, signInRequest(req), {
          user: { id: actor.id, username: actor.username },
          sessionId: actor.sessionId,
          factor: 'passkey',
          code: '',
          assertion: req.body.response,
        });
        return await signedIn(reply, req, r.token);
      } catch (err) {
        if (err instanceof SecondFactorFailedError) throw new PasskeySignInFailedError();
        throw err;
      }
    },
  );

  // ---- my passkeys -------------------------------------------------------------------------------

  app.get(
    '/auth/passkeys',
    {
      config: { access: 'authenticated' },
      schema: { tags, summary: 'My passkeys', response: { 200: PasskeyListView } },
    },
    async (req) => {
      const actor = staff(req);
      const p = policy();
      return { items: await listPasskeys(deps.db, p, actor.id), passwordlessAllowed: p.passwordless };
    },
  );

  app.post(
    '/auth/passkeys/options',
    {
      config: { access: 'authenticated', stepUp: true },
      schema: {
        tags,
        summary: 'Start registering a passkey (my existing ones are excluded)',
        response: { 200: WebAuthnOptionsView },
      },
    },
    async (req) => {
      const actor = staff(req);
      const user = await deps.db
        .selectFrom('staff_users')
        .select('display_name')
        .where('id', '=', actor.id)
        .executeTakeFirstOrThrow();
      return startPasskeyRegistration(deps.db, req.ctx, policy(), {
        user: { id: actor.id, username: actor.username, displayName: user.display_name },
        sessionId: actor.sessionId,
      });
    },
  );

  app.post(
    '/auth/passkeys',
    {
      config: { access: 'authenticated', stepUp: true },
      schema: {
        tags,
        summary: 'Register the passkey the browser created, with a name',
        body: RegisterPasskeyBody,
        response: { 201: PasskeyViewSchema },
      },
    },
    async (req, reply) => {
      const actor = staff(req);
      const view = await finishPasskeyRegistration(deps.db, req.ctx, policy(), {
        userId: actor.id,
        sessionId: actor.sessionId,
        name: req.body.name,
        response: req.body.response,
      });
      await auth.mail.notifier(req.ctx)({ type: 'passkey_added', userId: actor.id });
      return reply.code(201).send(view);
    },
  );

  app.patch(
    '/auth/passkeys/:passkeyId',
    {
      config: { access: 'authenticated', stepUp: true },
      schema: {
        tags,
        summary: 'Rename one of my passkeys',
        params: PasskeyParams,
        body: RenamePasskeyBody,
        response: { 200: PasskeyViewSchema },
      },
    },
    async (req) => {
      const actor = staff(req);
      return renamePasskey(deps.db, req.ctx, policy(), {
        userId: actor.id,
        passkeyId: req.params.passkeyId,
        name: req.body.name,
      });
    },
  );

  app.delete(
    '/auth/passkeys/:passkeyId',
    {
      config: { access: 'authenticated', stepUp: true },
      schema: { tags, summary: 'Remove one of my passkeys', params: PasskeyParams },
    },
    async (req, reply) => {
      const actor = staff(req);
      await removePasskey(deps.db, req.ctx, policy(), {
        userId: actor.id,
        passkeyId: req.params.passkeyId,
        by: 'user',
      });
      await auth.mail.notifier(req.ctx)({ type: 'passkey_removed', userId: actor.id, by: 'user' });
      return reply.code(204).send();
    },
  );

  // ---- administrators ----------------------------------------------------------------------------

  app.get(
    '/users/:id/passkeys',
    {
      config: { access: 'user:manage' },
      schema: {
        tags: ['users', 'passkeys'],
        summary: "A staff user's passkeys (names and dates; never key material)",
        params: IdParams,
        response: { 200: PasskeyListView },
      },
    },
    async (req) => {
      await getStaffUser(req.ctx, req.params.id);
      const p = policy();
      return { items: await listPasskeys(deps.db, p, req.params.id), passwordlessAllowed: p.passwordless };
    },
  );

  app.delete(
    '/users/:id/passkeys/:passkeyId',
    {
      config: { access: 'user:manage', stepUp: true },
      schema: {
        tags: ['users', 'passkeys'],
        summary: "Remove a staff user's passkey (a lost or stolen device); the user is e-mailed",
        params: UserPasskeyParams,
      },
    },
    async (req, reply) => {
      await getStaffUser(req.ctx, req.params.id);
      await removePasskey(deps.db, req.ctx, policy(), {
        userId: req.params.id,
        passkeyId: req.params.passkeyId,
        by: 'administrator',
      });
      await auth.mail.notifier(req.ctx)({
        type: 'passkey_removed',
        userId: req.params.id,
        by: 'administrator',
      });
      return reply.code(204).send();
    },
  );
}
