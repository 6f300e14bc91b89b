/** Application persistence: SQL only. Every function takes the executor (db or the caller's transaction). */
import { sql, type Updateable } from 'kysely';
import type { Executor } from '../../db/transaction.ts';
import type { ApplicationDecisionsTable, ApplicationsTable, NewRow, Row } from '../../db/types.ts';
import type { Cursor } from '../../platform/pagination.ts';

/** Loads one application; `lock: 'update'` serialises every writer of that application. */
export async function findApplication(
  db: Executor,
  id: string,
  lock?: 'update',
): Promise<Row<'applications'> | undefined> {
  let q = db.selectFrom('applications').selectAll().where('id', '=', id);
  if (lock === 'update') q = q.forUpdate();
  return q.executeTakeFirst();
}

/** The next human-facing reference, `APP-000042`; gaps after rolled-back transactions are expected. */
export async function nextReference(db: Executor): Promise<string> {
  const { rows } = await sql<{ n: string }>`SELECT nextval('application_reference_seq')::text AS n`.execute(
    db,
  );
  return `APP-${rows[0]!.n.padStart(6, '0')}`;
}

export async function insertApplication(
  db: Executor,
  row: NewRow<'applications'>,
): Promise<Row<'applications'>> {
  return db.insertInto('applications').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function updateApplicationRow(
  db: Executor,
  id: string,
  patch: Updateable<ApplicationsTable>,
): Promise<Row<'applications'>> {
  return db
    .updateTable('applications')
    .set(patch)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function insertApplicationSubjects(
  db: Executor,
  rows: NewRow<'application_subjects'>[],
): Promise<void> {
  if (rows.length) await db.insertInto('application_subjects').values(rows).execute();
}

/** Deletes one (subject, role) link; returns whether it existed. */
export async function deleteApplicationSubject(
  db: Executor,
  applicationId: string,
  subjectId: string,
  role: string,
): Promise<boolean> {
  const res = await db
    .deleteFrom('application_subjects')
    .where('application_id', '=', applicationId)
    .where('subject_id', '=', subjectId)
    .where('role', '=', role)
    .executeTakeFirst();
  return res.numDeletedRows > 0n;
}

/** The (subject, role) links of an application with what the view needs of each subject. */
export async function listApplicationSubjects(db: Executor, applicationId: string) {
  return db
    .selectFrom('application_subjects as a')
    .innerJoin('subjects as s', 's.id', 'a.subject_id')
    .select(['a.subject_id', 'a.role', 's.kind', 's.display_name', 'a.added_by'])
    .where('a.application_id', '=', applicationId)
    .execute();
}

/** Kinds of the given subjects that exist; missing ids are simply absent from the map. */
export async function subjectKinds(db: Executor, ids: string[]): Promise<Map<string, 'person' | 'entity'>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('subjects').select(['id', 'kind']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r.kind]));
}

export async function findActiveStaffUser(db: Executor, id: string): Promise<Row<'staff_users'> | undefined> {
  return db
    .selectFrom('staff_users')
    .selectAll()
    .where('id', '=', id)
    .where('status', '=', 'active')
    .executeTakeFirst();
}

export async function findStaffUser(db: Executor, id: string): Promise<Row<'staff_users'> | undefined> {
  return db.selectFrom('staff_users').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Filters of the application list; all optional, combined with AND. */
export interface ApplicationFilters {
  /** null/undefined: every programme; else only applications of these programmes. */
  visibleProgrammes?: string[] | null | undefined;
  programmeId?: string | undefined;
  status?: string | undefined;
  subjectId?: string | undefined;
  assigneeId?: string | undefined;
  clientOrganisationId?: string | undefined;
  /** A risk level, or `unknown` for applications not assessed yet. */
  riskLevel?: 'low' | 'medium' | 'high' | 'unknown' | undefined;
  /** true: not in a terminal status of the application's own programme; false: in one. */
  open?: boolean | undefined;
}

/** A page of applications in (created_at, id) order with programme name and assignee, plus one extra row. */
export async function listApplicationRows(
  db: Executor,
  filters: ApplicationFilters,
  page: { limit: number; after: Cursor | null },
) {
  let q = db
    .selectFrom('applications as a')
    .innerJoin('programmes as p', 'p.id', 'a.programme_id')
    .leftJoin('staff_users as u', 'u.id', 'a.assignee_id')
    .selectAll('a')
    .select([
      'p.name as programme_name',
      'u.username as assignee_username',
      'u.display_name as assignee_display_name',
    ]);
  if (filters.visibleProgrammes) {
    if (filters.visibleProgrammes.length === 0) return [];
    q = q.where('a.programme_id', 'in', filters.visibleProgrammes);
  }
  if (filters.programmeId) q = q.where('a.programme_id', '=', filters.programmeId);
  if (filters.status) q = q.where('a.status', '=', filters.status);
  if (filters.assigneeId) q = q.where('a.assignee_id', '=', filters.assigneeId);
  if (filters.riskLevel === 'unknown') q = q.where('a.risk_level', 'is', null);
  else if (filters.riskLevel) q = q.where('a.risk_level', '=', filters.riskLevel);
  if (filters.open !== undefined) {
    // Terminal is per programme: its status machine (JSON) marks the statuses that close a file.
    const inTerminal = sql<boolean>`EXISTS (
      SELECT 1 FROM jsonb_array_elements(p.statuses) AS st(def)
      WHERE st.def->>'key' = a.status AND st.def->>'terminal' = 'true')`;
    q = q.where(filters.open ? sql<boolean>`NOT ${inTerminal}` : inTerminal);
  }
  if (filters.clientOrganisationId)
    q = q.where('a.client_organisation_id', '=', filters.clientOrganisationId);
  const subjectId = filters.subjectId;
  if (subjectId) {
    q = q.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('application_subjects as s')
          .select('s.subject_id')
          .whereRef('s.application_id', '=', 'a.id')
          .where('s.subject_id', '=', subjectId),
      ),
    );
  }
  const after = page.after;
  if (after)
    q = q.where((eb) =>
      eb(eb.refTuple('a.created_at', 'a.id'), '>', eb.tuple(new Date(after.createdAt), after.id)),
    );
  return q
    .orderBy('a.created_at')
    .orderBy('a.id')
    .limit(page.limit + 1)
    .execute();
}

