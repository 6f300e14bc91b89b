/** Meeting persistence: SQL only. Every function takes the executor (db or the caller's transaction). */
import type { Updateable } from 'kysely';
import type { Executor } from '../../db/transaction.ts';
import type { MeetingsTable, NewRow, Row } from '../../db/types.ts';
import type { Cursor } from '../../platform/pagination.ts';

export type MeetingRow = Row<'meetings'> & { programme_id: string; client_organisation_id: string | null };
export type ParticipantRow = Row<'meeting_participants'> & {
  display_name: string;
  email: string;
  user_status: string;
};

const meetingQuery = (db: Executor) =>
  db
    .selectFrom('meetings as m')
    .innerJoin('applications as a', 'a.id', 'm.application_id')
    .selectAll('m')
    .select(['a.programme_id', 'a.client_organisation_id']);

/** One meeting with its application's programme and organisation; `lock` serialises its writers. */
export async function findMeeting(
  db: Executor,
  id: string,
  lock?: 'update',
): Promise<MeetingRow | undefined> {
  let q = meetingQuery(db).where('m.id', '=', id);
  if (lock === 'update') q = q.forUpdate('m');
  return q.executeTakeFirst();
}

export interface MeetingFilters {
  /** null: every programme; else only these (may be empty). */
  visibleProgrammes: string[] | null;
  applicationId?: string | undefined;
  status?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

/** Meetings by start time then id, keyset-paginated (the cursor's createdAt carries starts_at). */
export async function listMeetingRows(
  db: Executor,
  filters: MeetingFilters,
  page: { limit: number; after: Cursor | null },
): Promise<MeetingRow[]> {
  let q = meetingQuery(db);
  if (filters.visibleProgrammes) {
    if (filters.visibleProgrammes.length === 0) return [];
    q = q.where('a.programme_id', 'in', filters.visibleProgrammes);
  }
  if (filters.applicationId) q = q.where('m.application_id', '=', filters.applicationId);
  if (filters.status) q = q.where('m.status', '=', filters.status as MeetingRow['status']);
  if (filters.from) q = q.where('m.starts_at', '>=', new Date(filters.from));
  if (filters.to) q = q.where('m.starts_at', '<', new Date(filters.to));
  const after = page.after;
  if (after)
    q = q.where((eb) =>
      eb(eb.refTuple('m.starts_at', 'm.id'), '>', eb.tuple(new Date(after.createdAt), after.id)),
    );
  return q
    .orderBy('m.starts_at')
    .orderBy('m.id')
    .limit(page.limit + 1)
    .execute();
}

/** The meetings of one application, latest first (bounded). */
export async function listApplicationMeetingRows(db: Executor, applicationId: string): Promise<MeetingRow[]> {
  return meetingQuery(db)
    .where('m.application_id', '=', applicationId)
    .orderBy('m.starts_at', 'desc')
    .orderBy('m.id')
    .limit(200)
    .execute();
}

/**
 * Scheduled meetings ahead of `now` of the organisation's applications where this client user's
 * answer is still pending.
 */
export async function listAwaitingMeetingRows(
  db: Executor,
  input: { organisationId: string; userId: string; now: Date },
): Promise<(MeetingRow & { reference: string })[]> {
  return db
    .selectFrom('meetings as m')
    .innerJoin('applications as a', 'a.id', 'm.application_id')
    .innerJoin('meeting_participants as p', 'p.meeting_id', 'm.id')
    .selectAll('m')
    .select(['a.programme_id', 'a.client_organisation_id', 'a.reference'])
    .where('a.client_organisation_id', '=', input.organisationId)
    .where('p.user_id', '=', input.userId)
    .where('p.realm', '=', 'client')
    .where('p.response', '=', 'pending')
    .where('m.status', '=', 'scheduled')
    .where('m.starts_at', '>', input.now)
    .orderBy('m.starts_at')
    .limit(200)
    .execute();
}

export async function insertMeeting(db: Executor, row: NewRow<'meetings'>): Promise<void> {
  await db.insertInto('meetings').values(row).execute();
}

export async function updateMeetingRow(
  db: Executor,
  id: string,
  patch: Updateable<MeetingsTable>,
): Promise<void> {
  await db.updateTable('meetings').set(patch).where('id', '=', id).execute();
}

/** Participants of these meetings with their names (staff or client), staff first. */
export async function listParticipants(
  db: Executor,
  meetingIds: readonly string[],
): Promise<ParticipantRow[]> {
  if (meetingIds.length === 0) return [];
  return db
    .selectFrom('meeting_participants as p')
    .leftJoin('staff_users as s', (j) => j.onRef('s.id', '=', 'p.user_id').on('p.realm', '=', 'staff'))
    .leftJoin('client_users as c', (j) => j.onRef('c.id', '=', 'p.user_id').on('p.realm', '=', 'client'))
    .selectAll('p')
    .select((eb) => [
      eb.fn.coalesce('s.display_name', 'c.display_name').$castTo<string>().as('display_name'),
      eb.fn.coalesce('s.email', 'c.email').$castTo<string>().as('email'),
      eb.fn.coalesce('s.status', 'c.status').$castTo<string>().as('user_status'),
    ])
    .where('p.meeting_id', 'in', meetingIds)
    .orderBy('p.realm', 'desc')
    .orderBy((eb) => eb.fn.coalesce('s.display_name', 'c.display_name'))
    .execute();
}

export async function insertParticipants(
  db: Executor,
  meetingId: string,
  people: { userId: string; realm: 'staff' | 'client' }[],
): Promise<void> {
  if (people.length === 0) return;
  await db
    .insertInto('meeting_participants')
    .values(
      people.map((p) => ({
        meeting_id: meetingId,
        user_id: p.userId,
        realm: p.realm,
        response: p.realm === 'client' ? ('pending' as const) : null,
      })),
    )
    .execute();
}

export async function deleteParticipants(
  db: Executor,
  meetingId: string,
  userIds: readonly string[],
): Promise<void> {
  if (userIds.length === 0) return;
  await db
    .deleteFrom('meeting_participants')
    .where('meeting_id', '=', meetingId)
    .where('user_id', 'in', userIds)
    .execute();
}

/** Sets every client participant's answer back to pending. */
export async function resetResponses(db: Executor, meetingId: string): Promise<void> {
  await db
    .updateTable('meeting_participants')
    .set({ response: 'pending', comment_enc: null, responded_at: null })
    .where('meeting_id', '=', meetingId)
    .where('realm', '=', 'client')
    .execute();
}

export async function setResponse(
  db: Executor,
  input: {
    meetingId: string;
    userId: string;
    response: 'confirmed' | 'declined';
    commentEnc: Uint8Array | null;
    at: Date;
  },
): Promise<void> {
  await db
    .updateTable('meeting_participants')
    .set({ response: input.response, comment_enc: input.commentEnc, responded_at: input.at })
    .where('meeting_id', '=', input.meetingId)
    .where('user_id', '=', input.userId)
    .where('realm', '=', 'client')
    .execute();
}

export async function listEvidence(
  db: Executor,
  meetingIds: readonly string[],
): Promise<Row<'meeting_evidence'>[]> {
  if (meetingIds.length === 0) return [];
  return db
    .selectFrom('meeting_evidence')
    .selectAll()
    .where('meeting_id', 'in', meetingIds)
    .orderBy('added_at')
    .orderBy('document_id')
    .execute();
}

/** Inserts evidence links; returns the document ids that were not attached already. */
export async function insertEvidence(
  db: Executor,
  input: { meetingId: string; documentIds: readonly string[]; addedBy: string; at: Date },
): Promise<string[]> {
  if (input.documentIds.length === 0) return [];
  const rows = await db
    .insertInto('meeting_evidence')
    .values(
      input.documentIds.map((documentId) => ({
        meeting_id: input.meetingId,
        document_id: documentId,
        added_by: input.addedBy,
        added_at: input.at,
      })),
    )
    .onConflict((oc) => oc.columns(['meeting_id', 'document_id']).doNothing())
    .returning('document_id')
    .execute();
  return rows.map((r) => r.document_id);
}

/** The ids among `userIds` of active staff users who are members of the programme. */
export async function activeProgrammeStaff(
  db: Executor,
  programmeId: string,
  userIds: readonly string[],
): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('staff_users as u')
    .innerJoin('programme_members as pm', 'pm.user_id', 'u.id')
    .select('u.id')
    .where('pm.programme_id', '=', programmeId)
    .where('u.status', '=', 'active')
    .where('u.id', 'in', userIds)
    .execute();
  return new Set(rows.map((r) => r.id));
}

