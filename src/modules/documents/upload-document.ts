/**
 * Uploading a document, or a new version of one. The form fields are checked before a byte of the
 * file is read; the file then goes through the pipeline (upload/store-upload.ts, through the steps
 * shared with client uploads in upload/upload-steps.ts); the document (or version), the blob's
 * `stored` state, the application link and the audit event are written in one transaction. Every
 * refusal is audited (`document.upload_refused`) and leaves nothing behind.
 */
import type { Static, TSchema } from 'typebox';
import type { Row } from '../../db/types.ts';
import type { Ctx } from '../../platform/context.ts';
import { AppError, notFound, validationError } from '../../platform/errors.ts';
import { createAjv, describeAjvErrors } from '../../platform/validation.ts';
import { canSeeProgramme } from '../access/actor.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { findVisibleApplication } from '../applications/find-visible-application.ts';
import { findProgramme } from '../programmes/programme.repository.ts';
import { findVisibleSubject, seesBasicsOnly } from '../subjects/find-visible-subject.ts';
import type { DocumentServices } from './document.services.ts';
import { findDocument, insertVersion, type DocumentRow } from './document.repository.ts';
import { UploadFields, VersionFields, type DocumentDetailView } from './document.schema.ts';
import { documentScope, loadDocumentDetail } from './load-document-views.ts';
import {
  allowedExtensions,
  auditScanSkipped,
  checkDates,
  commitUpload,
  documentType,
  drain,
  fileRef,
  receive,
  storeNewDocument,
  versionValues,
  type UploadedFile,
} from './upload/upload-steps.ts';

export { allowedExtensions, documentType, type UploadedFile } from './upload/upload-steps.ts';

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

  const row = await storeNewDocument(ctx, services, {
    subjectId: input.subjectId,
    programme,
    type: fields.type,
    issueDate: fields.issueDate ?? null,
    expiryDate: fields.expiryDate ?? null,
    applicationId,
    file: input.file,
    ip: input.ip,
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
