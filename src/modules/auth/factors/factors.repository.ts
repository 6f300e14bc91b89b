/**
 * SQL of the second factors. Every state change that decides whether a code is accepted is a single
 * conditional UPDATE ... RETURNING (or runs under a row lock), so parallel requests on any number of
 * servers cannot accept one code twice or exceed a counter.
 */
import { sql } from 'kysely';
import type { Executor, Tx } from '../../../db/transaction.ts';
import type { NewRow, Row } from '../../../db/types.ts';

export type TotpFactorRow = Row<'auth_totp_factors'>;
export type SmsCodeRow = Row<'auth_sms_codes'>;

// --- TOTP -------------------------------------------------------------------------------------

export function findTotpFactor(
  db: Executor,
  userId: string,
  status: TotpFactorRow['status'],
): Promise<TotpFactorRow | undefined> {
  return db
    .selectFrom('auth_totp_factors')
    .selectAll()
    .where('user_id', '=', userId)
    .where('status', '=', status)
    .executeTakeFirst();
}

/** Replaces any pending enrolment of the user with a new one. */
export async function insertPendingTotp(tx: Tx, row: NewRow<'auth_totp_factors'>): Promise<void> {
  await tx
    .deleteFrom('auth_totp_factors')
    .where('user_id', '=', row.user_id)
    .where('status', '=', 'pending')
    .execute();
  await tx.insertInto('auth_totp_factors').values(row).execute();
}

/**
 * Turns the pending factor `id` into the user's active one, replacing (deleting) any previous active
 * factor. The step used to confirm is recorded, so the confirmation code cannot be replayed at
 * sign-in. Returns whether a previous factor was replaced, or null when the pending row is gone
 * (confirmed in parallel or replaced by a newer enrolment).
 */
export async function activateTotp(
  tx: Tx,
  id: string,
  userId: string,
  step: number,
  now: Date,
): Promise<{ replaced: boolean } | null> {
  // The pending row is locked first: of two parallel confirmations only one gets past here.
  const pending = await tx
    .selectFrom('auth_totp_factors')
    .select('id')
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .forUpdate()
    .executeTakeFirst();
  if (!pending) return null;
  const removed = await tx
    .deleteFrom('auth_totp_factors')
    .where('user_id', '=', userId)
    .where('status', '=', 'active')
    .executeTakeFirst();
  await tx
    .updateTable('auth_totp_factors')
    .set({ status: 'active', confirmed_at: now, last_step: step, last_used_at: now })
    .where('id', '=', id)
    .execute();
  return { replaced: Number(removed.numDeletedRows) > 0 };
}

/**
 * Records `step` as the last accepted step of factor `id` if, and only if, it is later than the last
 * accepted one. The comparison and the write are one statement: of two parallel submissions of the
 * same code exactly one gets a row back.
 */
