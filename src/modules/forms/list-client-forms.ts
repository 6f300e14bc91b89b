import type { Ctx } from '../../platform/context.ts';
import { findClientApplication } from '../clients/client-access.ts';
import type { ClientActor } from '../clients/client-session.ts';
import { listClientAssignmentRows } from './assignment.repository.ts';
import { presentClientAssignment } from './client-form.presenter.ts';
import type { ClientAssignmentSummary } from './form.schema.ts';

/**
 * The questionnaires of one of the client's applications (another organisation's application is
 * `not_found`): title, status, due date and the version answered (or to be answered).
 */
export async function listClientForms(
  ctx: Ctx,
  actor: ClientActor,
  applicationId: string,
): Promise<ClientAssignmentSummary[]> {
  const app = await findClientApplication(ctx, actor, applicationId, 'read');
  return (await listClientAssignmentRows(ctx.db, app.id)).map(presentClientAssignment);
}
