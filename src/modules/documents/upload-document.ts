/**
 * Uploading a document, or a new version of one. The form fields are checked before a byte of the
 * file is read; the file then goes through the pipeline (upload/store-upload.ts); the document (or
 * version), the blob's `stored` state, the application link and the audit event are written in one
 * transaction. Every refusal is audited (`document.upload_refused`) and leaves nothing behind.
 */
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Static, TSchema } from 'typebox';
import { inTransaction, type Tx } from '../../db/transaction.ts';
import type { DocumentTypeDef, Row } from '../../db/types.ts';
import type { Ctx } from '../../platform/context.ts';
import { AppError, notFound, validationError } from '../../platform/errors.ts';
import { createAjv, describeAjvErrors } from '../../platform/validation.ts';
import { actorRef, canSeeProgramme } from '../access/actor.ts';
import { appendAudit, recordAudit } from '../audit/audit.repository.ts';
import { findVisibleApplication } from '../applications/find-visible-application.ts';
import { findProgramme } from '../programmes/programme.repository.ts';
import { findVisibleSubject, seesBasicsOnly } from '../subjects/find-visible-subject.ts';
import type { DocumentServices } from './document.services.ts';
import {
  findDocument,
  insertDocument,
  insertVersion,
  linkApplication,
  markBlobStored,
  type DocumentRow,
} from './document.repository.ts';
import { UploadFields, VersionFields, type DocumentDetailView } from './document.schema.ts';
import { documentScope, loadDocumentDetail } from './load-document-views.ts';
import { DEFAULT_ALLOWED_EXTENSIONS, InspectionRefusal, sanitiseFilename } from './inspection/index.ts';
import { discardBlob, storeUpload, UploadRefused, type StoredUpload } from './upload/store-upload.ts';

export interface UploadedFile {
  /** The name the client gave; checked, and kept only as metadata. */
  filename: string;
  source: Readable;
}

export interface UploadDocumentInput {
  subjectId: string;
  /** The form fields that preceded the file, as text. */
  fields: Record<string, string>;
  file: UploadedFile;
  ip: string | null;
}

export interface AddVersionInput {
  documentId: string;
  fields: Record<string, string>;
  file: UploadedFile;
  ip: string | null;
}

const ajv = createAjv();
const checkUploadFields = ajv.compile(UploadFields);
const checkVersionFields = ajv.compile(VersionFields);

function parseFields<S extends TSchema>(
  check: ReturnType<typeof ajv.compile>,
  fields: Record<string, string>,
): Static<S> {
  const copy = { ...fields };
  if (!check(copy)) throw validationError('invalid form fields', describeAjvErrors(check.errors));
  return copy as Static<S>;
}

function checkDates(issue: string | null | undefined, expiry: string | null | undefined): void {
  if (issue && expiry && issue > expiry)
    throw validationError('the issue date is after the expiry date', [
      { path: '/expiryDate', message: 'must not be before issueDate' },
    ]);
}

export function allowedExtensions(programme: Row<'programmes'>): ReadonlySet<string> {
  return new Set(programme.document_extensions ?? DEFAULT_ALLOWED_EXTENSIONS);
}

export function documentType(
  programme: Row<'programmes'>,
  code: string,
  subjectKind: 'person' | 'entity',
): DocumentTypeDef {
  const t = programme.document_types.find((d) => d.code === code);
  if (!t)
    throw validationError(`unknown document type "${code}" for this programme`, [
      { path: '/type', message: `must be one of: ${programme.document_types.map((d) => d.code).join(', ')}` },
    ]);
  if (!t.appliesTo.includes(subjectKind))
    throw validationError(`document type "${code}" does not apply to a ${subjectKind}`, [
      { path: '/type', message: `not for a ${subjectKind}` },
    ]);
  return t;
}

/** Reads and discards what is left of the upload (the request stays usable for the answer). */
function drain(file: UploadedFile): void {
  file.source.resume();
}

async function refuse(
  ctx: Ctx,
  ref: { subjectId: string; documentId: string | null; ip: string | null; extension: string | null },
  refusal: UploadRefused,
  maxBytes: number,
): Promise<never> {
  await recordAudit(ctx.db, ctx, {
    type: 'document.upload_refused',
    target: { type: 'subject', id: ref.subjectId },
    payload: {
      subjectId: ref.subjectId,
      documentId: ref.documentId,
      reason: refusal.reason,
      signature: refusal.signature,
      extension: ref.extension,
      ip: ref.ip,
    },
  });
  switch (refusal.kind) {
    case 'too_large':
      throw new AppError('payload_too_large', refusal.message, {
        reason: 'file_too_large',
        limitBytes: maxBytes,
      });
    case 'scanner_unavailable':
      throw new AppError('unavailable', refusal.message, { reason: 'scanner_unavailable' });
    case 'aborted':
      throw validationError(refusal.message);
    case 'file_refused':
      throw new AppError('file_refused', refusal.message, {
        reason: refusal.reason,
        ...(refusal.signature ? { signature: refusal.signature } : {}),
      });
  }
}

