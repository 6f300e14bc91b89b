/**
 * Registering a passkey (navigator.credentials.create), by a signed-in user whose session stepped
 * up recently (the caller's gate checks that). Options: attestation 'none' (no device model is
 * collected), a discoverable credential (residentKey 'required', so it can sign in without a
 * username), user verification preferred (a security key without a PIN can still be a second
 * factor; only a credential that proved verification may sign in without a password), the user's
 * existing credentials excluded (no authenticator registers twice). The answer must carry the
 * challenge of those options, bound to the same user and session, from our origin and RP id, with
 * user presence; its counter, transports, backup flags, AAGUID and whether the user was verified
 * are kept with the public key. Audited (`auth.passkey_registered` or `_registration_failed` with
 * the reason) in the same transaction as the insert.
 */
import { randomUUID } from 'node:crypto';
import {
  generateRegistrationOptions,
  verifyRegistrationResponse,
  type PublicKeyCredentialCreationOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { Kysely } from 'kysely';
import { inTransaction } from '../../../db/transaction.ts';
import type { DB } from '../../../db/types.ts';
import type { Ctx } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { PasskeyFailureReason } from '../../audit/audit.events.ts';
import { appendAudit, recordAudit } from '../../audit/audit.repository.ts';
import { accountTarget } from '../realm.ts';
import { consumeChallenge, issueChallenge } from './challenges.ts';
import type { PasskeyPolicy } from './passkeys.options.ts';
import { presentPasskey, type PasskeyView } from './passkeys.presenter.ts';
import { insertPasskey, listUserPasskeys } from './passkeys.repository.ts';
import { attestationAuthData, checkAuthenticatorData, checkClientData } from './webauthn-checks.ts';

type AuditCtx = Pick<Ctx, 'actor' | 'requestId' | 'now'>;

/**
 * COSE algorithms accepted: EdDSA, ES256, RS256 (what authenticators ship). Post-quantum ML-DSA,
 * which the library can offer, would be verified through Node's experimental WebCrypto support:
 * not offered until that is stable.
 */
export const PASSKEY_ALGORITHMS = [-8, -7, -257];

export interface StartRegistrationInput {
  user: { id: string; username: string; displayName: string };
  sessionId: string;
}

/** The creation options for the browser; the challenge is stored, bound to the user and session. */
export async function startPasskeyRegistration(
  db: Kysely<DB>,
  ctx: AuditCtx,
  policy: PasskeyPolicy,
  input: StartRegistrationInput,
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const now = ctx.now();
  const existing = await listUserPasskeys(db, input.user.id, policy.realm);
  if (existing.length >= policy.maxPerUser)
    throw new AppError('conflict', `At most ${policy.maxPerUser} passkeys per account.`, {
      reason: 'too_many_passkeys',
    });
  const challenge = await issueChallenge(db, {
    purpose: 'register',
    realm: policy.realm,
    userId: input.user.id,
    sessionId: input.sessionId,
    userVerification: 'preferred',
    ip: null,
    now,
    ttlMs: policy.challengeTtlMs,
  });
  return generateRegistrationOptions({
    rpName: policy.rpName,
    rpID: policy.rpId,
    userName: input.user.username,
    userDisplayName: input.user.displayName,
    // The user handle is the account id (no personal data); a passwordless answer names it again.
    userID: new TextEncoder().encode(input.user.id),
    // As bytes: the options then carry exactly the stored base64url value.
    challenge: Buffer.from(challenge, 'base64url'),
    timeout: policy.challengeTtlMs,
    attestationType: 'none',
    excludeCredentials: existing.map((p) => ({ id: p.credential_id, transports: p.transports })),
    authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
    supportedAlgorithmIDs: PASSKEY_ALGORITHMS,
  });
}

export interface FinishRegistrationInput {
  userId: string;
  sessionId: string;
  /** The user's name for it ("work laptop"); trimmed, 1–100 characters. */
  name: string;
  response: RegistrationResponseJSON;
}

/** The passkey registered, or AppError 400 `passkey_refused` (the reason is in the audit trail). */
export async function finishPasskeyRegistration(
  db: Kysely<DB>,
  ctx: AuditCtx,
  policy: PasskeyPolicy,
  input: FinishRegistrationInput,
): Promise<PasskeyView> {
  const now = ctx.now();
  const target = accountTarget(input.userId, policy.realm);
  const name = normalisePasskeyName(input.name);
  const refuse = async (reason: PasskeyFailureReason): Promise<never> => {
    await recordAudit(db, ctx, { type: 'auth.passkey_registration_failed', target, payload: { reason } });
    throw new AppError('validation', 'The passkey could not be registered. Start again.', {
      reason: 'passkey_refused',
    });
  };

  const clientData = checkClientData(input.response.response.clientDataJSON, 'webauthn.create', policy);
  const challenge = clientData.ok
    ? await consumeChallenge(db, {
        challenge: clientData.value.challenge,
        purpose: 'register',
        realm: policy.realm,
        now,
        binding: { userId: input.userId, sessionId: input.sessionId },
      })
    : null;
  if (!clientData.ok) return refuse(clientData.reason);
  if (!challenge!.ok) return refuse(challenge!.reason);
  const authData = attestationAuthData(input.response.response.attestationObject);
  if (!authData) return refuse('invalid_response');
  const parsed = checkAuthenticatorData(authData, policy, false);
  if (!parsed.ok) return refuse(parsed.reason);

  let info;
  try {
    const verified = await verifyRegistrationResponse({
      response: input.response,
      expectedChallenge: clientData.value.challenge,
      expectedOrigin: policy.origin,
      expectedRPID: policy.rpId,
      requireUserVerification: false,
      supportedAlgorithmIDs: PASSKEY_ALGORITHMS,
    });
    if (!verified.verified) return refuse('bad_signature');
    info = verified.registrationInfo;
  } catch {
    return refuse('bad_signature');
  }

  return inTransaction(db, async (tx) => {
    const taken = await tx
      .selectFrom('passkey_credentials')
      .select('id')
      .where('credential_id', '=', info.credential.id)
      .executeTakeFirst();
    if (taken)
      throw new AppError('conflict', 'This passkey is already registered.', { reason: 'passkey_exists' });
    const row = await insertPasskey(tx, {
      id: randomUUID(),
      user_id: input.userId,
      realm: policy.realm,
      credential_id: info.credential.id,
      public_key: info.credential.publicKey,
      sign_count: info.credential.counter,
      transports: JSON.stringify(
        (input.response.response.transports ?? []).filter((t) => typeof t === 'string').slice(0, 10),
      ),
      device_type: info.credentialDeviceType,
      backed_up: info.credentialBackedUp,
      user_verified: info.userVerified,
      aaguid: info.aaguid,
      name,
      created_at: now,
    });
    await appendAudit(tx, ctx, {
      type: 'auth.passkey_registered',
      target,
      payload: {
        passkeyId: row.id,
        userVerified: row.user_verified,
        deviceType: row.device_type,
        backedUp: row.backed_up,
        aaguid: row.aaguid,
      },
    });
    return presentPasskey(row, policy);
  });
}

/** A passkey's name as stored: NFC, trimmed, inner whitespace collapsed; 1–100 characters. */
export function normalisePasskeyName(name: string): string {
  const n = name.normalize('NFC').replace(/\s+/g, ' ').trim();
  // Control and format characters (bidi overrides) have no place in a label shown to others.
  if (n.length < 1 || n.length > 100 || /[\p{Cc}\p{Cf}]/u.test(n))
    throw new AppError('validation', 'Give the passkey a name of 1 to 100 characters.', {
      reason: 'invalid_name',
    });
  return n;
}
