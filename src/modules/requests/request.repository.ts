/** Request persistence: SQL only. Every function takes the executor (db or the caller's transaction). */
import type { Executor } from '../../db/transaction.ts';
import type { NewRow, Row } from '../../db/types.ts';
import type { Cursor } from '../../platform/pagination.ts';

export type RequestRow = Row<'client_requests'> & {
  programme_id: string;
  client_organisation_id: string | null;
  reference: string;
};
export type ItemRow = Row<'client_request_items'>;

const requestQuery = (db: Executor) =>
  db
    .selectFrom('client_requests as r')
    .innerJoin('applications as a', 'a.id', 'r.application_id')
    .selectAll('r')
    .select(['a.programme_id', 'a.client_organisation_id', 'a.reference']);

/** One request with its application's programme, organisation and reference. */
export async function findRequest(
  db: Executor,
  id: string,
  lock?: 'update',
): Promise<RequestRow | undefined> {
  let q = requestQuery(db).where('r.id', '=', id);
  if (lock === 'update') q = q.forUpdate('r');
  return q.executeTakeFirst();
}

export interface RequestFilters {
  /** null: every programme; else only these (may be empty). */
  visibleProgrammes: string[] | null;
  applicationId?: string | undefined;
  status?: 'open' | 'completed' | 'cancelled' | undefined;
  overdue?: boolean | undefined;
  now: Date;
}

/** Requests, newest first, keyset-paginated on (created_at, id). */
export async function listRequestRows(
  db: Executor,
  filters: RequestFilters,
  page: { limit: number; after: Cursor | null },
): Promise<RequestRow[]> {
  let q = requestQuery(db);
  if (filters.visibleProgrammes) {
    if (filters.visibleProgrammes.length === 0) return [];
    q = q.where('a.programme_id', 'in', filters.visibleProgrammes);
  }
  if (filters.applicationId) q = q.where('r.application_id', '=', filters.applicationId);
  if (filters.status) q = q.where('r.status', '=', filters.status);
  if (filters.overdue === true) q = q.where('r.status', '=', 'open').where('r.due_at', '<=', filters.now);
  if (filters.overdue === false)
    q = q.where((eb) => eb.or([eb('r.status', '<>', 'open'), eb('r.due_at', '>', filters.now)]));
  const after = page.after;
  if (after)
    q = q.where((eb) =>
      eb(eb.refTuple('r.created_at', 'r.id'), '<', eb.tuple(new Date(after.createdAt), after.id)),
    );
  return q
    .orderBy('r.created_at', 'desc')
    .orderBy('r.id', 'desc')
    .limit(page.limit + 1)
    .execute();
}

/** The open requests of one application and the others closed since `closedSince`, newest first. */
export async function listApplicationRequestRows(
  db: Executor,
  applicationId: string,
  closedSince: Date,
): Promise<RequestRow[]> {
  return requestQuery(db)
    .where('r.application_id', '=', applicationId)
    .where((eb) => eb.or([eb('r.status', '=', 'open'), eb('r.updated_at', '>=', closedSince)]))
    .orderBy('r.created_at', 'desc')
    .orderBy('r.id', 'desc')
    .limit(200)
    .execute();
}

/** Open requests of the organisation's applications (or of one of them), soonest due first. */
export async function listOpenRequestRows(
  db: Executor,
  scope: { organisationId: string; applicationId?: string },
): Promise<RequestRow[]> {
  let q = requestQuery(db)
    .where('a.client_organisation_id', '=', scope.organisationId)
    .where('r.status', '=', 'open');
  if (scope.applicationId) q = q.where('r.application_id', '=', scope.applicationId);
  return q.orderBy('r.due_at').orderBy('r.id').limit(500).execute();
}

export async function insertRequest(db: Executor, row: NewRow<'client_requests'>): Promise<void> {
  await db.insertInto('client_requests').values(row).execute();
}

export async function insertItems(db: Executor, rows: NewRow<'client_request_items'>[]): Promise<void> {
  if (rows.length) await db.insertInto('client_request_items').values(rows).execute();
}

/** The items of these requests, in their order. */
export async function listItems(db: Executor, requestIds: readonly string[]): Promise<ItemRow[]> {
  if (requestIds.length === 0) return [];
  return db
    .selectFrom('client_request_items')
    .selectAll()
    .where('request_id', 'in', requestIds)
    .orderBy('request_id')
    .orderBy('position')
    .execute();
}

export async function listReminders(
  db: Executor,
  requestIds: readonly string[],
): Promise<Row<'client_request_reminders'>[]> {
  if (requestIds.length === 0) return [];
  return db
    .selectFrom('client_request_reminders')
    .selectAll()
    .where('request_id', 'in', requestIds)
    .orderBy('claimed_at')
    .execute();
}