/** Sanitises the name (refusal audited) and runs the pipeline (refusals audited). */
async function receive(
  ctx: Ctx,
  services: DocumentServices,
  ref: { subjectId: string; documentId: string | null; ip: string | null },
  file: UploadedFile,
  allowed: ReadonlySet<string>,
): Promise<{ stored: StoredUpload; name: string; extension: string }> {
  let name: { name: string; extension: string };
  try {
    name = sanitiseFilename(file.filename);
  } catch (err) {
    drain(file);
    if (!(err instanceof InspectionRefusal)) throw err;
    return refuse(
      ctx,
      { ...ref, extension: null },
      new UploadRefused('file_refused', err.code, err.detail),
      services.settings.maxUploadBytes,
    );
  }
  try {
    const stored = await storeUpload(ctx.db, ctx.keyring, services, {
      source: file.source,
      extension: name.extension,
      allowed,
    });
    return { stored, ...name };
  } catch (err) {
    drain(file);
    if (!(err instanceof UploadRefused)) throw err;
    return refuse(ctx, { ...ref, extension: name.extension }, err, services.settings.maxUploadBytes);
  }
}

/** Makes the stored blob part of the document in `write`; the blob is discarded if that fails. */
async function commitUpload<T>(
  ctx: Ctx,
  services: DocumentServices,
  stored: StoredUpload,
  write: (tx: Tx) => Promise<T>,
): Promise<T> {
  try {
    return await inTransaction(ctx.db, async (tx) => {
      const ok = await markBlobStored(tx, stored.blobId, {
        plainSize: stored.plainSize,
        storedSize: stored.storedSize,
        sha256: stored.sha256,
        now: ctx.now(),
      });
      if (!ok) throw new AppError('unavailable', 'the upload took too long and was abandoned; try again');
      return write(tx);
    });
  } catch (err) {
    await discardBlob(ctx.db, services, stored.blobId).catch(() => undefined);
    throw err;
  } finally {
    stored.release();
  }
}

function versionValues(
  ctx: Ctx,
  documentId: string,
  number: number,
  r: { stored: StoredUpload; name: string; extension: string },
) {
  return {
    id: randomUUID(),
    documentId,
    number,
    blobId: r.stored.blobId,
    filename: r.name,
    extension: r.extension,
    mediaType: r.stored.mediaType,
    detectedType: r.stored.detectedType,
    size: r.stored.plainSize,
    sha256: r.stored.sha256,
    scanStatus: r.stored.scan.status,
    scanEngine: r.stored.scan.engine,
    uploadedBy: actorRef(ctx.actor),
    now: ctx.now(),
  };
}

/** A version accepted unscanned (fail-open): its own audit event, in the upload's transaction. */
async function auditScanSkipped(
  tx: Tx,
  ctx: Ctx,
  target: { type: 'document'; id: string },
  version: number,
  stored: StoredUpload,
): Promise<void> {
  if (stored.scan.status !== 'not_scanned') return;
  await appendAudit(tx, ctx, {
    type: 'document.scan_skipped',
    target,
    payload: { version, reason: stored.scan.failure ?? 'unavailable' },
  });
}

function fileRef(r: { stored: StoredUpload; extension: string }, version: number, ip: string | null) {
  return {
    version,
    size: r.stored.plainSize,
    extension: r.extension,
    mediaType: r.stored.mediaType,
    scan: r.stored.scan.status,
    ip,
  };
}

