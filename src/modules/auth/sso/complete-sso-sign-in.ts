/**
 * The callback of a single sign-on. In order:
 *
 * 1. the attempt named by `state` is consumed in one conditional update (unknown, expired or
 *    already used: refused, and a replay is named as such); it must have been started by this
 *    browser (the binding cookie's hash);
 * 2. the code is exchanged with the PKCE verifier; openid-client checks the ID token: signature by
 *    the provider's published keys with an algorithm from the allow-list, issuer, audience, azp,
 *    expiry, iat, and the nonce of this attempt (a token from an earlier sign-in carries another
 *    nonce: refused, and named as a replay when that nonce was already used);
 * 3. the claims name a staff user (resolve-sso-user.ts: linked, pre-provisioned or just-in-time,
 *    roles and programmes from groups);
 * 4. the second-factor policy: an accepted multi-factor `amr`/`acr` from the provider makes the
 *    session active with second factor 'sso'; otherwise Dossier's own second factor follows exactly
 *    as after the password step (or a trusted network lets the user skip it, under the same rules).
 *
 * An attempt made for a step-up (sso-step-up.ts) passes the same checks 1 and 2, then the step-up's
 * own instead of 3 and 4: it never starts a session.
 *
 * The session token is always new (no fixation). Every refusal is audited with its reason and
 * reported to the browser only as a coarse code.
 */
import * as client from 'openid-client';
import { decodeProtectedHeader } from 'jose';
import { inTransaction } from '../../../db/transaction.ts';
import { appendAudit, recordAudit } from '../../audit/audit.repository.ts';
import { decideSecondFactorSkip } from '../../trusted-networks/index.ts';
import { startSession, type LiveSession } from '../sessions/index.ts';
import { offeredFactors, type OfferedFactors, type SignInRequest } from '../sign-in/index.ts';
import { signInCtx } from '../sign-in/sign-in.options.ts';
import { normaliseIp } from '../throttle/index.ts';
import { matchedMappings, readClaims } from './sso-claims.ts';
import { SsoRefusedError } from './sso.errors.ts';
import { idTokenContext, sha256, subjectHash, type SsoDeps } from './sso.options.ts';
import { SsoProviderUnavailableError, type SsoProvider } from './sso-providers.ts';
import { consumeAttempt, findAttemptByState, markSsoSession, nonceAlreadyUsed } from './sso.repository.ts';
import { resolveSsoUser } from './resolve-sso-user.ts';
import { finishSsoStepUp } from './sso-step-up.ts';
import { verifierContext } from './start-sso-sign-in.ts';
import type { SsoRefusalReason } from '../../audit/audit.events.ts';

export interface CompleteSsoInput {
  providerId: string;
  /** The callback's query string as received (state, code, iss or error). */
  query: string;
  /** The browser-binding cookie, if the browser sent one. */
  browserToken: string | null;
  /** The session cookie, if the browser sent one (a step-up's callback checks it is that session's). */
  sessionToken?: string | null;
}

export type CompleteSsoResult =
  | { outcome: 'signed_in'; token: string; session: LiveSession; secondFactor: 'sso' | 'trusted_network' }
  | ({ outcome: 'second_factor'; token: string; session: LiveSession } & OfferedFactors)
  /** A step-up attempt: the session re-authenticated at the provider; back to `returnTo`. */
  | { outcome: 'stepped_up'; token: string; session: LiveSession; returnTo: string };

