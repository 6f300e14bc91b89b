/** Programme persistence: SQL only. Every function takes the executor (db or the caller's transaction). */
import { sql, type Updateable } from 'kysely';
import type { Executor } from '../../db/transaction.ts';
import type { NewRow, ProgrammesTable, Row } from '../../db/types.ts';
import type { Cursor } from '../../platform/pagination.ts';
import type { StatusMachine } from './status-machine.ts';

/**
 * Loads one programme. `lock: 'update'` serialises writers of the programme; `'share'` lets
 * application writers read a status machine that cannot change until they commit.
 */
export async function findProgramme(
  db: Executor,
  id: string,
  lock?: 'update' | 'share',
): Promise<Row<'programmes'> | undefined> {
  let q = db.selectFrom('programmes').selectAll().where('id', '=', id);
  if (lock === 'update') q = q.forUpdate();
  if (lock === 'share') q = q.forShare();
  return q.executeTakeFirst();
}

/** Whether another programme already has this name, ignoring case (as the unique index does). */
export async function programmeNameTaken(db: Executor, name: string, exceptId?: string): Promise<boolean> {
  let q = db
    .selectFrom('programmes')
    .select('id')
    .where(sql<string>`lower(name)`, '=', name.toLowerCase());
  if (exceptId) q = q.where('id', '<>', exceptId);
  return (await q.executeTakeFirst()) !== undefined;
}

export async function insertProgramme(db: Executor, row: NewRow<'programmes'>): Promise<Row<'programmes'>> {
  return db.insertInto('programmes').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function updateProgrammeRow(
  db: Executor,
  id: string,
  patch: Updateable<ProgrammesTable>,
): Promise<Row<'programmes'>> {
  return db
    .updateTable('programmes')
    .set(patch)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A page of programmes in (created_at, id) order, one extra row to tell whether more follow. */
export async function listProgrammeRows(
  db: Executor,
  page: { limit: number; after: Cursor | null },
  /** null: every programme; else only these (an empty list matches nothing). */
  visible: string[] | null = null,
): Promise<Row<'programmes'>[]> {
  let q = db.selectFrom('programmes').selectAll();
  if (visible) {
    if (visible.length === 0) return [];
    q = q.where('id', 'in', visible);
  }
  const after = page.after;
  if (after)
    q = q.where((eb) =>
      eb(eb.refTuple('created_at', 'id'), '>', eb.tuple(new Date(after.createdAt), after.id)),
    );
  return q
    .orderBy('created_at')
    .orderBy('id')
    .limit(page.limit + 1)
    .execute();
}

/** Which of `statuses` are the current status of at least one application of the programme. */
export async function statusesInUse(
  db: Executor,
  programmeId: string,
  statuses: string[],
): Promise<string[]> {
  if (statuses.length === 0) return [];
  const rows = await db
    .selectFrom('applications')
    .select('status')
    .distinct()
    .where('programme_id', '=', programmeId)
    .where('status', 'in', statuses)
    .orderBy('status')
    .execute();
  return rows.map((r) => r.status);
}

/** The status machine stored on a programme row. */
export function machineOf(row: Pick<Row<'programmes'>, 'statuses' | 'transitions'>): StatusMachine {
  return { statuses: row.statuses, transitions: row.transitions };
}
