import type { Ctx } from '../../platform/context.ts';
import { decodeCursor, encodeCursor } from '../../platform/pagination.ts';
import { notFound } from '../../platform/errors.ts';
import { findDocument, listDocumentRows } from './document.repository.ts';
import type { DocumentDetailView, DocumentListQuery, DocumentView } from './document.schema.ts';
import { isoDay } from './document.presenter.ts';
import { documentScope, loadDocumentDetail, loadDocumentViews } from './load-document-views.ts';

/** One document with every version; 404 for a deleted one or one the actor does not see. */
export async function getDocument(ctx: Ctx, id: string): Promise<DocumentDetailView> {
  const row = await findDocument(ctx.db, id, documentScope(ctx.actor));
  if (!row) throw notFound('document');
  return loadDocumentDetail(ctx.db, ctx.actor, row, ctx.now());
}

/**
 * Documents the actor sees, oldest first, filtered by subject, programme, application, type and
 * expiry (expiring within the programme's notice period, or expired), keyset-paginated.
 */
export async function listDocuments(
  ctx: Ctx,
  query: DocumentListQuery,
): Promise<{ items: DocumentView[]; nextCursor: string | null }> {
  const rows = await listDocumentRows(
    ctx.db,
    { ...query, scope: documentScope(ctx.actor), today: isoDay(ctx.now()) },
    { limit: query.limit, after: decodeCursor(query.cursor) },
  );
  const page = rows.slice(0, query.limit);
  const { views } = await loadDocumentViews(ctx.db, ctx.actor, page, ctx.now());
  return { items: views, nextCursor: rows.length > query.limit ? encodeCursor(page.at(-1)!) : null };
}
