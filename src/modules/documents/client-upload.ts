/**
 * A client user uploads a document from the portal for a subject of one of their organisation's
 * applications. The file arrives streamed over the link and goes through exactly the pipeline of
 * staff uploads (upload/upload-steps.ts: size limit, name, content inspection, virus scan,
 * encryption, atomic commit, every refusal audited); the document is linked to the application,
 * recorded as uploaded by `client:<id>` (audited as `document.uploaded` with the client as actor),
 * and starts unreviewed: a case officer with `document:review` checks it.
 *
 * Who may: an owner or contributor of the application's organisation (read-only users 403); another
 * organisation's application, or a subject that is not on the application, is 404. Everything is
 * checked before a byte of the file is read.
 */
import type { Ctx } from '../../platform/context.ts';
import { notFound } from '../../platform/errors.ts';
import { findClientApplication } from '../clients/client-access.ts';
import type { ClientActor } from '../clients/client-session.ts';
import { findProgramme } from '../programmes/programme.repository.ts';
import { presentClientDocuments } from './client-documents.ts';
import type { ClientDocumentView, ClientUploadQuery } from './client-document.schema.ts';
import type { DocumentServices } from './document.services.ts';
import {
  checkDates,
  documentType,
  drain,
  storeNewDocument,
  type UploadedFile,
} from './upload/upload-steps.ts';

export interface ClientUploadInput extends ClientUploadQuery {
  applicationId: string;
  file: UploadedFile;
  /** The client's address as the portal saw it (audited with the upload). */
  ip: string | null;
}

export async function uploadClientDocument(
  ctx: Ctx,
  actor: ClientActor,
  services: DocumentServices,
  input: ClientUploadInput,
): Promise<ClientDocumentView> {
  let checked: {
    programme: NonNullable<Awaited<ReturnType<typeof findProgramme>>>;
    applicationId: string;
  };
  try {
    const app = await findClientApplication(ctx, actor, input.applicationId, 'change');
    const subject = await ctx.db
      .selectFrom('application_subjects as s')
      .innerJoin('subjects as j', 'j.id', 's.subject_id')
      .select(['j.id', 'j.kind'])
      .where('s.application_id', '=', app.id)
      .where('s.subject_id', '=', input.subjectId)
      .executeTakeFirst();
    if (!subject) throw notFound('subject');
    const programme = await findProgramme(ctx.db, app.programmeId);
    if (!programme) throw notFound('application');
    documentType(programme, input.type, subject.kind);
    checkDates(input.issueDate, input.expiryDate);
    checked = { programme, applicationId: app.id };
  } catch (err) {
    drain(input.file);
    throw err;
  }
  const row = await storeNewDocument(ctx, services, {
    subjectId: input.subjectId,
    programme: checked.programme,
    type: input.type,
    issueDate: input.issueDate ?? null,
    expiryDate: input.expiryDate ?? null,
    applicationId: checked.applicationId,
    file: input.file,
    ip: input.ip,
  });
  const [view] = await presentClientDocuments(ctx, actor, [row.id]);
  return view!;
}
