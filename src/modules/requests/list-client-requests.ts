import type { Ctx } from '../../platform/context.ts';
import { findClientApplication } from '../clients/client-access.ts';
import type { ClientActor } from '../clients/client-session.ts';
import { presentClientRequest } from './request.presenter.ts';
import { listApplicationRequestRows, listItems, subjectsByIds } from './request.repository.ts';
import type { ClientRequestView } from './request.schema.ts';
import { settleRequests } from './settle-requests.ts';

/** How long a completed or cancelled request stays in the client's list. */
export const RECENT_DAYS = 90;

/**
 * The requests of an application of the client's organisation (another organisation's is "not
 * found"): the open ones and those closed in the last {@link RECENT_DAYS} days, newest first, with
 * their items and completion.
 */
export async function listClientRequests(
  ctx: Ctx,
  actor: ClientActor,
  applicationId: string,
): Promise<ClientRequestView[]> {
  const app = await findClientApplication(ctx, actor, applicationId, 'read');
  await settleRequests(ctx, { applicationId: app.id });
  const now = ctx.now();
  const rows = await listApplicationRequestRows(
    ctx.db,
    app.id,
    new Date(now.getTime() - RECENT_DAYS * 86_400_000),
  );
  const items = await listItems(
    ctx.db,
    rows.map((r) => r.id),
  );
  const subjects = await subjectsByIds(
    ctx.db,
    items.flatMap((i) => (i.subject_id ? [i.subject_id] : [])),
  );
  return rows.map((r) => presentClientRequest(r, items, subjects, actor.role, now));
}
