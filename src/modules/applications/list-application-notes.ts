import type { Ctx } from '../../platform/context.ts';
import { notFound } from '../../platform/errors.ts';
import { decodeCursor, encodeCursor } from '../../platform/pagination.ts';
import { presentNote } from './application.presenter.ts';
import { listNoteRows } from './application.repository.ts';
import { namesOf } from './actor-names.ts';
import { findVisibleApplication } from './find-visible-application.ts';
import type { NoteListQuery, NoteView } from './application.schema.ts';

/** An application's notes, oldest first, keyset-paginated; `not_found` for an unknown application. */
export async function listApplicationNotes(
  ctx: Ctx,
  id: string,
  query: NoteListQuery,
): Promise<{ items: NoteView[]; nextCursor: string | null }> {
  if (!(await findVisibleApplication(ctx.db, ctx.actor, id))) throw notFound('application');
  const rows = await listNoteRows(ctx.db, id, { limit: query.limit, after: decodeCursor(query.cursor) });
  const page = rows.slice(0, query.limit);
  const nameOf = await namesOf(
    ctx.db,
    page.flatMap((n) => [n.author, n.shared_by]),
  );
  return {
    items: page.map((n) => presentNote(n, nameOf)),
    nextCursor: rows.length > query.limit ? encodeCursor(page.at(-1)!) : null,
  };
}
