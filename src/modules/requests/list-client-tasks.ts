import type { Ctx } from '../../platform/context.ts';
import type { ClientActor } from '../clients/client-session.ts';
import { listAwaitingMeetings } from '../meetings/index.ts';
import { listOpenQuestionnaires } from './open-questionnaires.ts';
import { openRequestItems } from './open-request-items.ts';
import type { ClientTasksView } from './request.schema.ts';

/**
 * The client user's task list across their organisation's applications (and no other's): the
 * incomplete items of open requests with their due dates and overdue flags, the upcoming meetings
 * that wait for this user's answer, and the questionnaires not submitted yet. Read-only users see
 * it too (it tells them what the organisation still owes).
 */
export async function listClientTasks(ctx: Ctx, actor: ClientActor): Promise<ClientTasksView> {
  const { requestItems, items } = await openRequestItems(ctx, actor);
  return {
    requestItems,
    meetings: await listAwaitingMeetings(ctx, actor),
    questionnaires: await listOpenQuestionnaires(ctx, actor, { requestItems: items }),
  };
}
