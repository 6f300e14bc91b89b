/**
 * Verifies a passkey assertion (navigator.credentials.get) for a second factor, a step-up or a
 * passwordless sign-in. In order:
 *
 * 1. the client data decodes, is a `webauthn.get`, from the realm's origin only;
 * 2. its challenge is consumed (single use, 5 minutes, of this purpose and realm, and for a second
 *    factor or step-up bound to the user and session that asked);
 * 3. the credential is known in this realm (a client's passkey is unknown on the staff side and the
 *    other way round) and, for a second factor or step-up, is the user's own;
 * 4. the authenticator data names our RP id, shows user presence, and user verification when the
 *    challenge required it; a passwordless sign-in also needs a credential that proved user
 *    verification at registration;
 * 5. the signature counter increases (when either side is non-zero): a counter that does not is
 *    refused and audited as a possible clone;
 * 6. @simplewebauthn/server verifies the signature (and repeats the checks above);
 * 7. the new counter and the time of use are stored.
 *
 * Returns the reason of a refusal; the caller audits it and answers every refusal alike.
 */
import {
  verifyAuthenticationResponse,
  type AuthenticationResponseJSON,
  type AuthenticatorTransport,
} from '@simplewebauthn/server';
import type { Kysely } from 'kysely';
import type { DB } from '../../../db/types.ts';
import type { Ctx } from '../../../platform/context.ts';
import type { PasskeyFailureReason } from '../../audit/audit.events.ts';
import { recordAudit } from '../../audit/audit.repository.ts';
import { accountTarget } from '../realm.ts';
import { consumeChallenge } from './challenges.ts';
import type { PasskeyPolicy } from './passkeys.options.ts';
import { findByCredentialId, recordPasskeyUse } from './passkeys.repository.ts';
import { checkAuthenticatorData, checkClientData, fromB64url } from './webauthn-checks.ts';

export interface AssertionCheck {
  purpose: 'second_factor' | 'step_up' | 'passwordless';
  response: AuthenticationResponseJSON;
  /** Second factor and step-up: the user signing in and their session (pending or active). */
  binding: { userId: string; sessionId: string } | null;
  now: Date;
}

export type AssertionOutcome =
  | { ok: true; passkeyId: string; userId: string; userVerified: boolean }
  | { ok: false; reason: PasskeyFailureReason; passkeyId: string | null; userId: string | null };

export async function verifyPasskeyAssertion(
  db: Kysely<DB>,
  ctx: Pick<Ctx, 'actor' | 'requestId' | 'now'>,
  policy: PasskeyPolicy,
  check: AssertionCheck,
): Promise<AssertionOutcome> {
  const refuse = (
    reason: PasskeyFailureReason,
    passkeyId: string | null = null,
    userId: string | null = check.binding?.userId ?? null,
  ): AssertionOutcome => ({ ok: false, reason, passkeyId, userId });
  const { response, now } = check;

  const clientData = checkClientData(response.response.clientDataJSON, 'webauthn.get', policy);
  // The challenge is consumed even when the rest is refused: every answer uses it up.
  const challenge = clientData.ok
    ? await consumeChallenge(db, {
        challenge: clientData.value.challenge,
        purpose: check.purpose,
        realm: policy.realm,
        now,
        binding: check.binding,
      })
    : null;
  if (!clientData.ok) return refuse(clientData.reason);
  if (!challenge!.ok) return refuse(challenge!.reason);
  const requireUv = challenge!.row.user_verification === 'required';

  if (response.id !== response.rawId) return refuse('invalid_response');
  const passkey = await findByCredentialId(db, response.id, policy.realm);
  if (!passkey) return refuse('unknown_credential');
  if (check.binding && passkey.user_id !== check.binding.userId)
    return refuse('foreign_credential', passkey.id);
  // The authenticator's user handle, when given, must be the credential's owner.
  const handle = response.response.userHandle;
  if (handle !== undefined && handle !== null && handle !== '') {
    const bytes = fromB64url(handle);
    if (!bytes || Buffer.from(bytes).toString('utf8') !== passkey.user_id)
      return refuse('foreign_credential', passkey.id, passkey.user_id);
  }
  if (check.purpose === 'passwordless' && !passkey.user_verified)
    return refuse('uv_missing', passkey.id, passkey.user_id);

  const authData = fromB64url(response.response.authenticatorData);
  if (!authData) return refuse('invalid_response', passkey.id, passkey.user_id);
  const parsed = checkAuthenticatorData(authData, policy, requireUv);
  if (!parsed.ok) return refuse(parsed.reason, passkey.id, passkey.user_id);

  const stored = Number(passkey.sign_count);
  const received = parsed.value.counter;
  if ((received > 0 || stored > 0) && received <= stored) {
    await recordAudit(db, ctx, {
      type: 'auth.passkey_clone_suspected',
      target: accountTarget(passkey.user_id, policy.realm),
      payload: { passkeyId: passkey.id, storedCounter: stored, receivedCounter: received },
    });
    return refuse('counter_regression', passkey.id, passkey.user_id);
  }

  let verified: Awaited<ReturnType<typeof verifyAuthenticationResponse>>;
  try {
    verified = await verifyAuthenticationResponse({
      response,
      expectedChallenge: clientData.value.challenge,
      expectedOrigin: policy.origin,
      expectedRPID: policy.rpId,
      requireUserVerification: requireUv,
      credential: {
        id: passkey.credential_id,
        publicKey: new Uint8Array(passkey.public_key),
        counter: stored,
        transports: passkey.transports as AuthenticatorTransport[],
      },
    });
  } catch {
    return refuse('bad_signature', passkey.id, passkey.user_id);
  }
  if (!verified.verified) return refuse('bad_signature', passkey.id, passkey.user_id);
  if (
    !(await recordPasskeyUse(db, passkey.id, passkey.sign_count, verified.authenticationInfo.newCounter, now))
  )
    return refuse('counter_regression', passkey.id, passkey.user_id);
  return {
    ok: true,
    passkeyId: passkey.id,
    userId: passkey.user_id,
    userVerified: verified.authenticationInfo.userVerified,
  };
}
