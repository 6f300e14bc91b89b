/**
 * The steps every upload use case shares, so staff uploads (upload-document.ts) and client uploads
 * from the portal (client-upload.ts) run one pipeline: the file name is judged, the bytes go through
 * store-upload.ts (size, inspection, virus scan, encryption), every refusal is audited
 * (`document.upload_refused`) and answered with the same problem, and the blob becomes part of a
 * document in one transaction with the audit event (or is discarded).
 *
 * The callers check who may upload what (subject, programme, application, type) BEFORE a byte of the
 * file is read, and drain the file when they refuse.
 */
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { inTransaction, type Tx } from '../../../db/transaction.ts';
import type { DocumentTypeDef, Row } from '../../../db/types.ts';
import type { Ctx } from '../../../platform/context.ts';
import { AppError, validationError } from '../../../platform/errors.ts';
import { actorRef } from '../../access/actor.ts';
import { appendAudit, recordAudit } from '../../audit/audit.repository.ts';
import type { DocumentServices } from '../document.services.ts';
import {
  findDocument,
  insertDocument,
  insertVersion,
  linkApplication,
  markBlobStored,
  type DocumentRow,
} from '../document.repository.ts';
import { DEFAULT_ALLOWED_EXTENSIONS, InspectionRefusal, sanitiseFilename } from '../inspection/index.ts';
import { discardBlob, storeUpload, UploadRefused, type StoredUpload } from './store-upload.ts';

export interface UploadedFile {
  /** The name the client gave; checked, and kept only as metadata. */
  filename: string;
  source: Readable;
}

/** A received upload: the stored (still pending) blob and the checked name. */
export interface ReceivedUpload {
  stored: StoredUpload;
  name: string;
  extension: string;
}

export function allowedExtensions(programme: Row<'programmes'>): ReadonlySet<string> {
  return new Set(programme.document_extensions ?? DEFAULT_ALLOWED_EXTENSIONS);
}

/** The programme's document type `code`, if it applies to this kind of subject (else 400 on `path`). */
export function documentType(
  programme: Row<'programmes'>,
  code: string,
  subjectKind: 'person' | 'entity',
  path = '/type',
): DocumentTypeDef {
  const t = programme.document_types.find((d) => d.code === code);
  if (!t)
    throw validationError(`unknown document type "${code}" for this programme`, [
      { path, message: `must be one of: ${programme.document_types.map((d) => d.code).join(', ')}` },
    ]);
  if (!t.appliesTo.includes(subjectKind))
    throw validationError(`document type "${code}" does not apply to a ${subjectKind}`, [
      { path, message: `not for a ${subjectKind}` },
    ]);
  return t;
}

export function checkDates(issue: string | null | undefined, expiry: string | null | undefined): void {
  if (issue && expiry && issue > expiry)
    throw validationError('the issue date is after the expiry date', [
      { path: '/expiryDate', message: 'must not be before issueDate' },
    ]);
}

/** Reads and discards what is left of the upload (the request stays usable for the answer). */
export function drain(file: UploadedFile): void {
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
export async function receive(
  ctx: Ctx,
  services: DocumentServices,
  ref: { subjectId: string; documentId: string | null; ip: string | null },
  file: UploadedFile,
  allowed: ReadonlySet<string>,
): Promise<ReceivedUpload> {
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
export async function commitUpload<T>(
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

export function versionValues(ctx: Ctx, documentId: string, number: number, r: ReceivedUpload) {
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
export async function auditScanSkipped(
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

export function fileRef(r: Pick<ReceivedUpload, 'stored' | 'extension'>, version: number, ip: string | null) {
  return {
    version,
    size: r.stored.plainSize,
    extension: r.extension,
    mediaType: r.stored.mediaType,
    scan: r.stored.scan.status,
    ip,
  };
}

export interface NewDocumentInput {
  subjectId: string;
  programme: Row<'programmes'>;
  /** A document type code of the programme, already checked against the subject's kind. */
  type: string;
  issueDate: string | null;
  expiryDate: string | null;
  /** Use the document in this application (the subject is checked to be part of it). */
  applicationId: string | null;
  file: UploadedFile;
  ip: string | null;
}

/**
 * A new document from an upload whose metadata the caller has checked: the file goes through the
 * pipeline; the document, its first version, the application link and `document.uploaded` (with
 * the acting staff user, key or client as the actor) are written in one transaction. The document
 * starts unreviewed (validity `unchecked`).
 */
export async function storeNewDocument(
  ctx: Ctx,
  services: DocumentServices,
  input: NewDocumentInput,
): Promise<DocumentRow> {
  const received = await receive(
    ctx,
    services,
    { subjectId: input.subjectId, documentId: null, ip: input.ip },
    input.file,
    allowedExtensions(input.programme),
  );
  const documentId = randomUUID();
  return commitUpload(ctx, services, received.stored, async (tx) => {
    await insertDocument(tx, {
      id: documentId,
      subjectId: input.subjectId,
      programmeId: input.programme.id,
      type: input.type,
      issueDate: input.issueDate,
      expiryDate: input.expiryDate,
      createdBy: actorRef(ctx.actor),
      now: ctx.now(),
    });
    await insertVersion(tx, versionValues(ctx, documentId, 1, received));
    if (input.applicationId)
      await linkApplication(tx, {
        applicationId: input.applicationId,
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
        programmeId: input.programme.id,
        applicationId: input.applicationId,
        type: input.type,
      },
    });
    return (await findDocument(tx, documentId, null))!;
  });
}
