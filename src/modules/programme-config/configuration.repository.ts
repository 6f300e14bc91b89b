/** Programme configuration persistence: SQL only. Every function takes the executor (db or transaction). */
import type { Executor } from '../../db/transaction.ts';
import type { NewRow, Row } from '../../db/types.ts';

export type ConfigurationRow = Row<'programme_configurations'>;

/** The programme's draft, if any. */
export async function findDraft(db: Executor, programmeId: string): Promise<ConfigurationRow | undefined> {
  return db
    .selectFrom('programme_configurations')
    .selectAll()
    .where('programme_id', '=', programmeId)
    .where('state', '=', 'draft')
    .executeTakeFirst();
}

/** The programme's latest published version, if any. */
export async function findLatestPublished(
  db: Executor,
  programmeId: string,
): Promise<ConfigurationRow | undefined> {
  return db
    .selectFrom('programme_configurations')
    .selectAll()
    .where('programme_id', '=', programmeId)
    .where('state', '=', 'published')
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** One version (draft or published) by number. */
export async function findVersion(
  db: Executor,
  programmeId: string,
  version: number,
): Promise<ConfigurationRow | undefined> {
  return db
    .selectFrom('programme_configurations')
    .selectAll()
    .where('programme_id', '=', programmeId)
    .where('version', '=', version)
    .executeTakeFirst();
}

/** Every version of the programme, newest first, without content. */
export async function listVersionRows(db: Executor, programmeId: string) {
  return db
    .selectFrom('programme_configurations')
    .select([
      'id',
      'programme_id',
      'version',
      'state',
      'content_hash',
      'note',
      'created_at',
      'created_by',
      'updated_at',
      'published_at',
      'published_by',
    ])
    .where('programme_id', '=', programmeId)
    .orderBy('version', 'desc')
    .execute();
}

/** The number the next draft takes: one more than any version so far. */
export async function nextVersionNumber(db: Executor, programmeId: string): Promise<number> {
  const row = await db
    .selectFrom('programme_configurations')
    .select((eb) => eb.fn.max('version').as('max'))
    .where('programme_id', '=', programmeId)
    .executeTakeFirst();
  return Number(row?.max ?? 0) + 1;
}

export async function insertConfiguration(
  db: Executor,
  row: NewRow<'programme_configurations'>,
): Promise<void> {
  await db.insertInto('programme_configurations').values(row).execute();
}

export async function replaceDraft(
  db: Executor,
  id: string,
  patch: { content: string; content_hash: Uint8Array; note: string; updated_at: Date },
): Promise<void> {
  await db
    .updateTable('programme_configurations')
    .set(patch)
    .where('id', '=', id)
    .where('state', '=', 'draft')
    .execute();
}

export async function markPublished(db: Executor, id: string, at: Date, by: string): Promise<void> {
  await db
    .updateTable('programme_configurations')
    .set({ state: 'published', published_at: at, published_by: by, updated_at: at })
    .where('id', '=', id)
    .where('state', '=', 'draft')
    .execute();
}

export async function deleteDraft(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('programme_configurations').where('id', '=', id).where('state', '=', 'draft').execute();
}

/** Keys of the programme's forms that can still be given to applications (not retired). */
export async function formKeysOf(db: Executor, programmeId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('forms')
    .select('key')
    .where('programme_id', '=', programmeId)
    .where('retired_at', 'is', null)
    .execute();
  return rows.map((r) => r.key);
}
