import type { Ctx } from '../../platform/context.ts';
import { findClientApplication } from '../clients/client-access.ts';
import type { ClientActor } from '../clients/client-session.ts';
import { listOpenQuestionnaires } from './open-questionnaires.ts';
import { openRequestItems } from './open-request-items.ts';
import type { MissingView } from './request.schema.ts';

/**
 * What is still missing on one application of the client's organisation (another organisation's is
 * "not found"): the incomplete items of its open requests and its questionnaires not submitted yet.
 */
export async function getMissing(ctx: Ctx, actor: ClientActor, applicationId: string): Promise<MissingView> {
  const app = await findClientApplication(ctx, actor, applicationId, 'read');
  const { requestItems, items } = await openRequestItems(ctx, actor, app.id);
  return {
    applicationId: app.id,
    requestItems,
    questionnaires: await listOpenQuestionnaires(ctx, actor, { applicationId: app.id, requestItems: items }),
  };
}