export async function completeSsoSignIn(
  deps: SsoDeps,
  req: SignInRequest,
  input: CompleteSsoInput,
): Promise<CompleteSsoResult> {
  const d = deps.signIn;
  const now = (d.now ?? (() => new Date()))();
  const ctx = signInCtx(d, req, now);
  const ip = normaliseIp(req.ip);
  const provider = deps.registry.get(input.providerId);
  let attemptId: string | null = null;
  /** Set once the attempt is known to be a step-up: refusals go back to its page, not sign-in. */
  let stepUp: { sessionId: string; returnTo: string } | null = null;
  const stepUpOf = (a: { purpose: string; session_id: string | null; return_to: string | null }) =>
    a.purpose === 'step_up' && a.session_id && a.return_to
      ? { sessionId: a.session_id, returnTo: a.return_to }
      : null;

  const refuse = async (err: SsoRefusedError): Promise<never> => {
    err.stepUpReturnTo = stepUp?.returnTo ?? null;
    await recordAudit(d.db, ctx, {
      type: 'auth.sso_refused',
      payload: {
        provider: provider?.id ?? input.providerId.slice(0, 40),
        reason: err.reason,
        ip,
        subjectHash: err.subjectHash,
        attemptId,
        ...(stepUp ? { stepUpSessionId: stepUp.sessionId } : {}),
      },
    });
    throw err;
  };
  if (!provider) return refuse(new SsoRefusedError('unknown_provider'));

  const params = new URLSearchParams(input.query);
  const state = params.get('state');
  if (!state || state.length > 200) return refuse(new SsoRefusedError('state_unknown'));
  const stateHash = sha256(state);
  const attempt = await consumeAttempt(d.db, provider.id, stateHash, now);
  if (!attempt) {
    const seen = await findAttemptByState(d.db, stateHash);
    attemptId = seen?.id ?? null;
    if (seen && seen.provider === provider.id) stepUp = stepUpOf(seen);
    return refuse(
      new SsoRefusedError(
        !seen || seen.provider !== provider.id
          ? 'state_unknown'
          : seen.used_at
            ? 'state_replayed'
            : 'state_expired',
      ),
    );
  }
  attemptId = attempt.id;
  stepUp = stepUpOf(attempt);
  if (!input.browserToken || !sha256(input.browserToken).equals(Buffer.from(attempt.browser_hash)))
    return refuse(new SsoRefusedError('browser_mismatch'));
  // The provider refused (the user cancelled, say): its words are never shown, only audited as such.
  if (params.has('error')) return refuse(new SsoRefusedError('provider_error'));

  let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
  try {
    const config = await provider.configuration(now.getTime());
    // The URL the provider redirected to, rebuilt from the configured redirect URI (never the Host).
    const current = new URL(provider.redirectUri);
    current.search = params.toString();
    tokens = await client.authorizationCodeGrant(config, current, {
      pkceCodeVerifier: d.keyring.decryptField(attempt.verifier_enc, verifierContext(attempt.id)),
      expectedState: state,
      expectedNonce: attempt.nonce,
      idTokenExpected: true,
    });
    checkAlgorithm(provider, tokens.id_token);
  } catch (err) {
    return refuse(await classify(deps, provider, err));
  }

  const raw = tokens.claims();
  if (!raw) return refuse(new SsoRefusedError('token_invalid'));
  let claims;
  try {
    claims = readClaims(provider.settings, raw as Record<string, unknown>);
  } catch (err) {
    return refuse(err instanceof SsoRefusedError ? err : new SsoRefusedError('claims_invalid'));
  }
  const subject = subjectHash(d.keyring, provider.id, claims.subject);
  const mappings = matchedMappings(provider.settings, raw as Record<string, unknown>);

  try {
    if (attempt.purpose === 'step_up')
      return await inTransaction(d.db, async (tx) => ({
        outcome: 'stepped_up' as const,
        ...(await finishSsoStepUp(deps, ctx, tx, {
          provider,
          attempt,
          claims,
          raw: raw as Record<string, unknown>,
          subjectHash: subject,
          idToken: tokens.id_token,
          sessionToken: input.sessionToken ?? null,
        })),
      }));
    return await inTransaction(d.db, async (tx) => {
      const user = await resolveSsoUser(tx, ctx, {
        settings: provider.settings,
        claims,
        mappings,
        subjectHash: subject,
      });
      const sessionInput = { userId: user.id, ip, userAgent: req.userAgent, realm: 'staff' as const };
      const skip =
        !claims.mfa && d.trustedNetworkSkip
          ? await decideSecondFactorSkip(tx, { userId: user.id, ip, enabled: true })
          : null;
      const next = claims.mfa ? 'active' : skip?.skip ? 'trusted_network' : 'second_factor';
      const started = await startSession(
        tx,
        ctx,
        next === 'second_factor'
          ? { ...sessionInput, secondFactor: null, stage: 'second_factor' }
          : { ...sessionInput, secondFactor: next === 'active' ? 'sso' : 'trusted_network', stage: 'active' },
        d.session,
      );
      const sessionId = started.session.id;
      await markSsoSession(tx, sessionId, {
        provider: provider.id,
        subject: claims.subject,
        sid: claims.sid,
        idTokenEnc: tokens.id_token
          ? d.keyring.encryptField(tokens.id_token, idTokenContext(sessionId))
          : null,
      });
      const target = { type: 'staff_user' as const, id: user.id };
      await appendAudit(tx, ctx, {
        type: 'auth.sso_signed_in',
        target,
        payload: { provider: provider.id, subjectHash: subject, mfa: claims.mfa, next, ip, sessionId },
      });
      if (skip?.skip) {
        await appendAudit(tx, ctx, {
          type: 'auth.second_factor_skipped',
          target,
          payload: { networkId: skip.networkId, cidr: skip.cidr, roleId: skip.roleId, ip, sessionId },
        });
      }
      if (next !== 'second_factor') {
        const secondFactor = next === 'active' ? 'sso' : 'trusted_network';
        await appendAudit(tx, ctx, {
          type: 'auth.signed_in',
          target,
          payload: { secondFactor, ip, sessionId },
        });
        return { outcome: 'signed_in' as const, ...started, secondFactor };
      }
      const offered = await offeredFactors({ db: tx }, user.id, user.mobileLast4 !== null);
      return { outcome: 'second_factor' as const, ...started, ...offered };
    });
  } catch (err) {
    if (err instanceof SsoRefusedError) return refuse(err);
    throw err;
  }
}

