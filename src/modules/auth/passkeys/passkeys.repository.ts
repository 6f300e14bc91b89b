/** SQL of passkeys and their challenges. Every function takes the database or a transaction. */
import type { Kysely } from 'kysely';
import type { DB, NewRow, Row } from '../../../db/types.ts';
import type { Realm } from '../realm.ts';

export type PasskeyRow = Row<'passkey_credentials'>;
export type ChallengeRow = Row<'passkey_challenges'>;

/** A user's passkeys, oldest first. */
export function listUserPasskeys(db: Kysely<DB>, userId: string, realm: Realm): Promise<PasskeyRow[]> {
  return db
    .selectFrom('passkey_credentials')
    .selectAll()
    .where('user_id', '=', userId)
    .where('realm', '=', realm)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** How many passkeys the user has. */
export async function countUserPasskeys(db: Kysely<DB>, userId: string): Promise<number> {
  const r = await db
    .selectFrom('passkey_credentials')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** A passkey by the authenticator's credential id, in one realm only. */
export function findByCredentialId(
  db: Kysely<DB>,
  credentialId: string,
  realm: Realm,
): Promise<PasskeyRow | undefined> {
  return db
    .selectFrom('passkey_credentials')
    .selectAll()
    .where('credential_id', '=', credentialId)
    .where('realm', '=', realm)
    .executeTakeFirst();
}

/** One of the user's passkeys by its id, or undefined ("not yours" is "not found"). */
export function findUserPasskey(
  db: Kysely<DB>,
  userId: string,
  realm: Realm,
  id: string,
): Promise<PasskeyRow | undefined> {
  return db
    .selectFrom('passkey_credentials')
    .selectAll()
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('realm', '=', realm)
    .executeTakeFirst();
}

export async function insertPasskey(db: Kysely<DB>, row: NewRow<'passkey_credentials'>): Promise<PasskeyRow> {
  return db.insertInto('passkey_credentials').values(row).returningAll().executeTakeFirstOrThrow();
}

/**
 * Records a verified use: the new counter and the time. Conditional on the counter read before
 * verifying, so two uses that raced past the challenge check cannot both move it.
 */
export async function recordPasskeyUse(
  db: Kysely<DB>,
  id: string,
  expectedCounter: string,
  newCounter: number,
  now: Date,
): Promise<boolean> {
  const r = await db
    .updateTable('passkey_credentials')
    .set({ sign_count: newCounter, last_used_at: now })
    .where('id', '=', id)
    .where('sign_count', '=', expectedCounter)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function insertChallenge(db: Kysely<DB>, row: NewRow<'passkey_challenges'>): Promise<void> {
  await db.insertInto('passkey_challenges').values(row).execute();
}

/** Live (unexpired, unconsumed) passwordless challenges of one source. */
export async function countLivePasswordlessChallenges(
  db: Kysely<DB>,
  realm: Realm,
  source: string,
  now: Date,
): Promise<number> {
  const r = await db
    .selectFrom('passkey_challenges')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('purpose', '=', 'passwordless')
    .where('realm', '=', realm)
    .where('ip', '=', source)
    .where('consumed_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/**
 * Consumes a challenge: one conditional UPDATE, so of two answers to the same challenge exactly one
 * gets the row. Returns the row (expired or not: the caller judges) or undefined.
 */
export function consumeChallengeRow(
  db: Kysely<DB>,
  hash: Uint8Array,
  purpose: ChallengeRow['purpose'],
  realm: Realm,
  now: Date,
): Promise<ChallengeRow | undefined> {
  return db
    .updateTable('passkey_challenges')
    .set({ consumed_at: now })
    .where('challenge_hash', '=', hash)
    .where('purpose', '=', purpose)
    .where('realm', '=', realm)
    .where('consumed_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
}

/** Whether this challenge of this purpose and realm was already used (a replay, not an unknown one). */
export async function challengeUsed(
  db: Kysely<DB>,
  hash: Uint8Array,
  purpose: ChallengeRow['purpose'],
  realm: Realm,
): Promise<boolean> {
  const r = await db
    .selectFrom('passkey_challenges')
    .select('id')
    .where('challenge_hash', '=', hash)
    .where('purpose', '=', purpose)
    .where('realm', '=', realm)
    .where('consumed_at', 'is not', null)
    .executeTakeFirst();
  return r !== undefined;
}

/** Housekeeping: challenges expired before `before` (answered or not). */
export async function purgeChallenges(db: Kysely<DB>, before: Date): Promise<number> {
  const r = await db.deleteFrom('passkey_challenges').where('expires_at', '<', before).executeTakeFirst();
  return Number(r.numDeletedRows);
}