/** A new document of a subject, under a programme (or an application, which it then serves). */
export async function uploadDocument(
  ctx: Ctx,
  services: DocumentServices,
  input: UploadDocumentInput,
): Promise<DocumentDetailView> {
  let fields: UploadFields;
  let programme: Row<'programmes'>;
  let applicationId: string | null = null;
  try {
    fields = parseFields<typeof UploadFields>(checkUploadFields, input.fields);
    checkDates(fields.issueDate, fields.expiryDate);
    const subject = await findVisibleSubject(ctx.db, ctx.actor, input.subjectId);
    if (!subject) throw notFound('subject');
    if (await seesBasicsOnly(ctx.db, ctx.actor, subject))
      throw new AppError(
        'forbidden',
        "this subject's programme shares only its basic fields with yours; documents cannot be added",
      );
    let programmeId: string | null = null;
    if (fields.applicationId) {
      const app = await findVisibleApplication(ctx.db, ctx.actor, fields.applicationId);
      if (!app) throw notFound('application');
      const member = await ctx.db
        .selectFrom('application_subjects')
        .select('subject_id')
        .where('application_id', '=', app.id)
        .where('subject_id', '=', subject.id)
        .executeTakeFirst();
      if (!member)
        throw validationError('the subject is not part of this application', [
          { path: '/applicationId', message: 'the subject is not in this application' },
        ]);
      if (fields.programmeId && fields.programmeId !== app.programme_id)
        throw validationError("programmeId is not the application's programme", [
          { path: '/programmeId', message: "must be the application's programme" },
        ]);
      programmeId = app.programme_id;
      applicationId = app.id;
    } else if (fields.programmeId) {
      if (!canSeeProgramme(ctx.actor, fields.programmeId)) throw notFound('programme');
      programmeId = fields.programmeId;
    } else if (subject.programme_id && canSeeProgramme(ctx.actor, subject.programme_id)) {
      programmeId = subject.programme_id;
    }
    if (!programmeId)
      throw validationError('say which programme the document is for', [
        { path: '/programmeId', message: 'required: the subject has no programme of yours' },
      ]);
    const found = await findProgramme(ctx.db, programmeId);
    if (!found) throw notFound('programme');
    programme = found;
    documentType(programme, fields.type, subject.kind);
  } catch (err) {
    drain(input.file);
    throw err;
  }

  const received = await receive(
    ctx,
    services,
    { subjectId: input.subjectId, documentId: null, ip: input.ip },
    input.file,
    allowedExtensions(programme),
  );
  const documentId = randomUUID();
  const row = await commitUpload(ctx, services, received.stored, async (tx) => {
    await insertDocument(tx, {
      id: documentId,
      subjectId: input.subjectId,
      programmeId: programme.id,
      type: fields.type,
      issueDate: fields.issueDate ?? null,
      expiryDate: fields.expiryDate ?? null,
      createdBy: actorRef(ctx.actor),
      now: ctx.now(),
    });
    await insertVersion(tx, versionValues(ctx, documentId, 1, received));
    if (applicationId)
      await linkApplication(tx, {
        applicationId,
        documentId,
        addedBy: actorRef(ctx.actor),
        now: ctx.now(),
      });
    const target = { type: 'document' as const, id: documentId };
    await auditScanSkipped(tx, ctx, target, 1, received.stored);
    await appendAudit(tx, ctx, {
      type: 'document.uploaded',
      target,
      payload: {
        ...fileRef(received, 1, input.ip),
        subjectId: input.subjectId,
        programmeId: programme.id,
        applicationId,
        type: fields.type,
      },
    });
    return (await findDocument(tx, documentId, null))!;
  });
  return loadDocumentDetail(ctx.db, ctx.actor, row, ctx.now());
}

/**
 * A new version of a document: it becomes current, the old one stays (for the audit). The checks
 * recorded on the document (validity, physical copy seen) were about the old file, so they reset.
 */
export async function addDocumentVersion(
  ctx: Ctx,
  services: DocumentServices,
  input: AddVersionInput,
): Promise<DocumentDetailView> {
  let doc: DocumentRow;
  let fields: VersionFields;
  let programme: Row<'programmes'>;
  try {
    fields = parseFields<typeof VersionFields>(checkVersionFields, input.fields);
    const found = await findDocument(ctx.db, input.documentId, documentScope(ctx.actor));
    if (!found) throw notFound('document');
    doc = found;
    checkDates(
      fields.issueDate === undefined ? doc.issue_date : fields.issueDate,
      fields.expiryDate === undefined ? doc.expiry_date : fields.expiryDate,
    );
    programme = (await findProgramme(ctx.db, doc.programme_id))!;
  } catch (err) {
    drain(input.file);
    throw err;
  }
  const received = await receive(
    ctx,
    services,
    { subjectId: doc.subject_id, documentId: doc.id, ip: input.ip },
    input.file,
    allowedExtensions(programme),
  );
  const row = await commitUpload(ctx, services, received.stored, async (tx) => {
    const locked = await findDocument(tx, doc.id, documentScope(ctx.actor), { forUpdate: true });
    if (!locked) throw notFound('document');
    const number = locked.current_version + 1;
    await insertVersion(tx, versionValues(ctx, doc.id, number, received));
    await tx
      .updateTable('documents')
      .set({
        current_version: number,
        version: locked.version + 1,
        updated_at: ctx.now(),
        ...(fields.issueDate !== undefined ? { issue_date: fields.issueDate } : {}),
        ...(fields.expiryDate !== undefined ? { expiry_date: fields.expiryDate } : {}),
        validity: 'unchecked',
        invalid_reason: null,
        validity_set_by: null,
        validity_set_at: null,
        physical_copy_seen: false,
        physical_copy_seen_by: null,
        physical_copy_seen_at: null,
      })
      .where('id', '=', doc.id)
      .execute();
    const target = { type: 'document' as const, id: doc.id };
    await auditScanSkipped(tx, ctx, target, number, received.stored);
    await appendAudit(tx, ctx, {
      type: 'document.version_added',
      target,
      payload: fileRef(received, number, input.ip),
    });
    return (await findDocument(tx, doc.id, null))!;
  });
  return loadDocumentDetail(ctx.db, ctx.actor, row, ctx.now());
}
