import type { Ctx } from '../../platform/context.ts';
import type { ClientActor } from '../clients/client-session.ts';
import { presentMissing } from './request.presenter.ts';
import { listItems, listOpenRequestRows, subjectsByIds } from './request.repository.ts';
import { settleRequests } from './settle-requests.ts';

/**
 * The incomplete items of the organisation's open requests (of one application, or all), after
 * settling completion: the part of the client's task list and of "what is missing" that requests
 * make up. Returns the presented items and the raw item rows (the questionnaires list needs them).
 */
export async function openRequestItems(ctx: Ctx, actor: ClientActor, applicationId?: string) {
  await settleRequests(ctx, applicationId ? { applicationId } : { organisationId: actor.organisationId });
  const requests = await listOpenRequestRows(ctx.db, {
    organisationId: actor.organisationId,
    ...(applicationId ? { applicationId } : {}),
  });
  const items = await listItems(
    ctx.db,
    requests.map((r) => r.id),
  );
  const subjects = await subjectsByIds(
    ctx.db,
    items.flatMap((i) => (i.subject_id ? [i.subject_id] : [])),
  );
  return { requestItems: presentMissing(requests, items, subjects, ctx.now()), items };
}
