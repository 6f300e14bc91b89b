import type { Ctx } from '../../platform/context.ts';
import { decodeCursor, encodeCursor } from '../../platform/pagination.ts';
import { assertMayReveal, auditReveal, type RevealOrigin } from './reveal-sensitive-fields.ts';
import { Disclosure } from './sensitive-fields.ts';
import { nameTokens } from './subject.normalise.ts';
import { presentSubjectSummary } from './subject.presenter.ts';
import { listSubjectRows } from './subject.repository.ts';
import { basicOnlySubjectIds, subjectScope } from './find-visible-subject.ts';
import type { SubjectListQuery, SubjectSummaryView } from './subject.schema.ts';

/**
 * The subjects the actor may see (filtered in the query), in creation order, keyset-paginated; `q` matches every word against the normalised name.
 * The sensitive fields are masked unless `reveal` (needs `subject:reveal-identifiers`; one audit
 * event per page, with the ids). Subjects whose programme shares only the basics with the actor
 * show only those (find-visible-subject.ts).
 */
export async function listSubjects(
  ctx: Ctx,
  query: SubjectListQuery,
  origin?: RevealOrigin,
): Promise<{ items: SubjectSummaryView[]; nextCursor: string | null }> {
  const reveal = query.reveal === true;
  if (reveal) await assertMayReveal(ctx, origin ?? { method: 'GET', route: 'listSubjects' });
  const rows = await listSubjectRows(ctx.db, {
    kind: query.kind,
    tokens: query.q ? nameTokens(query.q) : [],
    after: decodeCursor(query.cursor),
    limit: query.limit + 1,
    scope: subjectScope(ctx.actor),
  });
  const page = rows.slice(0, query.limit);
  const basicOnly = await basicOnlySubjectIds(ctx.db, ctx.actor, page);
  const shown = page.map((row) => {
    const disclosure = new Disclosure(reveal);
    return {
      view: presentSubjectSummary(row, disclosure, basicOnly.has(row.id)),
      subjectId: row.id,
      disclosure,
    };
  });
  if (reveal)
    await auditReveal(
      ctx,
      shown.map((s) => ({ subjectId: s.subjectId, fields: s.disclosure.fields() })),
    );
  return {
    items: shown.map((s) => s.view),
    nextCursor: rows.length > query.limit ? encodeCursor(page.at(-1)!) : null,
  };
}
