/**
 * Request options (navigator.credentials.get) with a fresh challenge:
 * - second factor and step-up: bound to the user and their session, offering the user's own
 *   credentials, user verification preferred (possession is the factor; the password or the
 *   session is the other);
 * - passwordless: no user yet (a discoverable credential picks itself), user verification
 *   required; only when the realm's policy allows it, and at most a few live challenges per source
 *   (the route is public and each call stores a row).
 */
import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { generateAuthenticationOptions } from '@simplewebauthn/server';
import type { Kysely } from 'kysely';
import type { DB } from '../../../db/types.ts';
import { AppError } from '../../../platform/errors.ts';
import { sourceKey } from '../throttle/throttle.keys.ts';
import { issueChallenge } from './challenges.ts';
import type { PasskeyPolicy } from './passkeys.options.ts';
import { countLivePasswordlessChallenges, listUserPasskeys } from './passkeys.repository.ts';

/** Passwordless sign-in is switched off for this realm (`auth.passkeys`). */
export class PasswordlessDisabledError extends AppError {
  constructor() {
    super('forbidden', 'Signing in with a passkey alone is not allowed here; sign in with your password.', {
      reason: 'passwordless_disabled',
    });
    this.name = 'PasswordlessDisabledError';
  }
}

export async function passkeyFactorOptions(
  db: Kysely<DB>,
  policy: PasskeyPolicy,
  input: { purpose: 'second_factor' | 'step_up'; userId: string; sessionId: string; now: Date },
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const mine = await listUserPasskeys(db, input.userId, policy.realm);
  if (mine.length === 0)
    throw new AppError('validation', 'No passkey is registered for this account.', { reason: 'no_passkey' });
  const challenge = await issueChallenge(db, {
    purpose: input.purpose,
    realm: policy.realm,
    userId: input.userId,
    sessionId: input.sessionId,
    userVerification: 'preferred',
    ip: null,
    now: input.now,
    ttlMs: policy.challengeTtlMs,
  });
  return generateAuthenticationOptions({
    rpID: policy.rpId,
    // As bytes: the options then carry exactly the stored base64url value.
    challenge: Buffer.from(challenge, 'base64url'),
    timeout: policy.challengeTtlMs,
    userVerification: 'preferred',
    allowCredentials: mine.map((p) => ({ id: p.credential_id, transports: p.transports })),
  });
}

export async function passwordlessOptions(
  db: Kysely<DB>,
  policy: PasskeyPolicy,
  input: { ip: string; now: Date },
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  if (!policy.passwordless) throw new PasswordlessDisabledError();
  const source = sourceKey(input.ip);
  if (
    (await countLivePasswordlessChallenges(db, policy.realm, source, input.now)) >=
    policy.maxLiveChallengesPerSource
  )
    throw new AppError('rate_limited', 'Too many sign-ins started; wait a few minutes.', {
      reason: 'too_many_challenges',
      retryAfterSeconds: Math.ceil(policy.challengeTtlMs / 1000),
    });
  const challenge = await issueChallenge(db, {
    purpose: 'passwordless',
    realm: policy.realm,
    userId: null,
    sessionId: null,
    userVerification: 'required',
    ip: source,
    now: input.now,
    ttlMs: policy.challengeTtlMs,
  });
  return generateAuthenticationOptions({
    rpID: policy.rpId,
    // As bytes: the options then carry exactly the stored base64url value.
    challenge: Buffer.from(challenge, 'base64url'),
    timeout: policy.challengeTtlMs,
    userVerification: 'required',
  });
}
