import type { Ctx } from '../../platform/context.ts';
import { notFound } from '../../platform/errors.ts';
import { decodeCursor, encodeCursor } from '../../platform/pagination.ts';
import { presentDecision } from './application.presenter.ts';
import { listDecisionRows } from './application.repository.ts';
import { namesOf } from './actor-names.ts';
import type { DecisionListQuery, DecisionView } from './application.schema.ts';
import { findVisibleApplication } from './find-visible-application.ts';

/** An application's four-eyes decisions, oldest first, keyset-paginated; `not_found` for an unknown application. */
export async function listApplicationDecisions(
  ctx: Ctx,
  id: string,
  query: DecisionListQuery,
): Promise<{ items: DecisionView[]; nextCursor: string | null }> {
  if (!(await findVisibleApplication(ctx.db, ctx.actor, id))) throw notFound('application');
  const rows = await listDecisionRows(ctx.db, id, { limit: query.limit, after: decodeCursor(query.cursor) });
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  const nameOf = await namesOf(
    ctx.db,
    page.flatMap((d) => [d.prepared_by, d.decided_by]),
  );
  return {
    items: page.map((d) => presentDecision(d, nameOf)),
    nextCursor:
      rows.length > query.limit && last ? encodeCursor({ created_at: last.prepared_at, id: last.id }) : null,
  };
}
