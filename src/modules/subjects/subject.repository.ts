/**
 * SQL for subjects and their encrypted identifiers, and the one predicate that scopes subjects to
 * programmes (`visibleIn`): every query that lists or finds subjects for an actor applies it.
 */
import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import { preparedQuery } from '../../db/prepared.ts';
import type { Executor } from '../../db/transaction.ts';
import type { DB, NewRow, Row } from '../../db/types.ts';
import type { DuplicateReason, SubjectKind } from './subject.schema.ts';

export type SubjectRow = Row<'subjects'>;
export type IdentifierRow = Row<'subject_identifiers'>;

/**
 * The programmes whose subjects an actor sees (`programmeFilter` of the actor): null for every
 * subject, else these programme ids (possibly none).
 */
export type SubjectScope = string[] | null;

/**
 * The visibility rule of subjects, as one SQL predicate on `subjects`: the subject was created in
 * one of the programmes, or it is attached to an application of one of them (a subject shared
 * between programmes is visible through any application the actor may see).
 */
export function visibleIn(programmeIds: string[]) {
  return (eb: ExpressionBuilder<DB, 'subjects'>): Expression<SqlBool> => {
    if (programmeIds.length === 0) return sql<SqlBool>`false`;
    return eb.or([
      eb('subjects.programme_id', 'in', programmeIds),
      eb.exists(
        eb
          .selectFrom('application_subjects as vis_link')
          .innerJoin('applications as vis_app', 'vis_app.id', 'vis_link.application_id')
          .select('vis_link.subject_id')
          .whereRef('vis_link.subject_id', '=', 'subjects.id')
          .where('vis_app.programme_id', 'in', programmeIds),
      ),
    ]);
  };
}

/** Among `programmeIds`, those that share only the basics of their subjects (`subject_sharing`). */
export async function findBasicSharingProgrammes(
  db: Executor,
  programmeIds: readonly string[],
): Promise<Set<string>> {
  if (programmeIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('programmes')
    .select('id')
    .where('id', 'in', [...new Set(programmeIds)])
    .where('subject_sharing', '=', 'basic')
    .execute();
  return new Set(rows.map((r) => r.id));
}

/** The subject; with `scope`, only if visible in it (null alike for "missing" and "not visible"). */
export async function findSubject(
  db: Executor,
  id: string,
  opts: { forUpdate?: boolean; scope?: SubjectScope } = {},
): Promise<SubjectRow | null> {
  let q = db.selectFrom('subjects').selectAll().where('subjects.id', '=', id);
  if (opts.scope) q = q.where(visibleIn(opts.scope));
  if (opts.forUpdate) q = q.forUpdate();
  return (await q.executeTakeFirst()) ?? null;
}

/** The ids among `ids` of subjects that exist and are visible in `scope` (null: every subject). */
export async function findVisibleSubjectIds(
  db: Executor,
  scope: SubjectScope,
  ids: readonly string[],
): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  let q = db
    .selectFrom('subjects')
    .select('subjects.id')
    .where('subjects.id', 'in', [...new Set(ids)]);
  if (scope) q = q.where(visibleIn(scope));
  return new Set((await q.execute()).map((r) => r.id));
}

/**
 * A subject and its identifiers in one round trip (the hot read path): the identifiers come back as
 * a JSON array, with the ciphertext base64-encoded.
 */
const selectSubjectWithIdentifiers = preparedQuery((db: Executor, id: string) =>
  db
    .selectFrom('subjects')
    .selectAll('subjects')
    .select((eb) =>
      jsonArrayFrom(
        eb
          .selectFrom('subject_identifiers as i')
          .select([
            'i.id',
            'i.subject_id',
            'i.type',
            'i.country',
            sql<string>`encode(i.value_enc, 'base64')`.as('value_enc'),
            sql<string>`encode(i.value_bidx, 'base64')`.as('value_bidx'),
            'i.issued_on',
            'i.expires_on',
            'i.position',
          ])
          .whereRef('i.subject_id', '=', 'subjects.id')
          .orderBy('i.position'),
      ).as('identifiers'),
    )
    .where('subjects.id', '=', id),
);

export async function findSubjectWithIdentifiers(
  db: Executor,
  id: string,
): Promise<{ row: SubjectRow; identifiers: IdentifierRow[] } | null> {
  const [found] = await selectSubjectWithIdentifiers(db, id);
  if (!found) return null;
  const { identifiers, ...row } = found;
  return {
    row: row as SubjectRow,
    identifiers: identifiers.map((i) => ({
      ...i,
      value_enc: Buffer.from(i.value_enc, 'base64'),
      value_bidx: Buffer.from(i.value_bidx, 'base64'),
    })),
  };
}

export async function findSubjectsByIds(
  db: Executor,
  ids: string[],
): Promise<Pick<SubjectRow, 'id' | 'kind' | 'display_name'>[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('subjects').select(['id', 'kind', 'display_name']).where('id', 'in', ids).execute();
}

