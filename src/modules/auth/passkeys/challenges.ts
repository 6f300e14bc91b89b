/**
 * WebAuthn challenges: 32 random bytes per ceremony, stored as their SHA-256 with the purpose, the
 * realm and (except passwordless sign-in, where nobody is known yet) the user and session that
 * asked. An answer is matched by the challenge the authenticator signed, consumed at once (one
 * conditional UPDATE: a second answer to the same challenge finds nothing), then judged: too old,
 * or bound to another user or session, and it is refused.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB, PasskeyChallengePurpose } from '../../../db/types.ts';
import type { PasskeyFailureReason } from '../../audit/audit.events.ts';
import type { Realm } from '../realm.ts';
import {
  challengeUsed,
  consumeChallengeRow,
  insertChallenge,
  type ChallengeRow,
} from './passkeys.repository.ts';

export function hashChallenge(challenge: string): Uint8Array {
  return createHash('sha256').update('dossier-webauthn:').update(challenge, 'utf8').digest();
}

export interface IssueChallengeInput {
  purpose: PasskeyChallengePurpose;
  realm: Realm;
  userId: string | null;
  sessionId: string | null;
  userVerification: 'required' | 'preferred';
  /** Source key of a passwordless challenge (counted per source). */
  ip: string | null;
  now: Date;
  ttlMs: number;
}

/** Stores a new challenge and returns it, base64url (what the options carry). */
export async function issueChallenge(db: Kysely<DB>, input: IssueChallengeInput): Promise<string> {
  const challenge = randomBytes(32).toString('base64url');
  await insertChallenge(db, {
    id: randomUUID(),
    challenge_hash: hashChallenge(challenge),
    purpose: input.purpose,
    realm: input.realm,
    user_id: input.userId,
    session_id: input.sessionId,
    user_verification: input.userVerification,
    ip: input.ip,
    created_at: input.now,
    expires_at: new Date(input.now.getTime() + input.ttlMs),
  });
  return challenge;
}

export type ConsumedChallenge =
  | { ok: true; row: ChallengeRow }
  | { ok: false; reason: Extract<PasskeyFailureReason, `challenge_${string}`> };

/**
 * Consumes the challenge an answer carries. Refused when unknown (or of another purpose or realm),
 * already used, expired, or bound to another user or session than `binding`.
 */
export async function consumeChallenge(
  db: Kysely<DB>,
  input: {
    challenge: string;
    purpose: PasskeyChallengePurpose;
    realm: Realm;
    now: Date;
    binding: { userId: string; sessionId: string } | null;
  },
): Promise<ConsumedChallenge> {
  const hash = hashChallenge(input.challenge);
  const row = await consumeChallengeRow(db, hash, input.purpose, input.realm, input.now);
  if (!row) {
    const used = await challengeUsed(db, hash, input.purpose, input.realm);
    return { ok: false, reason: used ? 'challenge_replayed' : 'challenge_unknown' };
  }
  if (row.expires_at <= input.now) return { ok: false, reason: 'challenge_expired' };
  if (input.binding && (row.user_id !== input.binding.userId || row.session_id !== input.binding.sessionId))
    return { ok: false, reason: 'challenge_unknown' };
  return { ok: true, row };
}
