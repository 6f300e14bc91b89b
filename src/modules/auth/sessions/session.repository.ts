/** SQL for sessions. */
import type { Executor } from '../../../db/transaction.ts';
import type { NewRow, Row } from '../../../db/types.ts';

export type SessionRow = Row<'sessions'>;

export async function insertSession(db: Executor, row: NewRow<'sessions'>): Promise<SessionRow> {
  return db.insertInto('sessions').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function findLiveSessionByHash(db: Executor, hash: Uint8Array): Promise<SessionRow | undefined> {
  return db
    .selectFrom('sessions')
    .selectAll()
    .where('token_hash', '=', hash)
    .where('ended_at', 'is', null)
    .executeTakeFirst();
}

export async function findSession(
  db: Executor,
  id: string,
  forUpdate = false,
): Promise<SessionRow | undefined> {
  let q = db.selectFrom('sessions').selectAll().where('id', '=', id);
  if (forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}

/** Marks a live session ended; returns it, or undefined when it had already ended. */
export async function markEnded(
  db: Executor,
  id: string,
  reason: string,
  now: Date,
): Promise<SessionRow | undefined> {
  return db
    .updateTable('sessions')
    .set({ ended_at: now, end_reason: reason })
    .where('id', '=', id)
    .where('ended_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
}

/** Ends every live session of a user (optionally but one); returns those ended. */
export async function markUserSessionsEnded(
  db: Executor,
  userId: string,
  reason: string,
  now: Date,
  exceptId?: string,
): Promise<SessionRow[]> {
  let q = db
    .updateTable('sessions')
    .set({ ended_at: now, end_reason: reason })
    .where('user_id', '=', userId)
    .where('ended_at', 'is', null);
  if (exceptId) q = q.where('id', '<>', exceptId);
  return q.returningAll().execute();
}

/** Writes last_seen_at only when it is older than `staleBefore`, so most requests write nothing. */
export async function touchSession(db: Executor, id: string, now: Date, staleBefore: Date): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ last_seen_at: now })
    .where('id', '=', id)
    .where('last_seen_at', '<', staleBefore)
    .execute();
}

export async function listLiveSessions(db: Executor, userId: string, now: Date): Promise<SessionRow[]> {
  return db
    .selectFrom('sessions')
    .selectAll()
    .where('user_id', '=', userId)
    .where('ended_at', 'is', null)
    .where('expires_at', '>', now)
    .orderBy('created_at', 'desc')
    .execute();
}