/** The ids among `userIds` of client users of the organisation who are not disabled. */
export async function organisationClientUsers(
  db: Executor,
  organisationId: string,
  userIds: readonly string[],
): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('client_users')
    .select('id')
    .where('organisation_id', '=', organisationId)
    .where('status', '<>', 'disabled')
    .where('id', 'in', userIds)
    .execute();
  return new Set(rows.map((r) => r.id));
}

/**
 * The ids among `documentIds` of documents linked to the application, not deleted, and of a
 * programme in `visibleProgrammes` (null: every programme).
 */
export async function applicationDocumentIds(
  db: Executor,
  applicationId: string,
  documentIds: readonly string[],
  visibleProgrammes: string[] | null,
): Promise<Set<string>> {
  if (documentIds.length === 0 || (visibleProgrammes && visibleProgrammes.length === 0)) return new Set();
  let q = db
    .selectFrom('application_documents as ad')
    .innerJoin('documents as d', 'd.id', 'ad.document_id')
    .select('d.id')
    .where('ad.application_id', '=', applicationId)
    .where('d.deleted_at', 'is', null)
    .where('d.id', 'in', documentIds);
  if (visibleProgrammes) q = q.where('d.programme_id', 'in', visibleProgrammes);
  return new Set((await q.execute()).map((r) => r.id));
}