export async function insertNote(
  db: Executor,
  row: NewRow<'application_notes'>,
): Promise<Row<'application_notes'>> {
  return db.insertInto('application_notes').values(row).returningAll().executeTakeFirstOrThrow();
}

/** One note of one application; `lock: 'update'` for a change of its sharing. */
export async function findNote(
  db: Executor,
  applicationId: string,
  noteId: string,
  lock?: 'update',
): Promise<Row<'application_notes'> | undefined> {
  let q = db
    .selectFrom('application_notes')
    .selectAll()
    .where('id', '=', noteId)
    .where('application_id', '=', applicationId);
  if (lock === 'update') q = q.forUpdate();
  return q.executeTakeFirst();
}

/** Sets whether a note is shown to the client, with when and by whom. */
export async function setNoteSharing(
  db: Executor,
  noteId: string,
  sharing: { shared: boolean; at: Date; by: string },
): Promise<Row<'application_notes'>> {
  return db
    .updateTable('application_notes')
    .set({ shared_with_client: sharing.shared, shared_at: sharing.at, shared_by: sharing.by })
    .where('id', '=', noteId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A page of an application's notes, oldest first, plus one extra row. */
export async function listNoteRows(
  db: Executor,
  applicationId: string,
  page: { limit: number; after: Cursor | null },
): Promise<Row<'application_notes'>[]> {
  let q = db.selectFrom('application_notes').selectAll().where('application_id', '=', applicationId);
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

export async function insertDecision(
  db: Executor,
  row: NewRow<'application_decisions'>,
): Promise<Row<'application_decisions'>> {
  return db.insertInto('application_decisions').values(row).returningAll().executeTakeFirstOrThrow();
}

/** One decision of one application; `lock: 'update'` serialises deciders (callers also lock the application). */
export async function findDecision(
  db: Executor,
  applicationId: string,
  decisionId: string,
  lock?: 'update',
): Promise<Row<'application_decisions'> | undefined> {
  let q = db
    .selectFrom('application_decisions')
    .selectAll()
    .where('id', '=', decisionId)
    .where('application_id', '=', applicationId);
  if (lock === 'update') q = q.forUpdate();
  return q.executeTakeFirst();
}

/** The application's pending decision (at most one, by a unique partial index). */
export async function findPendingDecision(
  db: Executor,
  applicationId: string,
): Promise<Row<'application_decisions'> | undefined> {
  return db
    .selectFrom('application_decisions')
    .selectAll()
    .where('application_id', '=', applicationId)
    .where('status', '=', 'pending')
    .executeTakeFirst();
}

export async function updateDecisionRow(
  db: Executor,
  id: string,
  patch: Updateable<ApplicationDecisionsTable>,
): Promise<Row<'application_decisions'>> {
  return db
    .updateTable('application_decisions')
    .set(patch)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A page of an application's decisions, oldest first, plus one extra row. */
export async function listDecisionRows(
  db: Executor,
  applicationId: string,
  page: { limit: number; after: Cursor | null },
): Promise<Row<'application_decisions'>[]> {
  let q = db.selectFrom('application_decisions').selectAll().where('application_id', '=', applicationId);
  const after = page.after;
  if (after)
    q = q.where((eb) =>
      eb(eb.refTuple('prepared_at', 'id'), '>', eb.tuple(new Date(after.createdAt), after.id)),
    );
  return q
    .orderBy('prepared_at')
    .orderBy('id')
    .limit(page.limit + 1)
    .execute();
}
