import type { Ctx } from '../../platform/context.ts';
import { decodeCursor, encodeCursor } from '../../platform/pagination.ts';
import { nameTokens } from './subject.normalise.ts';
import { presentSubjectSummary } from './subject.presenter.ts';
import { listSubjectRows } from './subject.repository.ts';
import type { SubjectListQuery, SubjectSummaryView } from './subject.schema.ts';

/** Subjects in creation order, keyset-paginated; `q` matches every word against the normalised name. */
export async function listSubjects(
  ctx: Ctx,
  query: SubjectListQuery,
): Promise<{ items: SubjectSummaryView[]; nextCursor: string | null }> {
  const rows = await listSubjectRows(ctx.db, {
    kind: query.kind,
    tokens: query.q ? nameTokens(query.q) : [],
    after: decodeCursor(query.cursor),
    limit: query.limit + 1,
  });
  const page = rows.slice(0, query.limit);
  return {
    items: page.map(presentSubjectSummary),
    nextCursor: rows.length > query.limit ? encodeCursor(page.at(-1)!) : null,
  };
}
