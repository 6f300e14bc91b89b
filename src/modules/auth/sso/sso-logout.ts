/**
 * Logout with the provider, both ways:
 *
 * - back-channel (OpenID Connect Back-Channel Logout 1.0): the provider posts a logout token, a JWT
 *   verified with the provider's published keys and the algorithm allow-list; iss, aud, iat (not
 *   older than LOGOUT_TOKEN_MAX_AGE_S), the back-channel logout event, no nonce, a sid or a sub,
 *   and a jti used once (remembered until such a token would be too old anyway). The matching
 *   sessions end with reason 'sso_logout';
 * - front-channel (Front-Channel Logout 1.0): the provider loads our URL with iss and sid; the
 *   sessions with that sid end, only when iss is the provider's;
 * - RP-initiated: signing out of an SSO session gives the provider's end-session URL (with the ID
 *   token as hint, decrypted here, and where to come back), for the browser to go there.
 */
import { jwtVerify, errors as joseErrors } from 'jose';
import { inTransaction, type Tx } from '../../../db/transaction.ts';
import type { Ctx } from '../../../platform/context.ts';
import * as client from 'openid-client';
import { appendAudit, recordAudit } from '../../audit/audit.repository.ts';
import type { SsoRefusalReason } from '../../audit/audit.events.ts';
import { idTokenContext, sha256, type SsoDeps } from './sso.options.ts';
import { SsoProviderUnavailableError, type SsoProvider } from './sso-providers.ts';
import { endProviderSessions, rememberLogoutToken } from './sso.repository.ts';

/** A logout token issued longer ago than this is refused (and its jti need not be kept longer). */
export const LOGOUT_TOKEN_MAX_AGE_S = 300;
const CLOCK_TOLERANCE_S = 30;
const BACKCHANNEL_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

export class SsoLogoutRefusedError extends Error {
  readonly reason: SsoRefusalReason;
  readonly detail: string;
  constructor(reason: SsoRefusalReason, detail: string) {
    super(`logout refused: ${detail}`);
    this.name = 'SsoLogoutRefusedError';
    this.reason = reason;
    this.detail = detail;
  }
}

type LogoutCtx = Pick<Ctx, 'db' | 'actor' | 'requestId' | 'now' | 'keyring'>;

async function endSessions(
  tx: Tx,
  ctx: LogoutCtx,
  o: { provider: string; sid: string | null; subject: string | null; channel: 'back' | 'front' },
): Promise<number> {
  const ended = await endProviderSessions(tx, {
    provider: o.provider,
    sid: o.sid,
    subject: o.subject,
    now: ctx.now(),
    reason: 'sso_logout',
  });
  for (const s of ended)
    await appendAudit(tx, ctx, {
      type: 'session.ended',
      target: { type: 'session', id: s.id },
      payload: { userId: s.user_id, reason: 'sso_logout' },
    });
  await appendAudit(tx, ctx, {
    type: 'auth.sso_logout_received',
    payload: { provider: o.provider, channel: o.channel, sessionsEnded: ended.length, bySid: o.sid !== null },
  });
  return ended.length;
}

async function refused(
  ctx: LogoutCtx,
  provider: string,
  channel: 'back' | 'front',
  err: SsoLogoutRefusedError,
): Promise<never> {
  await recordAudit(ctx.db, ctx, {
    type: 'auth.sso_logout_refused',
    payload: { provider, channel, reason: err.reason, detail: err.detail.slice(0, 200) },
  });
  throw err;
}

/** Verifies a back-channel logout token and ends the sessions it names; returns how many. */
export async function backChannelLogout(
  deps: SsoDeps,
  ctx: LogoutCtx,
  input: { providerId: string; logoutToken: string },
): Promise<number> {
  const provider = deps.registry.get(input.providerId);
  const id = provider?.id ?? input.providerId.slice(0, 40);
  if (!provider || !provider.settings.logout.backChannel)
    return refused(
      ctx,
      id,
      'back',
      new SsoLogoutRefusedError('unknown_provider', 'back-channel logout not enabled'),
    );
  let payload: Record<string, unknown>;
  try {
    payload = await verifyLogoutToken(provider, input.logoutToken, ctx.now());
  } catch (err) {
    if (err instanceof SsoLogoutRefusedError) return refused(ctx, id, 'back', err);
    if (err instanceof SsoProviderUnavailableError) throw err;
    const detail = err instanceof joseErrors.JOSEError ? `${err.code}: ${err.message}` : 'malformed token';
    const reason: SsoRefusalReason =
      err instanceof joseErrors.JWSSignatureVerificationFailed || err instanceof joseErrors.JWKSNoMatchingKey
        ? 'signature_invalid'
        : err instanceof joseErrors.JOSEAlgNotAllowed
          ? 'algorithm_refused'
          : 'logout_token_invalid';
    return refused(ctx, id, 'back', new SsoLogoutRefusedError(reason, detail));
  }
  const sid = typeof payload['sid'] === 'string' ? payload['sid'] : null;
  const sub = typeof payload['sub'] === 'string' ? payload['sub'] : null;
  const jti = payload['jti'] as string;
  const iat = payload['iat'] as number;
  try {
    return await inTransaction(ctx.db, async (tx) => {
      const fresh = await rememberLogoutToken(
        tx,
        provider.id,
        sha256(jti),
        new Date((iat + LOGOUT_TOKEN_MAX_AGE_S + CLOCK_TOLERANCE_S) * 1000),
      );
      if (!fresh) throw new SsoLogoutRefusedError('logout_token_replayed', 'jti already used');
      return endSessions(tx, ctx, { provider: provider.id, sid, subject: sub, channel: 'back' });
    });
  } catch (err) {
    if (err instanceof SsoLogoutRefusedError) return refused(ctx, id, 'back', err);
    throw err;
  }
}

