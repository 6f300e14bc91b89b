import type { Ctx } from '../../platform/context.ts';
import { notFound } from '../../platform/errors.ts';
import { findClientApplication } from '../clients/client-access.ts';
import type { ClientActor } from '../clients/client-session.ts';
import { presentClientRequest } from './request.presenter.ts';
import { findRequest, listItems, subjectsByIds } from './request.repository.ts';
import type { ClientRequestView } from './request.schema.ts';
import { settleRequests } from './settle-requests.ts';

/**
 * One request of an application of the client's organisation. The application must be the
 * organisation's and the request the application's: any other id is "not found".
 */
export async function getClientRequest(
  ctx: Ctx,
  actor: ClientActor,
  input: { applicationId: string; requestId: string },
): Promise<ClientRequestView> {
  const app = await findClientApplication(ctx, actor, input.applicationId, 'read');
  const found = await findRequest(ctx.db, input.requestId);
  if (!found || found.application_id !== app.id) throw notFound('request');
  await settleRequests(ctx, { requestIds: [found.id] });
  const row = (await findRequest(ctx.db, found.id))!;
  const items = await listItems(ctx.db, [row.id]);
  const subjects = await subjectsByIds(
    ctx.db,
    items.flatMap((i) => (i.subject_id ? [i.subject_id] : [])),
  );
  return presentClientRequest(row, items, subjects, actor.role, ctx.now());
}
