/**
 * Assignment, draft and submission persistence: SQL only. Every function takes the executor (db or
 * the caller's transaction). Answers stay encrypted here; answers.crypto.ts opens and seals them.
 */
import { sql } from 'kysely';
import type { Executor } from '../../db/transaction.ts';
import type { NewRow, Row } from '../../db/types.ts';

/** An assignment with what every reader needs: its form, its application's scope, its pinned version and draft. */
export interface AssignmentRow extends Row<'form_assignments'> {
  form_key: string;
  form_title: string;
  form_programme_id: string;
  programme_id: string;
  client_organisation_id: string | null;
  version_number: number | null;
  draft_id: string | null;
  draft_version_id: string | null;
  draft_saved_at: Date | null;
  draft_saved_by: string | null;
  draft_answer_count: number | null;
}

const assignments = (db: Executor) =>
  db
    .selectFrom('form_assignments as a')
    .innerJoin('forms as f', 'f.id', 'a.form_id')
    .innerJoin('applications as app', 'app.id', 'a.application_id')
    .leftJoin('form_versions as v', 'v.id', 'a.version_id')
    .leftJoin('form_drafts as d', 'd.assignment_id', 'a.id')
    .selectAll('a')
    .select([
      'f.key as form_key',
      'f.title as form_title',
      'f.programme_id as form_programme_id',
      'app.programme_id as programme_id',
      'app.client_organisation_id as client_organisation_id',
      'v.version as version_number',
      'd.id as draft_id',
      'd.version_id as draft_version_id',
      'd.saved_at as draft_saved_at',
      'd.saved_by as draft_saved_by',
      'd.answer_count as draft_answer_count',
    ]);

export async function findAssignment(db: Executor, id: string): Promise<AssignmentRow | undefined> {
  return assignments(db).where('a.id', '=', id).executeTakeFirst();
}

/**
 * Takes the assignment's row lock (only if it is of `applicationId`, when given): every save,
 * submission and status change of one assignment runs one at a time.
 */
export async function lockAssignment(db: Executor, id: string, applicationId?: string): Promise<boolean> {
  let q = db.selectFrom('form_assignments').select('id').where('id', '=', id);
  if (applicationId !== undefined) q = q.where('application_id', '=', applicationId);
  return (await q.forUpdate().executeTakeFirst()) !== undefined;
}

/** An application's assignments, newest first. */
export async function listAssignmentRows(db: Executor, applicationId: string): Promise<AssignmentRow[]> {
  return assignments(db)
    .where('a.application_id', '=', applicationId)
    .orderBy('a.assigned_at', 'desc')
    .orderBy('a.id')
    .limit(500)
    .execute();
}

export async function insertAssignment(db: Executor, row: NewRow<'form_assignments'>): Promise<void> {
  await db.insertInto('form_assignments').values(row).execute();
}

export async function updateAssignment(
  db: Executor,
  id: string,
  patch: Partial<
    Pick<
      NewRow<'form_assignments'>,
      'status' | 'version_id' | 'submitted_at' | 'submitted_by' | 'cancelled_at' | 'cancelled_by'
    >
  >,
): Promise<void> {
  await db.updateTable('form_assignments').set(patch).where('id', '=', id).execute();
}

export async function findDraftRow(
  db: Executor,
  assignmentId: string,
): Promise<Row<'form_drafts'> | undefined> {
  return db
    .selectFrom('form_drafts')
    .selectAll()
    .where('assignment_id', '=', assignmentId)
    .executeTakeFirst();
}

export async function insertDraft(db: Executor, row: NewRow<'form_drafts'>): Promise<void> {
  await db.insertInto('form_drafts').values(row).execute();
}

export async function replaceDraft(
  db: Executor,
  id: string,
  patch: {
    version_id: string;
    answers_enc: Uint8Array;
    answer_count: number;
    saved_at: Date;
    saved_by: string;
  },
): Promise<void> {
  await db.updateTable('form_drafts').set(patch).where('id', '=', id).execute();
}

