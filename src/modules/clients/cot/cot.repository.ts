/**
 * SQL of the Customer Outreach Tool. Every function takes an application id the caller has already
 * checked to be the client organisation's (client-access.ts); nothing here reads an organisation id
 * from a request.
 */
import { sql } from 'kysely';
import type { Executor } from '../../../db/transaction.ts';
import type { NewRow, Row } from '../../../db/types.ts';

/** Locks the application row, only if it still belongs to the organisation (null otherwise). */
export async function lockClientApplication(
  db: Executor,
  applicationId: string,
  organisationId: string,
): Promise<Row<'applications'> | null> {
  return (
    (await db
      .selectFrom('applications')
      .selectAll()
      .where('id', '=', applicationId)
      .where('client_organisation_id', '=', organisationId)
      .forUpdate()
      .executeTakeFirst()) ?? null
  );
}

/** The statuses of the application's programme and whether a four-eyes decision is pending. */
export async function applicationState(
  db: Executor,
  applicationId: string,
): Promise<{ status: string; statuses: Row<'programmes'>['statuses']; pendingDecision: boolean }> {
  const row = await db
    .selectFrom('applications as a')
    .innerJoin('programmes as p', 'p.id', 'a.programme_id')
    .select([
      'a.status',
      'p.statuses',
      sql<boolean>`EXISTS (SELECT 1 FROM application_decisions d WHERE d.application_id = a.id AND d.status = 'pending')`.as(
        'pending',
      ),
    ])
    .where('a.id', '=', applicationId)
    .executeTakeFirstOrThrow();
  return { status: row.status, statuses: row.statuses, pendingDecision: Boolean(row.pending) };
}

/** One (subject, role) link of the application with the subject's row. */
export interface PartyLinkRow {
  subject_id: string;
  role: string;
  added_by: string | null;
  client_organisation_id: string | null;
  link_created_at: Date;
  subject: Row<'subjects'>;
}

/** Every (subject, role) link of the application, with the subjects' rows. */
export async function listPartyLinks(db: Executor, applicationId: string): Promise<PartyLinkRow[]> {
  const links = await db
    .selectFrom('application_subjects')
    .select(['subject_id', 'role', 'added_by', 'client_organisation_id', 'created_at'])
    .where('application_id', '=', applicationId)
    .execute();
  if (links.length === 0) return [];
  const subjects = await db
    .selectFrom('subjects')
    .selectAll()
    .where('id', 'in', [...new Set(links.map((l) => l.subject_id))])
    .execute();
  const byId = new Map(subjects.map((s) => [s.id, s]));
  return links.map((l) => ({
    subject_id: l.subject_id,
    role: l.role,
    added_by: l.added_by,
    client_organisation_id: l.client_organisation_id,
    link_created_at: l.created_at,
    subject: byId.get(l.subject_id)!,
  }));
}

/** The relationships whose both ends are among `subjectIds` (those inside one application). */
export async function listRelationshipsAmong(
  db: Executor,
  subjectIds: readonly string[],
): Promise<Row<'relationships'>[]> {
  if (subjectIds.length === 0) return [];
  const ids = [...new Set(subjectIds)];
  return db
    .selectFrom('relationships')
    .selectAll()
    .where('from_subject_id', 'in', ids)
    .where('to_subject_id', 'in', ids)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** The identity documents of the given subjects, by subject, in their stored order. */
export async function listIdentifiersOf(
  db: Executor,
  subjectIds: readonly string[],
): Promise<Map<string, Row<'subject_identifiers'>[]>> {
  const out = new Map<string, Row<'subject_identifiers'>[]>();
  if (subjectIds.length === 0) return out;
  const rows = await db
    .selectFrom('subject_identifiers')
    .selectAll()
    .where('subject_id', 'in', [...new Set(subjectIds)])
    .orderBy('subject_id')
    .orderBy('position')
    .execute();
  for (const r of rows) out.set(r.subject_id, [...(out.get(r.subject_id) ?? []), r]);
  return out;
}

/** Adds (subject, role) links marked as added by a client user of the organisation. */
export async function insertClientLinks(
  db: Executor,
  rows: Pick<NewRow<'application_subjects'>, 'application_id' | 'subject_id' | 'role' | 'created_at'>[],
  by: { actorRef: string; organisationId: string },
): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('application_subjects')
    .values(rows.map((r) => ({ ...r, added_by: by.actorRef, client_organisation_id: by.organisationId })))
    .execute();
}

export async function deleteLinks(
  db: Executor,
  applicationId: string,
  subjectId: string,
  roles: readonly string[],
): Promise<void> {
  if (roles.length === 0) return;
  await db
    .deleteFrom('application_subjects')
    .where('application_id', '=', applicationId)
    .where('subject_id', '=', subjectId)
    .where('role', 'in', [...roles])
    .execute();
}

/** A new version of the application (its parties changed). */
export async function bumpApplication(db: Executor, applicationId: string, now: Date): Promise<void> {
  await db
    .updateTable('applications')
    .set({ version: sql`version + 1`, updated_at: now })
    .where('id', '=', applicationId)
    .execute();
}

/**
 * Whether `candidateId` already owns `subjectId`, directly or through other entities (walking the
 * shareholder edges upwards, each subject once, at most `maxDepth` levels): then `subjectId` holding
 * shares in `candidateId` would close an ownership cycle.
 */
export async function ownsIndirectly(
  db: Executor,
  candidateId: string,
  subjectId: string,
  maxDepth = 12,
): Promise<boolean> {
  const seen = new Set<string>([subjectId]);
  let frontier = [subjectId];
  for (let depth = 0; depth < maxDepth && frontier.length > 0; depth++) {
    const rows = await db
      .selectFrom('relationships')
      .select('from_subject_id')
      .where('kind', '=', 'shareholder')
      .where('to_subject_id', 'in', frontier)
      .execute();
    const owners = [...new Set(rows.map((r) => r.from_subject_id))];
    if (owners.includes(candidateId)) return true;
    frontier = owners.filter((id) => !seen.has(id));
    frontier.forEach((id) => seen.add(id));
  }
  return false;
}

// Notes shared with the client and client messages.

/** The latest `limit` notes the client sees (shared ones, client messages included), plus one to tell more exist. */
export async function listSharedNotes(
  db: Executor,
  applicationId: string,
  limit: number,
): Promise<Row<'application_notes'>[]> {
  return db
    .selectFrom('application_notes')
    .selectAll()
    .where('application_id', '=', applicationId)
    .where('shared_with_client', '=', true)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
}

/** Display names of the organisation's users among `ids` (a user of another organisation is never named). */
export async function clientUserNames(
  db: Executor,
  organisationId: string,
  ids: readonly string[],
): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('client_users')
    .select(['id', 'display_name'])
    .where('organisation_id', '=', organisationId)
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [r.id, r.display_name]));
}

export async function insertClientMessage(
  db: Executor,
  row: Pick<NewRow<'application_notes'>, 'id' | 'application_id' | 'body' | 'author' | 'created_at'>,
): Promise<Row<'application_notes'>> {
  return db
    .insertInto('application_notes')
    .values({ ...row, author_kind: 'client', shared_with_client: true })
    .returningAll()
    .executeTakeFirstOrThrow();
}
