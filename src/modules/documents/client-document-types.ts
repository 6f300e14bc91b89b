/**
 * The document types a client user may upload for one of their organisation's applications: those
 * of the application's programme (code and label only: whether a type is required or expires is
 * the firm's business), in the programme's order. With a subject of the application, only the types
 * that apply to its kind (a person's passport, an entity's certificate of incorporation), so the
 * portal offers no choice the upload would refuse. Another organisation's application, or a subject
 * not on the application, is 404. Read-only users may list.
 */
import type { Ctx } from '../../platform/context.ts';
import { notFound } from '../../platform/errors.ts';
import { findClientApplication } from '../clients/client-access.ts';
import type { ClientActor } from '../clients/client-session.ts';
import { findProgramme } from '../programmes/programme.repository.ts';
import type { ClientDocumentTypeView } from './client-document.schema.ts';

export async function listClientDocumentTypes(
  ctx: Pick<Ctx, 'db'>,
  actor: ClientActor,
  input: { applicationId: string; subjectId?: string | undefined },
): Promise<ClientDocumentTypeView[]> {
  const app = await findClientApplication(ctx, actor, input.applicationId, 'read');
  let kind: 'person' | 'entity' | null = null;
  if (input.subjectId !== undefined) {
    const subject = await ctx.db
      .selectFrom('application_subjects as s')
      .innerJoin('subjects as j', 'j.id', 's.subject_id')
      .select('j.kind')
      .where('s.application_id', '=', app.id)
      .where('s.subject_id', '=', input.subjectId.toLowerCase())
      .executeTakeFirst();
    if (!subject) throw notFound('subject');
    kind = subject.kind;
  }
  const programme = await findProgramme(ctx.db, app.programmeId);
  if (!programme) throw notFound('application');
  return programme.document_types
    .filter((t) => kind === null || t.appliesTo.includes(kind))
    .map((t) => ({ code: t.code, label: t.label }));
}