/** Deletes the draft of an assignment; returns whether there was one. */
export async function deleteDraft(db: Executor, assignmentId: string): Promise<boolean> {
  const r = await db.deleteFrom('form_drafts').where('assignment_id', '=', assignmentId).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export async function insertSubmission(db: Executor, row: NewRow<'form_submissions'>): Promise<void> {
  await db.insertInto('form_submissions').values(row).execute();
}

/** Every submission of an assignment, newest first, with its version number. */
export async function listSubmissionRows(
  db: Executor,
  assignmentId: string,
): Promise<(Row<'form_submissions'> & { version_number: number })[]> {
  return db
    .selectFrom('form_submissions as s')
    .innerJoin('form_versions as v', 'v.id', 's.version_id')
    .selectAll('s')
    .select('v.version as version_number')
    .where('s.assignment_id', '=', assignmentId)
    .orderBy('s.submitted_at', 'desc')
    .orderBy('s.id')
    .limit(200)
    .execute();
}

export async function isSubjectOfApplication(
  db: Executor,
  applicationId: string,
  subjectId: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('application_subjects')
    .select('subject_id')
    .where('application_id', '=', applicationId)
    .where('subject_id', '=', subjectId)
    .executeTakeFirst();
  return row !== undefined;
}

/** Whether a questionnaire of this form on this application was submitted at or after `since`. */
export async function submittedSince(
  db: Executor,
  applicationId: string,
  formId: string,
  since: Date,
): Promise<boolean> {
  const row = await db
    .selectFrom('form_assignments')
    .select('id')
    .where('application_id', '=', applicationId)
    .where('form_id', '=', formId)
    .where('status', '=', 'submitted')
    .where('submitted_at', '>=', since)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * An assignment as a client reads it: the version it is (or will be) answered against, which is
 * the pinned one or else the form's published one, with its definition and title.
 */
export interface ClientAssignmentRow {
  id: string;
  application_id: string;
  status: Row<'form_assignments'>['status'];
  due_at: Date | null;
  submitted_at: Date | null;
  subject_id: string | null;
  subject_name: string | null;
  version_id: string;
  version_number: number;
  title: string;
  draft_saved_at: Date | null;
}

const clientAssignments = (db: Executor) =>
  db
    .selectFrom('form_assignments as a')
    .innerJoin('form_versions as v', (j) =>
      j.on(
        sql<boolean>`v.id = coalesce(a.version_id, (SELECT p.id FROM form_versions p WHERE p.form_id = a.form_id AND p.status = 'published'))`,
      ),
    )
    .leftJoin('subjects as s', 's.id', 'a.subject_id')
    .leftJoin('form_drafts as d', 'd.assignment_id', 'a.id')
    .select([
      'a.id',
      'a.application_id',
      'a.status',
      'a.due_at',
      'a.submitted_at',
      'a.subject_id',
      's.display_name as subject_name',
      'v.id as version_id',
      'v.version as version_number',
      sql<string>`v.definition->>'title'`.as('title'),
      'd.saved_at as draft_saved_at',
    ]);

export async function listClientAssignmentRows(
  db: Executor,
  applicationId: string,
): Promise<ClientAssignmentRow[]> {
  return clientAssignments(db)
    .where('a.application_id', '=', applicationId)
    .orderBy('a.assigned_at', 'desc')
    .orderBy('a.id')
    .limit(500)
    .execute();
}

/** One assignment of one application (an assignment of any other application is not found). */
export async function findClientAssignmentRow(
  db: Executor,
  applicationId: string,
  id: string,
): Promise<(ClientAssignmentRow & { definition: unknown }) | undefined> {
  return clientAssignments(db)
    .select('v.definition')
    .where('a.application_id', '=', applicationId)
    .where('a.id', '=', id)
    .executeTakeFirst();
}
