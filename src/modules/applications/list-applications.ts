import type { Ctx } from '../../platform/context.ts';
import { programmeFilter } from '../access/actor.ts';
import { decodeCursor, encodeCursor } from '../../platform/pagination.ts';
import { presentApplicationSummary } from './application.presenter.ts';
import { listApplicationRows } from './application.repository.ts';
import type { ApplicationListQuery, ApplicationSummaryView } from './application.schema.ts';

/**
 * Applications of the actor's programmes, oldest first, filtered by programme, status, subject,
 * assignee, client organisation, risk level and open/closed (terminal status of their programme),
 * keyset-paginated on (created_at, id).
 */
export async function listApplications(
  ctx: Ctx,
  query: ApplicationListQuery,
): Promise<{ items: ApplicationSummaryView[]; nextCursor: string | null }> {
  const rows = await listApplicationRows(
    ctx.db,
    { ...query, visibleProgrammes: programmeFilter(ctx.actor) },
    {
      limit: query.limit,
      after: decodeCursor(query.cursor),
    },
  );
  const page = rows.slice(0, query.limit);
  return {
    items: page.map(presentApplicationSummary),
    nextCursor: rows.length > query.limit ? encodeCursor(page.at(-1)!) : null,
  };
}
