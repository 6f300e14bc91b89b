/**
 * What a client user sees of the documents used in one of their organisation's applications:
 * metadata only (type, file name, size, when, by whom, where the review stands). Clients never
 * read files through the portal, and staff-only fields (recorded checks and their reasons, scan
 * details, who reviewed) are not shown. Only documents the client's own organisation uploaded are
 * listed: what staff file on a case (screening evidence, internal memos) never reaches the client,
 * not even its name (AML tipping-off rules).
 */
import type { Ctx } from '../../platform/context.ts';
import { findClientApplication } from '../clients/client-access.ts';
import type { ClientActor } from '../clients/client-session.ts';
import type { ClientDocumentView } from './client-document.schema.ts';
import { typeLabel } from './document.presenter.ts';

/** At most this many documents are listed per application (newest first). */
const MAX_LISTED = 500;

const REVIEW = { unchecked: 'pending', valid: 'accepted', invalid: 'rejected' } as const;

/** The views of these (visible, not deleted) documents, newest upload first. */
export async function presentClientDocuments(
  ctx: Pick<Ctx, 'db'>,
  actor: ClientActor,
  documentIds: readonly string[],
): Promise<ClientDocumentView[]> {
  if (documentIds.length === 0) return [];
  const rows = await ctx.db
    .selectFrom('documents as d')
    .innerJoin('document_versions as v', (j) =>
      j.onRef('v.document_id', '=', 'd.id').onRef('v.number', '=', 'd.current_version'),
    )
    .innerJoin('programmes as p', 'p.id', 'd.programme_id')
    .select([
      'd.id',
      'd.subject_id',
      'd.document_type',
      'd.validity',
      'p.document_types',
      'v.filename',
      'v.size',
      'v.uploaded_at',
      'v.uploaded_by',
    ])
    .where('d.id', 'in', documentIds)
    .where('d.deleted_at', 'is', null)
    .orderBy('v.uploaded_at', 'desc')
    .orderBy('d.id')
    .execute();
  // Names only of the client's own organisation's users.
  const clientIds = [
    ...new Set(
      rows.flatMap((r) =>
        r.uploaded_by.startsWith('client:') ? [r.uploaded_by.slice('client:'.length)] : [],
      ),
    ),
  ];
  const names = new Map<string, string>();
  if (clientIds.length > 0) {
    const users = await ctx.db
      .selectFrom('client_users')
      .select(['id', 'display_name'])
      .where('id', 'in', clientIds)
      .where('organisation_id', '=', actor.organisationId)
      .execute();
    for (const u of users) names.set(`client:${u.id}`, u.display_name);
  }
  return rows.flatMap((r) => {
    const own = names.get(r.uploaded_by);
    if (own === undefined) return [];
    return [
      {
        id: r.id,
        subjectId: r.subject_id,
        type: r.document_type,
        typeLabel: typeLabel(r.document_types, r.document_type),
        filename: r.filename,
        size: Number(r.size),
        uploadedAt: r.uploaded_at.toISOString(),
        uploadedBy: own,
        uploadedByYourOrganisation: true,
        review: REVIEW[r.validity],
      },
    ];
  });
}

/** The documents used in one of the actor's organisation's applications (another's: 404). */
export async function listClientDocuments(
  ctx: Pick<Ctx, 'db'>,
  actor: ClientActor,
  applicationId: string,
): Promise<ClientDocumentView[]> {
  const app = await findClientApplication(ctx, actor, applicationId, 'read');
  const linked = await ctx.db
    .selectFrom('application_documents')
    .select('document_id')
    .where('application_id', '=', app.id)
    .orderBy('added_at', 'desc')
    .limit(MAX_LISTED)
    .execute();
  return presentClientDocuments(
    ctx,
    actor,
    linked.map((l) => l.document_id),
  );
}
