/**
 * SQL of staff users and their activation/reset tokens. Every function takes the executor first
 * (the pool or the caller's transaction); none commits anything on its own.
 */
import { sql, type Updateable } from 'kysely';
import type { Executor, Tx } from '../../../db/transaction.ts';
import type { NewRow, Row, StaffUsersTable } from '../../../db/types.ts';
import type { Cursor } from '../../../platform/pagination.ts';

export type StaffUserRow = Row<'staff_users'>;
export type StaffUserTokenRow = Row<'staff_user_tokens'>;
export type TokenPurpose = StaffUserTokenRow['purpose'];

export async function insertStaffUser(tx: Tx, values: NewRow<'staff_users'>): Promise<StaffUserRow> {
  return tx.insertInto('staff_users').values(values).returningAll().executeTakeFirstOrThrow();
}

/** The user, locked FOR UPDATE with `lock` (inside a transaction) so concurrent edits queue. */
export async function findStaffUser(
  db: Executor,
  id: string,
  lock: 'lock' | 'no-lock' = 'no-lock',
): Promise<StaffUserRow | undefined> {
  let q = db.selectFrom('staff_users').selectAll().where('id', '=', id);
  if (lock === 'lock') q = q.forUpdate();
  return q.executeTakeFirst();
}

/** Which of username and e-mail another user already has, compared case-insensitively. */
export async function takenFields(
  db: Executor,
  values: { username?: string | undefined; email?: string | undefined },
  exceptId?: string,
): Promise<('username' | 'email')[]> {
  const taken: ('username' | 'email')[] = [];
  for (const field of ['username', 'email'] as const) {
    const value = values[field];
    if (value === undefined) continue;
    let q = db
      .selectFrom('staff_users')
      .select('id')
      .where(sql<string>`lower(${sql.ref(field)})`, '=', value.toLowerCase());
    if (exceptId) q = q.where('id', '<>', exceptId);
    if (await q.executeTakeFirst()) taken.push(field);
  }
  return taken;
}

/** Applies `patch` and bumps the version; returns the new row. */
export async function updateStaffUserRow(
  tx: Tx,
  id: string,
  patch: Updateable<StaffUsersTable>,
  now: Date,
): Promise<StaffUserRow> {
  return tx
    .updateTable('staff_users')
    .set({ ...patch, updated_at: now, version: sql<number>`version + 1` })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Retires the user's live tokens of `purpose` (all purposes when null); returns how many. */
export async function retireLiveTokens(
  tx: Tx,
  userId: string,
  purpose: TokenPurpose | null,
  now: Date,
): Promise<number> {
  let q = tx
    .updateTable('staff_user_tokens')
    .set({ retired_at: now })
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .where('retired_at', 'is', null);
  if (purpose) q = q.where('purpose', '=', purpose);
  const rows = await q.returning('id').execute();
  return rows.length;
}

export async function insertToken(tx: Tx, values: NewRow<'staff_user_tokens'>): Promise<StaffUserTokenRow> {
  return tx.insertInto('staff_user_tokens').values(values).returningAll().executeTakeFirstOrThrow();
}

/** The live (unused, not retired, unexpired) token of `purpose` with this hash, if any. */
export async function findLiveToken(
  db: Executor,
  hash: Uint8Array,
  purpose: TokenPurpose,
  now: Date,
): Promise<StaffUserTokenRow | undefined> {
  return db
    .selectFrom('staff_user_tokens')
    .selectAll()
    .where('token_hash', '=', hash)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('retired_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
}

/**
 * Marks the token used if, and only if, it is still live: the single-use guarantee. Of any number
 * of parallel calls exactly one gets the row back (the others wait on the row lock, then see
 * used_at set and match nothing).
 */
export async function consumeToken(tx: Tx, id: string, now: Date): Promise<StaffUserTokenRow | undefined> {
  return tx
    .updateTable('staff_user_tokens')
    .set({ used_at: now })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .where('retired_at', 'is', null)
    .where('expires_at', '>', now)
    .returningAll()
    .executeTakeFirst();
}

/** Escapes LIKE wildcards so that `q` matches literally. */
function likePattern(q: string): string {
  return `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** One page of users ordered by (created_at, id), after `cursor`; one row more than `limit` tells of a next page. */
export async function listStaffUserRows(
  db: Executor,
  filter: { status?: StaffUserRow['status'] | undefined; q?: string | undefined },
  cursor: Cursor | null,
  limit: number,
): Promise<StaffUserRow[]> {
  let q = db.selectFrom('staff_users').selectAll();
  if (filter.status) q = q.where('status', '=', filter.status);
  if (filter.q) {
    const pattern = likePattern(filter.q);
    q = q.where((eb) =>
      eb.or([
        eb(sql<string>`lower(username)`, 'like', pattern),
        eb(sql<string>`lower(display_name)`, 'like', pattern),
      ]),
    );
  }
  if (cursor) {
    const at = new Date(cursor.createdAt);
    q = q.where((eb) =>
      eb.or([eb('created_at', '>', at), eb.and([eb('created_at', '=', at), eb('id', '>', cursor.id)])]),
    );
  }
  return q
    .orderBy('created_at')
    .orderBy('id')
    .limit(limit + 1)
    .execute();
}