export async function insertSubject(db: Executor, row: NewRow<'subjects'>): Promise<SubjectRow> {
  return db.insertInto('subjects').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function updateSubjectRow(
  db: Executor,
  id: string,
  values: Partial<NewRow<'subjects'>>,
): Promise<SubjectRow> {
  return db.updateTable('subjects').set(values).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

export async function listIdentifiers(db: Executor, subjectId: string): Promise<IdentifierRow[]> {
  return db
    .selectFrom('subject_identifiers')
    .selectAll()
    .where('subject_id', '=', subjectId)
    .orderBy('position')
    .execute();
}

/** Replaces a subject's identifiers as a whole (identity documents are edited as one list). */
export async function replaceIdentifiers(
  db: Executor,
  subjectId: string,
  rows: NewRow<'subject_identifiers'>[],
): Promise<void> {
  await db.deleteFrom('subject_identifiers').where('subject_id', '=', subjectId).execute();
  if (rows.length) await db.insertInto('subject_identifiers').values(rows).execute();
}

export interface DuplicateCriteria {
  kind: SubjectKind;
  nameKey: string;
  dateOfBirth: string | null;
  jurisdiction: string | null;
  registrationNumber: string | null;
  lei: string | null;
  identifierIndexes: Uint8Array[];
}

export interface DuplicateHit {
  id: string;
  kind: SubjectKind;
  display_name: string;
  reason: DuplicateReason;
}

/**
 * Subjects matching any duplicate criterion, one row per (subject, reason); with a `scope`, only
 * subjects visible in it (a duplicate check never reveals a subject the actor cannot see).
 */
export async function findDuplicateHits(
  db: Executor,
  c: DuplicateCriteria,
  scope: SubjectScope = null,
): Promise<DuplicateHit[]> {
  const base = () => {
    const q = db.selectFrom('subjects').select(['subjects.id', 'subjects.kind', 'subjects.display_name']);
    return scope ? q.where(visibleIn(scope)) : q;
  };
  const queries: (() => Promise<DuplicateHit[]>)[] = [];
  const tag = (reason: DuplicateReason) => (rows: Pick<SubjectRow, 'id' | 'kind' | 'display_name'>[]) =>
    rows.map((r) => ({ ...r, reason }));
  if (c.identifierIndexes.length) {
    queries.push(() =>
      base()
        .innerJoin('subject_identifiers', 'subject_identifiers.subject_id', 'subjects.id')
        .where(
          'subject_identifiers.value_bidx',
          'in',
          c.identifierIndexes.map((b) => Buffer.from(b)),
        )
        .distinct()
        .execute()
        .then(tag('identity_document')),
    );
  }
  if (c.lei) queries.push(() => base().where('lei', '=', c.lei).execute().then(tag('lei')));
  if (c.jurisdiction && c.registrationNumber) {
    queries.push(() =>
      base()
        .where('jurisdiction', '=', c.jurisdiction)
        .where('registration_number', '=', c.registrationNumber)
        .execute()
        .then(tag('registration_number')),
    );
  }
  if (c.kind === 'person' && c.dateOfBirth) {
    queries.push(() =>
      base()
        .where('kind', '=', 'person')
        .where('name_key', '=', c.nameKey)
        .where('date_of_birth', '=', c.dateOfBirth)
        .execute()
        .then(tag('name_and_date_of_birth')),
    );
  }
  if (c.kind === 'entity' && c.jurisdiction) {
    queries.push(() =>
      base()
        .where('kind', '=', 'entity')
        .where('name_key', '=', c.nameKey)
        .where('jurisdiction', '=', c.jurisdiction)
        .execute()
        .then(tag('name_and_jurisdiction')),
    );
  }
  // Sequential on purpose: a transaction is one connection, and PGlite serialises anyway.
  const hits: DuplicateHit[] = [];
  for (const q of queries) hits.push(...(await q()));
  return hits;
}

export interface SubjectListFilter {
  kind?: SubjectKind | undefined;
  /** Normalised search tokens; each must occur in the name key. */
  tokens: string[];
  after: { createdAt: string; id: string } | null;
  limit: number;
  /** Only the subjects visible in this scope (null: every subject). */
  scope: SubjectScope;
}

export async function listSubjectRows(db: Executor, f: SubjectListFilter): Promise<SubjectRow[]> {
  let q = db.selectFrom('subjects').selectAll();
  if (f.scope) q = q.where(visibleIn(f.scope));
  if (f.kind) q = q.where('kind', '=', f.kind);
  for (const token of f.tokens) {
    // Tokens hold letters and digits only, but escape anyway so the pattern can never widen.
    q = q.where('name_key', 'like', `%${token.replace(/[\\%_]/g, (m) => `\\${m}`)}%`);
  }
  if (f.after) {
    const createdAt = new Date(f.after.createdAt);
    const id = f.after.id;
    q = q.where((eb) =>
      eb.or([
        eb('created_at', '>', createdAt),
        eb.and([eb('created_at', '=', createdAt), eb('id', '>', id)]),
      ]),
    );
  }
  return q.orderBy('created_at').orderBy('id').limit(f.limit).execute();
}
