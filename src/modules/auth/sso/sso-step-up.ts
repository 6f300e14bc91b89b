/**
 * Step-up by re-authentication at the provider, for sessions that single sign-on started (a user
 * created just in time may have no Dossier factor at all, only the provider's multi-factor sign-in).
 *
 * Start: only for the signed-in user's own live session with `sso_provider` set, whose user has an
 * identity linked at that provider. An attempt like a sign-in's (PKCE, state, nonce, browser
 * binding, 10 minutes, single use), marked 'step_up' and bound to the session and to a relative
 * back-office path to return to; the authorisation request carries `max_age=0` and `prompt=login`,
 * so the provider must authenticate the user again whatever session it holds.
 *
 * Callback (complete-sso-sign-in.ts does every sign-in check first, then this): the session is
 * still live, active and the one the attempt was started for; the ID token's subject is the one
 * linked to the session's user; `auth_time` is present and not earlier than the attempt (minus
 * {@link AUTH_TIME_SKEW_S}): a provider that only replayed its existing session is refused; the
 * provider asserted a multi-factor sign-in (the same `amr`/`acr` settings as sign-in). Then the
 * session gets a fresh second factor 'sso' exactly as a step-up with Dossier's own factors does
 * (a new token, the old one dead), keeps its id, and records the provider's new session id for
 * logout. No session is started and no sign-in happens here.
 */
import type { Ctx } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import { appendAudit } from '../../audit/audit.repository.ts';
import type { Tx } from '../../../db/transaction.ts';
import { hashSessionToken, rotateSession, type LiveSession } from '../sessions/index.ts';
import type { SignInRequest } from '../sign-in/index.ts';
import type { SsoClaims } from './sso-claims.ts';
import { SsoRefusedError } from './sso.errors.ts';
import { idTokenContext, type SsoDeps } from './sso.options.ts';
import type { SsoProvider } from './sso-providers.ts';
import { findIdentityOfUser, type SsoAttemptRow } from './sso.repository.ts';
import { startAttempt, type StartSsoResult } from './start-sso-sign-in.ts';

/** Clock skew allowed between Dossier and the provider when comparing `auth_time`. */
export const AUTH_TIME_SKEW_S = 30;

/** Paths of the back office a step-up may return to: relative, no scheme, host, `..` or `\`. */
const RETURN_TO = /^\/(?:[A-Za-z0-9._~-]+(?:\/[A-Za-z0-9._~-]+)*\/?)?(?:\?[A-Za-z0-9._~=&%+-]{0,400})?$/;

/**
 * The return path if it is an allowed one, else null: a path of the back office (never the API),
 * with at most a simple query. An absolute URL, `//host`, `/\host`, a fragment, `..` are refused.
 */
export function safeReturnTo(value: string): string | null {
  if (value.length > 500 || !RETURN_TO.test(value)) return null;
  const path = value.split('?')[0]!;
  if (path.split('/').some((seg) => seg === '.' || seg === '..')) return null;
  if (path === '/api' || path.startsWith('/api/')) return null;
  // Belt and braces: resolved against any origin, it stays on that origin.
  const base = 'https://dossier.invalid';
  const resolved = new URL(value, base);
  return resolved.origin === base ? value : null;
}

/** The return path with `name=value` set (an earlier step-up's outcome removed). */
export function returnWith(returnTo: string, name: 'step_up' | 'step_up_error', value: string): string {
  const u = new URL(returnTo, 'https://dossier.invalid');
  u.searchParams.delete('step_up');
  u.searchParams.delete('step_up_error');
  u.searchParams.set(name, value);
  return `${u.pathname}${u.search}`;
}

export interface StartSsoStepUpInput {
  userId: string;
  sessionId: string;
  returnTo: string;
  browserToken: string | null;
}