export interface SubjectBrief {
  id: string;
  display_name: string;
  kind: 'person' | 'entity';
  profile: Record<string, unknown>;
  programme_id: string | null;
}

/** Subjects' display names, kinds, profiles and owning programmes by id. */
export async function subjectsByIds(
  db: Executor,
  ids: readonly string[],
): Promise<Map<string, SubjectBrief>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('subjects')
    .select(['id', 'display_name', 'kind', 'profile', 'programme_id'])
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [r.id, r]));
}

/** The ids among `subjectIds` that are on the application. */
export async function subjectsOnApplication(
  db: Executor,
  applicationId: string,
  subjectIds: readonly string[],
): Promise<Set<string>> {
  if (subjectIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('application_subjects')
    .select('subject_id')
    .where('application_id', '=', applicationId)
    .where('subject_id', 'in', [...new Set(subjectIds)])
    .execute();
  return new Set(rows.map((r) => r.subject_id));
}

/** Marks an item complete unless it is already; returns whether this call did it. */
export async function markItemComplete(
  db: Executor,
  itemId: string,
  input: { at: Date; by: string | null; documentId?: string | null },
): Promise<boolean> {
  const r = await db
    .updateTable('client_request_items')
    .set({ completed_at: input.at, completed_by: input.by, document_id: input.documentId ?? null })
    .where('id', '=', itemId)
    .where('completed_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Open → completed; returns whether this call did it. */
export async function markRequestCompleted(db: Executor, id: string, at: Date): Promise<boolean> {
  const r = await db
    .updateTable('client_requests')
    .set((eb) => ({ status: 'completed', completed_at: at, updated_at: at, version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .where('status', '=', 'open')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Open → cancelled (the caller holds the row lock). */
export async function markRequestCancelled(
  db: Executor,
  id: string,
  input: { at: Date; by: string; reason: string | null; version: number },
): Promise<void> {
  await db
    .updateTable('client_requests')
    .set({
      status: 'cancelled',
      cancelled_at: input.at,
      cancelled_by: input.by,
      cancel_reason: input.reason,
      updated_at: input.at,
      version: input.version,
    })
    .where('id', '=', id)
    .execute();
}

/**
 * Open requests (optionally only these, or of this application, organisation or these programmes)
 * that have an incomplete item of a kind completed elsewhere (a document, a questionnaire), or none
 * incomplete at all, with their items; one page of them by id.
 */
export async function findUnsettled(
  db: Executor,
  scope: {
    requestIds?: readonly string[];
    applicationId?: string;
    organisationId?: string;
    programmes?: string[] | null;
  },
  page: { after: string | null; limit: number },
): Promise<{ requests: RequestRow[]; items: ItemRow[] }> {
  if (scope.requestIds && scope.requestIds.length === 0) return { requests: [], items: [] };
  if (scope.programmes && scope.programmes.length === 0) return { requests: [], items: [] };
  let q = requestQuery(db).where('r.status', '=', 'open');
  if (scope.requestIds) q = q.where('r.id', 'in', scope.requestIds);
  if (scope.applicationId) q = q.where('r.application_id', '=', scope.applicationId);
  if (scope.organisationId) q = q.where('a.client_organisation_id', '=', scope.organisationId);
  if (scope.programmes) q = q.where('a.programme_id', 'in', scope.programmes);
  q = q.where(({ exists, not, selectFrom, or }) =>
    or([
      exists(
        selectFrom('client_request_items as i')
          .select('i.id')
          .whereRef('i.request_id', '=', 'r.id')
          .where('i.completed_at', 'is', null)
          .where('i.kind', 'in', ['document', 'questionnaire']),
      ),
      not(
        exists(
          selectFrom('client_request_items as i')
            .select('i.id')
            .whereRef('i.request_id', '=', 'r.id')
            .where('i.completed_at', 'is', null),
        ),
      ),
    ]),
  );
  if (page.after) q = q.where('r.id', '>', page.after);
  const requests = await q.orderBy('r.id').limit(page.limit).execute();
  const items = await listItems(
    db,
    requests.map((r) => r.id),
  );
  return { requests, items };
}

/**
 * For each incomplete 'document' item of these requests, the first document that completes it: of
 * the item's subject and type, linked to the request's application, not deleted, created at or
 * after the request.
 */
export async function findCompletingDocuments(
  db: Executor,
  itemIds: readonly string[],
): Promise<Map<string, { id: string; created_at: Date; created_by: string }>> {
  if (itemIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('client_request_items as i')
    .innerJoin('client_requests as r', 'r.id', 'i.request_id')
    .innerJoin('application_documents as ad', 'ad.application_id', 'r.application_id')
    .innerJoin('documents as d', 'd.id', 'ad.document_id')
    .select(['i.id as item_id', 'd.id', 'd.created_at', 'd.created_by'])
    .where('i.id', 'in', itemIds)
    .where('i.kind', '=', 'document')
    .whereRef('d.subject_id', '=', 'i.subject_id')
    .whereRef('d.document_type', '=', 'i.document_type')
    .whereRef('d.created_at', '>=', 'r.created_at')
    .where('d.deleted_at', 'is', null)
    .orderBy('i.id')
    .orderBy('d.created_at')
    .orderBy('d.id')
    .execute();
  const out = new Map<string, { id: string; created_at: Date; created_by: string }>();
  for (const r of rows) if (!out.has(r.item_id)) out.set(r.item_id, r);
  return out;
}

/** Flags open requests past due that are not flagged yet; returns those this call flagged. */
export async function flagOverdue(
  db: Executor,
  now: Date,
): Promise<{ id: string; application_id: string; due_at: Date }[]> {
  return db
    .updateTable('client_requests')
    .set({ overdue_flagged_at: now })
    .where('status', '=', 'open')
    .where('due_at', '<=', now)
    .where('overdue_flagged_at', 'is', null)
    .returning(['id', 'application_id', 'due_at'])
    .execute();
}

/** Open requests due within `horizon` (or past due) still owed a reminder, one page by id. */
export async function listOpenForReminders(
  db: Executor,
  horizon: Date,
  page: { after: string | null; limit: number },
): Promise<RequestRow[]> {
  let q = requestQuery(db)
    .where('r.status', '=', 'open')
    .where('r.due_at', '<=', horizon)
    // After the overdue notice there is nothing more to send.
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('client_request_reminders as m')
            .select('m.request_id')
            .whereRef('m.request_id', '=', 'r.id')
            .where('m.stage', '=', 'overdue'),
        ),
      ),
    );
  if (page.after) q = q.where('r.id', '>', page.after);
  return q.orderBy('r.id').limit(page.limit).execute();
}

/** Claims a reminder stage for a request; false when it was claimed before (sent at most once). */
export async function claimReminder(
  db: Executor,
  input: { requestId: string; stage: string; at: Date; recipients: number },
): Promise<boolean> {
  const rows = await db
    .insertInto('client_request_reminders')
    .values({
      request_id: input.requestId,
      stage: input.stage,
      claimed_at: input.at,
      recipients: input.recipients,
    })
    .onConflict((oc) => oc.columns(['request_id', 'stage']).doNothing())
    .returning('request_id')
    .execute();
  return rows.length === 1;
}

export async function setReminderDelivered(
  db: Executor,
  input: { requestId: string; stage: string; delivered: number },
): Promise<void> {
  await db
    .updateTable('client_request_reminders')
    .set({ delivered: input.delivered })
    .where('request_id', '=', input.requestId)
    .where('stage', '=', input.stage)
    .execute();
}

/** E-mail addresses of the active users of an active organisation. */
export async function activeOrganisationEmails(db: Executor, organisationId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('client_users as u')
    .innerJoin('client_organisations as o', 'o.id', 'u.organisation_id')
    .select('u.email')
    .where('u.organisation_id', '=', organisationId)
    .where('u.status', '=', 'active')
    .where('o.status', '=', 'active')
    .orderBy('u.email')
    .execute();
  return rows.map((r) => r.email);
}

/** Applications of the organisation (or just this one) with a questionnaire still open. */
export async function applicationsWithOpenQuestionnaires(
  db: Executor,
  scope: { organisationId: string; applicationId?: string },
): Promise<{ id: string; reference: string }[]> {
  let q = db
    .selectFrom('applications as a')
    .select(['a.id', 'a.reference'])
    .where('a.client_organisation_id', '=', scope.organisationId)
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('form_assignments as f')
          .select('f.id')
          .whereRef('f.application_id', '=', 'a.id')
          .where('f.status', '=', 'open'),
      ),
    );
  if (scope.applicationId) q = q.where('a.id', '=', scope.applicationId);
  return q.orderBy('a.created_at').limit(200).execute();
}

/** The document types a programme asks for. */
export async function programmeDocumentTypes(db: Executor, programmeId: string) {
  const row = await db
    .selectFrom('programmes')
    .select('document_types')
    .where('id', '=', programmeId)
    .executeTakeFirstOrThrow();
  return row.document_types;
}
