/** SQL for documents, their versions, blobs and application links. */
import { sql } from 'kysely';
import type { Executor } from '../../db/transaction.ts';
import type { Row } from '../../db/types.ts';
import type { Cursor } from '../../platform/pagination.ts';

export type DocumentRow = Row<'documents'>;
export type VersionRow = Row<'document_versions'>;
export type BlobRow = Row<'document_blobs'>;

/** null: every programme; else the programme ids whose documents the actor sees. */
export type DocumentScope = string[] | null;

/**
 * The visibility rule, as one predicate over `d` (documents): not deleted, and uploaded under one of
 * the actor's programmes or used in an application of one of them.
 */
function visible(scope: DocumentScope) {
  return sql<boolean>`d.deleted_at IS NULL AND (${
    scope === null
      ? sql`true`
      : scope.length === 0
        ? sql`false`
        : sql`d.programme_id IN (${sql.join(scope)}) OR EXISTS (
            SELECT 1 FROM application_documents ad JOIN applications a ON a.id = ad.application_id
             WHERE ad.document_id = d.id AND a.programme_id IN (${sql.join(scope)}))`
  })`;
}

export async function findDocument(
  db: Executor,
  id: string,
  scope: DocumentScope,
  opts: { forUpdate?: boolean } = {},
): Promise<DocumentRow | undefined> {
  let q = db.selectFrom('documents as d').selectAll('d').where('d.id', '=', id).where(visible(scope));
  if (opts.forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}

export async function findVersions(db: Executor, documentIds: readonly string[]): Promise<VersionRow[]> {
  if (documentIds.length === 0) return [];
  return db
    .selectFrom('document_versions')
    .selectAll()
    .where('document_id', 'in', documentIds)
    .orderBy('document_id')
    .orderBy('number', 'desc')
    .execute();
}

export async function findVersion(
  db: Executor,
  documentId: string,
  number: number,
): Promise<VersionRow | undefined> {
  return db
    .selectFrom('document_versions')
    .selectAll()
    .where('document_id', '=', documentId)
    .where('number', '=', number)
    .executeTakeFirst();
}

export async function findApplicationLinks(
  db: Executor,
  documentIds: readonly string[],
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (documentIds.length === 0) return out;
  const rows = await db
    .selectFrom('application_documents')
    .select(['document_id', 'application_id'])
    .where('document_id', 'in', documentIds)
    .orderBy('added_at')
    .execute();
  for (const r of rows) out.set(r.document_id, [...(out.get(r.document_id) ?? []), r.application_id]);
  return out;
}

export interface DocumentFilters {
  scope: DocumentScope;
  subjectId?: string | undefined;
  programmeId?: string | undefined;
  applicationId?: string | undefined;
  type?: string | undefined;
  expiry?: 'expiring' | 'expired' | undefined;
  /** Today (YYYY-MM-DD) for the expiry filters. */
  today: string;
}

export async function listDocumentRows(
  db: Executor,
  f: DocumentFilters,
  page: { limit: number; after: Cursor | null },
): Promise<DocumentRow[]> {
  let q = db.selectFrom('documents as d').selectAll('d').where(visible(f.scope));
  if (f.subjectId) q = q.where('d.subject_id', '=', f.subjectId);
  if (f.programmeId) q = q.where('d.programme_id', '=', f.programmeId);
  if (f.type) q = q.where('d.document_type', '=', f.type);
  const applicationId = f.applicationId;
  if (applicationId) {
    q = q.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('application_documents as ad')
          .select('ad.document_id')
          .whereRef('ad.document_id', '=', 'd.id')
          .where('ad.application_id', '=', applicationId),
      ),
    );
  }
  if (f.expiry === 'expired') q = q.where('d.expiry_date', '<', f.today);
  if (f.expiry === 'expiring') {
    // Not yet expired, but within the notice period of the document's programme.
    q = q
      .where('d.expiry_date', '>=', f.today)
      .where(
        sql<boolean>`d.expiry_date <= ${f.today}::date + (SELECT p.document_expiry_notice_days FROM programmes p WHERE p.id = d.programme_id)`,
      );
  }
  const after = page.after;
  if (after)
    q = q.where((eb) =>
      eb(eb.refTuple('d.created_at', 'd.id'), '>', eb.tuple(new Date(after.createdAt), after.id)),
    );
  return q
    .orderBy('d.created_at')
    .orderBy('d.id')
    .limit(page.limit + 1)
    .execute();
}