/** Defence in depth: the ID token's alg is on the allow-list (openid-client checks it too). */
function checkAlgorithm(provider: SsoProvider, idToken: string | undefined): void {
  if (!idToken) throw new SsoRefusedError('token_invalid');
  const { alg } = decodeProtectedHeader(idToken);
  if (typeof alg !== 'string' || !provider.settings.idTokenAlgorithms.includes(alg))
    throw new SsoRefusedError('algorithm_refused');
}

function causes(err: unknown): unknown[] {
  const out: unknown[] = [];
  let e: unknown = err;
  for (let i = 0; i < 5 && e; i++) {
    out.push(e);
    e = (e as { cause?: unknown }).cause;
  }
  return out;
}

/** Names what went wrong in the code exchange or the ID token checks, for the trail. */
async function classify(deps: SsoDeps, provider: SsoProvider, err: unknown): Promise<SsoRefusedError> {
  if (err instanceof SsoRefusedError) return err;
  if (err instanceof SsoProviderUnavailableError) return new SsoRefusedError('provider_unavailable');
  if (err instanceof client.ResponseBodyError || err instanceof client.AuthorizationResponseError)
    return new SsoRefusedError('provider_error');
  const chain = causes(err);
  const messages = chain.map((e) => (e instanceof Error ? e.message : '')).join(' | ');
  const detail = chain.find(
    (e): e is { claim: string; claims?: Record<string, unknown> } =>
      !!e && typeof e === 'object' && typeof (e as { claim?: unknown }).claim === 'string',
  );
  const reason = ((): SsoRefusalReason => {
    if (detail?.claim === 'aud' || detail?.claim === 'azp') return 'wrong_audience';
    if (detail?.claim === 'iss') return 'wrong_issuer';
    if (detail?.claim === 'exp' || detail?.claim === 'iat' || detail?.claim === 'nbf') return 'token_expired';
    if (detail?.claim === 'nonce') return 'nonce_replayed';
    if (/"alg"|algorithm|unsupported JWS/i.test(messages)) return 'algorithm_refused';
    if (/signature/i.test(messages)) return 'signature_invalid';
    if (/fetch|ECONN|ETIMEDOUT|timed out|certificate|self.signed|unable to verify/i.test(messages))
      return 'provider_unavailable';
    return 'token_invalid';
  })();
  if (reason === 'nonce_replayed') {
    // A nonce of an attempt already used: an ID token from an earlier sign-in, replayed.
    const nonce = detail?.claims?.['nonce'];
    const replayed = typeof nonce === 'string' && (await nonceAlreadyUsed(deps.signIn.db, nonce));
    return new SsoRefusedError(replayed ? 'nonce_replayed' : 'token_invalid');
  }
  return new SsoRefusedError(reason);
}
