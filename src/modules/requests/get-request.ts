import type { Ctx } from '../../platform/context.ts';
import { notFound } from '../../platform/errors.ts';
import { canSeeProgramme } from '../access/actor.ts';
import { presentRequest } from './request.presenter.ts';
import { findRequest, listItems, listReminders } from './request.repository.ts';
import type { RequestView } from './request.schema.ts';
import { settleRequests } from './settle-requests.ts';

/** One request with per-item progress and the reminders sent; another programme's is "not found". */
export async function getRequest(ctx: Ctx, id: string): Promise<RequestView> {
  const found = await findRequest(ctx.db, id);
  if (!found || !canSeeProgramme(ctx.actor, found.programme_id)) throw notFound('client request');
  await settleRequests(ctx, { requestIds: [id] });
  const row = (await findRequest(ctx.db, id))!;
  return presentRequest(row, await listItems(ctx.db, [id]), await listReminders(ctx.db, [id]), ctx.now());
}
