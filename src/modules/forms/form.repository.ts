/** Form and form-version persistence: SQL only. Every function takes the executor (db or transaction). */
import { sql } from 'kysely';
import type { Executor } from '../../db/transaction.ts';
import type { NewRow, Row } from '../../db/types.ts';

export type FormRow = Row<'forms'>;
export type FormVersionRow = Row<'form_versions'>;

/**
 * One form. `lock: 'update'` serialises every change to the form and its versions; `'share'` keeps
 * it from being retired or published until the caller commits (assigning it).
 */
export async function findForm(
  db: Executor,
  id: string,
  lock?: 'update' | 'share',
): Promise<FormRow | undefined> {
  let q = db.selectFrom('forms').selectAll().where('id', '=', id);
  if (lock === 'update') q = q.forUpdate();
  if (lock === 'share') q = q.forShare();
  return q.executeTakeFirst();
}

/** The forms of a programme with their current draft and published version numbers, by key. */
export async function listFormRows(
  db: Executor,
  programmeId: string,
): Promise<(FormRow & { draft_version: number | null; published_version: number | null })[]> {
  return db
    .selectFrom('forms as f')
    .selectAll('f')
    .select([
      sql<
        number | null
      >`(SELECT v.version FROM form_versions v WHERE v.form_id = f.id AND v.status = 'draft')`.as(
        'draft_version',
      ),
      sql<
        number | null
      >`(SELECT v.version FROM form_versions v WHERE v.form_id = f.id AND v.status = 'published')`.as(
        'published_version',
      ),
    ])
    .where('f.programme_id', '=', programmeId)
    .orderBy('f.key')
    .limit(1000)
    .execute();
}

export async function insertForm(db: Executor, row: NewRow<'forms'>): Promise<void> {
  await db.insertInto('forms').values(row).execute();
}

export async function retireFormRow(db: Executor, id: string, at: Date, by: string): Promise<void> {
  await db.updateTable('forms').set({ retired_at: at, retired_by: by }).where('id', '=', id).execute();
}

/** Versions of a form, newest first, without their definitions. */
export async function listVersionRows(
  db: Executor,
  formId: string,
): Promise<Omit<FormVersionRow, 'definition'>[]> {
  return db
    .selectFrom('form_versions')
    .select([
      'id',
      'form_id',
      'version',
      'status',
      'created_at',
      'created_by',
      'published_at',
      'published_by',
    ])
    .where('form_id', '=', formId)
    .orderBy('version', 'desc')
    .execute();
}

export async function findVersion(
  db: Executor,
  formId: string,
  version: number,
): Promise<FormVersionRow | undefined> {
  return db
    .selectFrom('form_versions')
    .selectAll()
    .where('form_id', '=', formId)
    .where('version', '=', version)
    .executeTakeFirst();
}

export async function findVersionById(db: Executor, id: string): Promise<FormVersionRow | undefined> {
  return db.selectFrom('form_versions').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The version of a form in a status ('draft' or 'published': at most one of each). */
export async function findVersionInStatus(
  db: Executor,
  formId: string,
  status: 'draft' | 'published',
): Promise<FormVersionRow | undefined> {
  return db
    .selectFrom('form_versions')
    .selectAll()
    .where('form_id', '=', formId)
    .where('status', '=', status)
    .executeTakeFirst();
}

export async function nextVersionNumber(db: Executor, formId: string): Promise<number> {
  const row = await db
    .selectFrom('form_versions')
    .select(sql<number>`coalesce(max(version), 0)::int + 1`.as('next'))
    .where('form_id', '=', formId)
    .executeTakeFirstOrThrow();
  return Number(row.next);
}

export async function insertVersion(db: Executor, row: NewRow<'form_versions'>): Promise<void> {
  await db.insertInto('form_versions').values(row).execute();
}

export async function setDraftDefinition(db: Executor, id: string, definition: unknown): Promise<void> {
  await db
    .updateTable('form_versions')
    .set({ definition: JSON.stringify(definition) })
    .where('id', '=', id)
    .where('status', '=', 'draft')
    .execute();
}

/** Freezes the draft and supersedes the published version, in that order of the unique index. */
export async function publishVersion(
  db: Executor,
  draftId: string,
  previousId: string | null,
  at: Date,
  by: string,
): Promise<void> {
  if (previousId)
    await db.updateTable('form_versions').set({ status: 'retired' }).where('id', '=', previousId).execute();
  await db
    .updateTable('form_versions')
    .set({ status: 'published', published_at: at, published_by: by })
    .where('id', '=', draftId)
    .where('status', '=', 'draft')
    .execute();
}
