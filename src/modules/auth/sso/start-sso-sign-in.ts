/**
 * Starts a single sign-on: an authorisation code request with PKCE (S256), `state` and `nonce`,
 * recorded as an attempt that lives 10 minutes and is used once. The attempt is bound to the
 * browser that started it by a random value the route keeps in a short-lived cookie (only its
 * SHA-256 is stored), so a callback carrying someone else's state (login CSRF: an attacker's own
 * sign-in injected into a victim's browser) is refused. At most STARTS_PER_SOURCE attempts per
 * source address in 10 minutes (each one costs a row and a redirect).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import * as client from 'openid-client';
import type { Ctx } from '../../../platform/context.ts';
import { AppError, notFound } from '../../../platform/errors.ts';
import { appendAudit } from '../../audit/audit.repository.ts';
import { inTransaction } from '../../../db/transaction.ts';
import type { SignInRequest } from '../sign-in/index.ts';
import { signInCtx } from '../sign-in/sign-in.options.ts';
import { normaliseIp } from '../throttle/index.ts';
import { ATTEMPT_LIFETIME_MS, sha256, STARTS_PER_SOURCE, type SsoDeps } from './sso.options.ts';
import { countRecentAttempts, insertAttempt } from './sso.repository.ts';
import { SsoProviderUnavailableError } from './sso-providers.ts';

export interface StartSsoResult {
  /** The provider's authorisation URL to redirect the browser to. */
  url: string;
  /** The browser-binding value for the cookie (new, or the one the browser already had). */
  browserToken: string;
  expiresAt: Date;
}

const BROWSER_TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** Context of the encrypted PKCE verifier: bound to its attempt. */
export function verifierContext(attemptId: string): string {
  return `sso_login_attempts.verifier:${attemptId}`;
}

export async function startSsoSignIn(
  deps: SsoDeps,
  req: SignInRequest,
  input: { providerId: string; browserToken: string | null },
): Promise<StartSsoResult> {
  return startAttempt(deps, req, { ...input, stepUp: null });
}

/**
 * An attempt of either purpose. A step-up's is bound to its session and return path, and asks the
 * provider to authenticate the user again whatever session it has (`max_age=0`, `prompt=login`).
 */
export async function startAttempt(
  deps: SsoDeps,
  req: SignInRequest,
  input: {
    providerId: string;
    browserToken: string | null;
    stepUp: { sessionId: string; returnTo: string } | null;
    /** The trail's context (a step-up's names the signed-in user); default the sign-in flow's. */
    ctx?: Ctx;
  },
): Promise<StartSsoResult> {
  const provider = deps.registry.get(input.providerId);
  if (!provider) throw notFound('provider');
  const d = deps.signIn;
  const now = (d.now ?? (() => new Date()))();
  const source = normaliseIp(req.ip);
  if (
    (await countRecentAttempts(d.db, source, new Date(now.getTime() - ATTEMPT_LIFETIME_MS))) >=
    STARTS_PER_SOURCE
  )
    throw new AppError('rate_limited', 'too many sign-ins started from this address; try again later', {
      retryAfterSeconds: Math.ceil(ATTEMPT_LIFETIME_MS / 1000),
    });

  let config: client.Configuration;
  try {
    config = await provider.configuration(now.getTime());
  } catch (err) {
    if (err instanceof SsoProviderUnavailableError)
      throw new AppError('unavailable', 'the sign-in provider cannot be reached', {
        reason: 'provider_unavailable',
      });
    throw err;
  }

  const state = client.randomState();
  const nonce = client.randomNonce();
  const verifier = client.randomPKCECodeVerifier();
  const challenge = await client.calculatePKCECodeChallenge(verifier);
  // Two sign-ins started in two tabs of one browser share the binding, so neither breaks the other.
  const browserToken =
    input.browserToken && BROWSER_TOKEN.test(input.browserToken)
      ? input.browserToken
      : randomBytes(32).toString('base64url');
  const id = randomUUID();
  const expiresAt = new Date(now.getTime() + ATTEMPT_LIFETIME_MS);
  const ctx = input.ctx ?? signInCtx(d, req, now);

  await inTransaction(d.db, async (tx) => {
    await insertAttempt(tx, {
      id,
      provider: provider.id,
      state_hash: sha256(state),
      nonce,
      verifier_enc: d.keyring.encryptField(verifier, verifierContext(id)),
      browser_hash: sha256(browserToken),
      source,
      created_at: now,
      expires_at: expiresAt,
      ...(input.stepUp
        ? {
            purpose: 'step_up' as const,
            session_id: input.stepUp.sessionId,
            return_to: input.stepUp.returnTo,
          }
        : {}),
    });
    await appendAudit(
      tx,
      ctx,
      input.stepUp
        ? {
            type: 'auth.sso_step_up_started',
            payload: { provider: provider.id, attemptId: id, ip: source, sessionId: input.stepUp.sessionId },
          }
        : { type: 'auth.sso_started', payload: { provider: provider.id, attemptId: id, ip: source } },
    );
  });

  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: provider.redirectUri,
    response_type: 'code',
    scope: [...new Set(['openid', ...provider.settings.scopes])].join(' '),
    state,
    nonce,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...(input.stepUp ? { max_age: '0', prompt: 'login' } : {}),
  });
  return { url: url.href, browserToken, expiresAt };
}
