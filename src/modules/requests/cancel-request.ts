import { inTransaction } from '../../db/transaction.ts';
import type { Ctx } from '../../platform/context.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { actorRef, canSeeProgramme } from '../access/actor.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { presentRequest } from './request.presenter.ts';
import { findRequest, listItems, listReminders, markRequestCancelled } from './request.repository.ts';
import type { CancelRequestBody, RequestView } from './request.schema.ts';

export type CancelRequestInput = CancelRequestBody & { id: string };

/**
 * Cancels an open request (409 `request_closed` when completed or cancelled already): the client
 * no longer sees it as a task and no reminder goes out. Questionnaires it assigned stay with the
 * application (cancel them in the forms API if they are not wanted either). The reason stays with
 * the request, not in the audit trail.
 */
export async function cancelRequest(ctx: Ctx, input: CancelRequestInput): Promise<RequestView> {
  const now = ctx.now();
  await inTransaction(ctx.db, async (tx) => {
    const row = await findRequest(tx, input.id, 'update');
    if (!row || !canSeeProgramme(ctx.actor, row.programme_id)) throw notFound('client request');
    if (row.status !== 'open')
      throw new AppError('conflict', 'the request is completed or cancelled already', {
        reason: 'request_closed',
      });
    await markRequestCancelled(tx, row.id, {
      at: now,
      by: actorRef(ctx.actor),
      reason: input.reason?.trim() ?? null,
      version: row.version + 1,
    });
    const openItems = (await listItems(tx, [row.id])).filter((i) => !i.completed_at).length;
    await appendAudit(tx, ctx, {
      type: 'client_request.cancelled',
      target: { type: 'client_request', id: row.id },
      payload: { applicationId: row.application_id, openItems },
    });
  });
  const row = (await findRequest(ctx.db, input.id))!;
  return presentRequest(row, await listItems(ctx.db, [row.id]), await listReminders(ctx.db, [row.id]), now);
}