export async function findBlob(db: Executor, id: string): Promise<BlobRow | undefined> {
  return db.selectFrom('document_blobs').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Reserves a blob before a byte is written: a crash from here on leaves a row naming what to clean. */
export async function insertPendingBlob(
  db: Executor,
  row: {
    id: string;
    leaseExpiresAt: Date;
    formatVersion: number;
    segmentSize: number;
    kekId: string;
    wrappedKey: Buffer;
    now: Date;
  },
): Promise<void> {
  await db
    .insertInto('document_blobs')
    .values({
      id: row.id,
      state: 'pending',
      lease_expires_at: row.leaseExpiresAt,
      format_version: row.formatVersion,
      segment_size: row.segmentSize,
      kek_id: row.kekId,
      wrapped_key: row.wrappedKey,
      created_at: row.now,
    })
    .execute();
}

export async function renewBlobLease(db: Executor, id: string, until: Date): Promise<void> {
  await db
    .updateTable('document_blobs')
    .set({ lease_expires_at: until })
    .where('id', '=', id)
    .where('state', '=', 'pending')
    .execute();
}

/** Marks a pending blob stored; false when it is no longer pending (swept after its lease ran out). */
export async function markBlobStored(
  db: Executor,
  id: string,
  v: { plainSize: number; storedSize: number; sha256: Buffer; now: Date },
): Promise<boolean> {
  const r = await db
    .updateTable('document_blobs')
    .set({
      state: 'stored',
      lease_expires_at: null,
      plain_size: v.plainSize,
      stored_size: v.storedSize,
      sha256: v.sha256,
      stored_at: v.now,
    })
    .where('id', '=', id)
    .where('state', '=', 'pending')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function deletePendingBlobRow(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('document_blobs').where('id', '=', id).where('state', '=', 'pending').execute();
}

/** Pending blobs whose uploader stopped renewing (crashed or killed); all of them when `all`. */
export async function findAbandonedBlobs(
  db: Executor,
  opts: { now: Date; all: boolean; limit: number },
): Promise<string[]> {
  let q = db.selectFrom('document_blobs').select('id').where('state', '=', 'pending');
  if (!opts.all) q = q.where('lease_expires_at', '<', opts.now);
  return (await q.limit(opts.limit).execute()).map((r) => r.id);
}

/** The crypto-shredding: the wrapped data key is destroyed, so the stored bytes can never be read. */
export async function destroyBlobKeys(db: Executor, ids: readonly string[], now: Date): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('document_blobs')
    .set({ state: 'destroyed', kek_id: null, wrapped_key: null, destroyed_at: now, lease_expires_at: null })
    .where('id', 'in', ids)
    .execute();
}

export async function insertDocument(
  db: Executor,
  row: {
    id: string;
    subjectId: string;
    programmeId: string;
    type: string;
    issueDate: string | null;
    expiryDate: string | null;
    createdBy: string;
    now: Date;
  },
): Promise<void> {
  await db
    .insertInto('documents')
    .values({
      id: row.id,
      subject_id: row.subjectId,
      programme_id: row.programmeId,
      document_type: row.type,
      issue_date: row.issueDate,
      expiry_date: row.expiryDate,
      created_by: row.createdBy,
      created_at: row.now,
      updated_at: row.now,
    })
    .execute();
}

export async function insertVersion(
  db: Executor,
  row: {
    id: string;
    documentId: string;
    number: number;
    blobId: string;
    filename: string;
    extension: string;
    mediaType: string;
    detectedType: string | null;
    size: number;
    sha256: Buffer;
    scanStatus: 'clean' | 'not_scanned';
    scanEngine: string | null;
    uploadedBy: string;
    now: Date;
  },
): Promise<void> {
  await db
    .insertInto('document_versions')
    .values({
      id: row.id,
      document_id: row.documentId,
      number: row.number,
      blob_id: row.blobId,
      filename: row.filename,
      extension: row.extension,
      media_type: row.mediaType,
      detected_type: row.detectedType,
      size: row.size,
      sha256: row.sha256,
      scan_status: row.scanStatus,
      scan_engine: row.scanEngine,
      uploaded_by: row.uploadedBy,
      uploaded_at: row.now,
    })
    .execute();
}

export async function linkApplication(
  db: Executor,
  row: { applicationId: string; documentId: string; addedBy: string; now: Date },
): Promise<boolean> {
  const r = await db
    .insertInto('application_documents')
    .values({
      application_id: row.applicationId,
      document_id: row.documentId,
      added_by: row.addedBy,
      added_at: row.now,
    })
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
}

export async function unlinkApplication(
  db: Executor,
  applicationId: string,
  documentId: string,
): Promise<boolean> {
  const r = await db
    .deleteFrom('application_documents')
    .where('application_id', '=', applicationId)
    .where('document_id', '=', documentId)
    .executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

/** Deleted documents whose retention has run out and whose keys still exist, with their blobs. */
export async function findDocumentsDueForDestruction(
  db: Executor,
  now: Date,
  limit: number,
): Promise<{ id: string; blobIds: string[] }[]> {
  const ids = (
    await db
      .selectFrom('documents')
      .select('id')
      .where('destroyed_at', 'is', null)
      .where('destroy_after', '<=', now)
      .orderBy('destroy_after')
      .limit(limit)
      .execute()
  ).map((r) => r.id);
  const versions = await findVersions(db, ids);
  return ids.map((id) => ({
    id,
    blobIds: versions.filter((v) => v.document_id === id).map((v) => v.blob_id),
  }));
}