export async function acceptTotpStep(db: Executor, id: string, step: number, now: Date): Promise<boolean> {
  const row = await db
    .updateTable('auth_totp_factors')
    .set({ last_step: step, last_used_at: now })
    .where('id', '=', id)
    .where('status', '=', 'active')
    .where('last_step', '<', step)
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/** Deletes the user's TOTP factors (active and pending); returns whether an active one existed. */
export async function deleteTotpFactors(tx: Tx, userId: string): Promise<boolean> {
  const rows = await tx
    .deleteFrom('auth_totp_factors')
    .where('user_id', '=', userId)
    .returning('status')
    .execute();
  return rows.some((r) => r.status === 'active');
}

// --- SMS codes --------------------------------------------------------------------------------

/**
 * Locks the user's throttle row (creating it on first use) for the rest of the transaction and
 * returns when the last code was sent. Issuing is thereby serialised per user: the cooldown and the
 * hourly cap are checked and updated by one transaction at a time.
 */
export async function lockSmsThrottle(tx: Tx, userId: string): Promise<Date> {
  await tx
    .insertInto('auth_sms_throttle')
    .values({ user_id: userId, last_sent_at: new Date(0) })
    .onConflict((oc) => oc.column('user_id').doNothing())
    .execute();
  const row = await tx
    .selectFrom('auth_sms_throttle')
    .select('last_sent_at')
    .where('user_id', '=', userId)
    .forUpdate()
    .executeTakeFirstOrThrow();
  return row.last_sent_at;
}

/** How many codes the user was sent since `since`, and when the oldest of them was sent. */
export async function smsCodesSince(
  tx: Tx,
  userId: string,
  since: Date,
): Promise<{ count: number; oldest: Date | null }> {
  const row = await tx
    .selectFrom('auth_sms_codes')
    .select([sql<number>`count(*)::int`.as('count'), sql<Date | null>`min(created_at)`.as('oldest')])
    .where('user_id', '=', userId)
    .where('created_at', '>', since)
    .executeTakeFirstOrThrow();
  return { count: row.count, oldest: row.oldest === null ? null : new Date(row.oldest) };
}

/** Kills the user's live code (any login attempt) and stores a new one. */
export async function insertSmsCode(tx: Tx, row: NewRow<'auth_sms_codes'>): Promise<void> {
  await tx
    .updateTable('auth_sms_codes')
    .set({ state: 'replaced' })
    .where('user_id', '=', row.user_id)
    .where('state', '=', 'live')
    .execute();
  await tx.insertInto('auth_sms_codes').values(row).execute();
  await tx
    .updateTable('auth_sms_throttle')
    .set({ last_sent_at: row.created_at })
    .where('user_id', '=', row.user_id)
    .execute();
}

/** The code of this user and login attempt that verification is about: the live one, else the newest. */
export function findSmsCode(
  db: Executor,
  userId: string,
  attemptHash: Buffer,
): Promise<SmsCodeRow | undefined> {
  return db
    .selectFrom('auth_sms_codes')
    .selectAll()
    .where('user_id', '=', userId)
    .where('attempt_hash', '=', attemptHash)
    .orderBy(sql`state = 'live'`, 'desc')
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/**
 * Counts one try against code `id` if it is still live, unexpired and below the try limit, and
 * returns its MAC and the new try count. The try is taken before the code is compared (an
 * increment-then-check): parallel guesses cannot slip past the limit.
 */
export function claimSmsTry(
  tx: Tx,
  id: string,
  now: Date,
  maxTries: number,
): Promise<{ code_mac: Uint8Array; tries: number } | undefined> {
  return tx
    .updateTable('auth_sms_codes')
    .set((eb) => ({ tries: eb('tries', '+', 1) }))
    .where('id', '=', id)
    .where('state', '=', 'live')
    .where('expires_at', '>', now)
    .where('tries', '<', maxTries)
    .returning(['code_mac', 'tries'])
    .executeTakeFirst();
}

/** Consumes code `id`; false when it was no longer live. */
export async function markSmsCodeUsed(tx: Tx, id: string, now: Date): Promise<boolean> {
  const row = await tx
    .updateTable('auth_sms_codes')
    .set({ state: 'used', used_at: now })
    .where('id', '=', id)
    .where('state', '=', 'live')
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

export function getSmsCode(db: Executor, id: string): Promise<SmsCodeRow | undefined> {
  return db.selectFrom('auth_sms_codes').selectAll().where('id', '=', id).executeTakeFirst();
}

// --- Recovery codes ---------------------------------------------------------------------------

/** Replaces the user's whole set of recovery codes with `macs`. */
export async function replaceRecoveryCodes(
  tx: Tx,
  rows: NewRow<'auth_recovery_codes'>[],
  userId: string,
): Promise<void> {
  await tx.deleteFrom('auth_recovery_codes').where('user_id', '=', userId).execute();
  if (rows.length) await tx.insertInto('auth_recovery_codes').values(rows).execute();
}

/**
 * Consumes the user's unused code with this MAC; false when there is none. One statement, so a code
 * submitted twice in parallel is consumed once. Looking the MAC up by equality is safe: it is keyed,
 * so timing differences cannot guide a guess.
 */
export async function consumeRecoveryCode(tx: Tx, userId: string, mac: Buffer, now: Date): Promise<boolean> {
  const row = await tx
    .updateTable('auth_recovery_codes')
    .set({ used_at: now })
    .where('user_id', '=', userId)
    .where('code_mac', '=', mac)
    .where('used_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/** Whether the user's current set holds this code, already used. */
export async function recoveryCodeWasUsed(db: Executor, userId: string, mac: Buffer): Promise<boolean> {
  const row = await db
    .selectFrom('auth_recovery_codes')
    .select('id')
    .where('user_id', '=', userId)
    .where('code_mac', '=', mac)
    .where('used_at', 'is not', null)
    .executeTakeFirst();
  return row !== undefined;
}

/** Unused recovery codes of the user. */
export async function countUnusedRecoveryCodes(db: Executor, userId: string): Promise<number> {
  const row = await db
    .selectFrom('auth_recovery_codes')
    .select(sql<number>`count(*)::int`.as('count'))
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .executeTakeFirstOrThrow();
  return row.count;
}