async function verifyLogoutToken(
  provider: SsoProvider,
  token: string,
  now: Date,
): Promise<Record<string, unknown>> {
  const config = await provider.configuration(now.getTime());
  const keys = await provider.keys();
  const { payload } = await jwtVerify(token, keys, {
    issuer: config.serverMetadata().issuer,
    audience: provider.settings.clientId,
    algorithms: provider.settings.idTokenAlgorithms,
    maxTokenAge: LOGOUT_TOKEN_MAX_AGE_S,
    clockTolerance: CLOCK_TOLERANCE_S,
    currentDate: now,
    requiredClaims: ['iat', 'jti', 'events'],
  });
  const bad = (detail: string) => new SsoLogoutRefusedError('logout_token_invalid', detail);
  const events = payload['events'];
  if (
    !events ||
    typeof events !== 'object' ||
    Array.isArray(events) ||
    typeof (events as Record<string, unknown>)[BACKCHANNEL_EVENT] !== 'object'
  )
    throw bad('no back-channel logout event');
  // A nonce would make it usable as an ID token: the specification forbids it.
  if ('nonce' in payload) throw bad('nonce present');
  if (typeof payload.jti !== 'string' || payload.jti.length === 0 || payload.jti.length > 255)
    throw bad('jti invalid');
  const sid = payload['sid'];
  const sub = payload.sub;
  if ((typeof sid !== 'string' || !sid) && (typeof sub !== 'string' || !sub))
    throw bad('neither sid nor sub');
  return payload as Record<string, unknown>;
}

/**
 * Front-channel logout: ends the sessions with this sid when `iss` is the provider's issuer.
 * Returns how many ended (0 for anything that does not match; the provider gets the same page).
 */
export async function frontChannelLogout(
  deps: SsoDeps,
  ctx: LogoutCtx,
  input: { providerId: string; iss: string | null; sid: string | null },
): Promise<number> {
  const provider = deps.registry.get(input.providerId);
  const id = provider?.id ?? input.providerId.slice(0, 40);
  if (!provider || !provider.settings.logout.frontChannel)
    return refused(
      ctx,
      id,
      'front',
      new SsoLogoutRefusedError('unknown_provider', 'front-channel logout not enabled'),
    );
  const config = await provider.configuration(ctx.now().getTime());
  if (input.iss !== config.serverMetadata().issuer)
    return refused(ctx, id, 'front', new SsoLogoutRefusedError('wrong_issuer', 'iss does not match'));
  if (!input.sid || input.sid.length > 255)
    return refused(ctx, id, 'front', new SsoLogoutRefusedError('logout_token_invalid', 'no sid'));
  const sid = input.sid;
  return inTransaction(ctx.db, (tx) =>
    endSessions(tx, ctx, { provider: provider.id, sid, subject: null, channel: 'front' }),
  );
}

/**
 * Where the browser should go to end the provider's session too, for a session started by single
 * sign-on with RP-initiated logout on; null otherwise (or when the provider has no such endpoint).
 * Read before the session is ended (its ID token is the hint).
 */
export async function endSessionUrlFor(
  deps: SsoDeps,
  ctx: Pick<Ctx, 'db' | 'keyring' | 'now'>,
  sessionId: string,
): Promise<string | null> {
  const row = await ctx.db
    .selectFrom('sessions')
    .select(['sso_provider', 'sso_id_token_enc'])
    .where('id', '=', sessionId)
    .executeTakeFirst();
  if (!row?.sso_provider) return null;
  const provider = deps.registry.get(row.sso_provider);
  if (!provider || !provider.settings.logout.rpInitiated) return null;
  let config: client.Configuration;
  try {
    config = await provider.configuration(ctx.now().getTime());
  } catch {
    return null;
  }
  if (!config.serverMetadata().end_session_endpoint) return null;
  const params: Record<string, string> = {
    client_id: provider.settings.clientId,
    post_logout_redirect_uri: provider.postLogoutRedirectUri,
  };
  if (row.sso_id_token_enc)
    params['id_token_hint'] = ctx.keyring.decryptField(row.sso_id_token_enc, idTokenContext(sessionId));
  return client.buildEndSessionUrl(config, params).href;
}