export async function startSsoStepUp(
  deps: SsoDeps,
  ctx: Ctx,
  req: SignInRequest,
  input: StartSsoStepUpInput,
): Promise<StartSsoResult & { provider: string }> {
  const returnTo = safeReturnTo(input.returnTo);
  if (!returnTo)
    throw new AppError('validation', 'returnTo must be a relative path of the back office', {
      reason: 'return_to_invalid',
    });
  const now = ctx.now();
  const session = await deps.signIn.db
    .selectFrom('sessions')
    .select(['sso_provider', 'user_id'])
    .where('id', '=', input.sessionId)
    .where('user_id', '=', input.userId)
    .where('realm', '=', 'staff')
    .where('stage', '=', 'active')
    .where('ended_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  if (!session?.sso_provider)
    throw new AppError('forbidden', 'confirming at a sign-in provider is only for sessions it started', {
      reason: 'not_sso_session',
    });
  const provider = deps.registry.get(session.sso_provider);
  if (!provider)
    throw new AppError('unavailable', 'the sign-in provider of this session is no longer configured', {
      reason: 'provider_unavailable',
    });
  if (!(await findIdentityOfUser(deps.signIn.db, provider.id, input.userId)))
    throw new AppError('forbidden', 'no identity at the sign-in provider is linked to this account', {
      reason: 'no_sso_identity',
    });
  const started = await startAttempt(deps, req, {
    providerId: provider.id,
    browserToken: input.browserToken,
    stepUp: { sessionId: input.sessionId, returnTo },
    ctx,
  });
  return { ...started, provider: provider.id };
}

export interface FinishSsoStepUpInput {
  provider: SsoProvider;
  attempt: SsoAttemptRow;
  claims: SsoClaims;
  /** The ID token's claims as verified (for `auth_time`). */
  raw: Record<string, unknown>;
  subjectHash: string;
  idToken: string | undefined;
  /** The session cookie, when the browser sent one (a cross-site callback normally has none). */
  sessionToken: string | null;
}

/** The step-up checks and, when they pass, the session's fresh second factor (same transaction). */
export async function finishSsoStepUp(
  deps: SsoDeps,
  ctx: Ctx,
  tx: Tx,
  o: FinishSsoStepUpInput,
): Promise<{ token: string; session: LiveSession; returnTo: string }> {
  const now = ctx.now();
  const sessionId = o.attempt.session_id;
  const returnTo = o.attempt.return_to;
  if (!sessionId || !returnTo) throw new SsoRefusedError('step_up_session_ended');
  const policy = deps.signIn.session;

  // The session it was started for: live, active, of this provider, its user active; and when the
  // browser presents a session cookie, it is that session's.
  const s = await tx
    .selectFrom('sessions as s')
    .innerJoin('staff_users as u', 'u.id', 's.user_id')
    .select(['s.user_id', 's.token_hash', 's.last_seen_at', 's.sso_provider', 'u.status'])
    .where('s.id', '=', sessionId)
    .where('s.realm', '=', 'staff')
    .where('s.stage', '=', 'active')
    .where('s.ended_at', 'is', null)
    .where('s.expires_at', '>', now)
    .executeTakeFirst();
  if (
    !s ||
    s.status !== 'active' ||
    s.sso_provider !== o.provider.id ||
    s.last_seen_at.getTime() + policy.idleTimeoutMs <= now.getTime() ||
    (o.sessionToken !== null && !hashSessionToken(o.sessionToken).equals(Buffer.from(s.token_hash)))
  )
    throw new SsoRefusedError('step_up_session_ended', o.subjectHash);

  // The same person: the subject linked to the session's user at this provider.
  const identity = await findIdentityOfUser(tx, o.provider.id, s.user_id);
  if (!identity || identity.subject !== o.claims.subject)
    throw new SsoRefusedError('step_up_subject_mismatch', o.subjectHash);

  // Authenticated again just now: auth_time not before the attempt (less the skew), not in the future.
  const authTime = o.raw['auth_time'];
  const started = Math.floor(o.attempt.created_at.getTime() / 1000);
  if (
    typeof authTime !== 'number' ||
    !Number.isFinite(authTime) ||
    authTime < started - AUTH_TIME_SKEW_S ||
    authTime > Math.floor(now.getTime() / 1000) + AUTH_TIME_SKEW_S
  )
    throw new SsoRefusedError('step_up_not_reauthenticated', o.subjectHash);

  // With more than one factor, as the provider asserts it (the sign-in's accepted amr/acr).
  if (!o.claims.mfa) throw new SsoRefusedError('step_up_no_mfa', o.subjectHash);

  let r: { token: string; session: LiveSession };
  try {
    r = await rotateSession(ctx, { sessionId, secondFactor: 'sso', from: 'active' }, policy, tx);
  } catch (err) {
    if (err instanceof AppError && err.code === 'not_found')
      throw new SsoRefusedError('step_up_session_ended', o.subjectHash);
    throw err;
  }
  // The provider's session is the one just authenticated: back-channel logout names its sid.
  await tx
    .updateTable('sessions')
    .set({
      ...(o.claims.sid ? { sso_sid: o.claims.sid } : {}),
      ...(o.idToken
        ? { sso_id_token_enc: deps.signIn.keyring.encryptField(o.idToken, idTokenContext(sessionId)) }
        : {}),
    })
    .where('id', '=', sessionId)
    .execute();
  await appendAudit(tx, ctx, {
    type: 'auth.stepped_up',
    target: { type: 'staff_user', id: s.user_id },
    payload: { factor: 'sso', sessionId },
  });
  return { ...r, returnTo };
}
