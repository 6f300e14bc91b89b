import type { Ctx } from '../../platform/context.ts';
import { decodeCursor, encodeCursor } from '../../platform/pagination.ts';
import { programmeFilter } from '../access/actor.ts';
import { presentRequest } from './request.presenter.ts';
import { listItems, listReminders, listRequestRows } from './request.repository.ts';
import type { RequestListQuery, RequestView } from './request.schema.ts';
import { settleRequests } from './settle-requests.ts';

/**
 * Requests of the actor's programmes, newest first, filtered by application, status and whether
 * they are overdue (open past the due date), keyset-paginated on (created_at, id). The open
 * requests in scope are settled first, so the status filter sees documents uploaded meanwhile.
 */
export async function listRequests(
  ctx: Ctx,
  query: RequestListQuery,
): Promise<{ items: RequestView[]; nextCursor: string | null }> {
  const programmes = programmeFilter(ctx.actor);
  await settleRequests(ctx, {
    programmes,
    ...(query.applicationId ? { applicationId: query.applicationId } : {}),
  });
  const now = ctx.now();
  const rows = await listRequestRows(
    ctx.db,
    {
      visibleProgrammes: programmes,
      applicationId: query.applicationId,
      status: query.status,
      overdue: query.overdue,
      now,
    },
    { limit: query.limit, after: decodeCursor(query.cursor) },
  );
  const page = rows.slice(0, query.limit);
  const ids = page.map((r) => r.id);
  const items = await listItems(ctx.db, ids);
  const reminders = await listReminders(ctx.db, ids);
  return {
    items: page.map((r) => presentRequest(r, items, reminders, now)),
    nextCursor: rows.length > query.limit ? encodeCursor(page.at(-1)!) : null,
  };
}
