import type { Ctx } from '../../../platform/context.ts';
import { findClientApplication } from '../client-access.ts';
import type { ClientActor } from '../client-session.ts';
import type { ClientPartyList } from './cot.schema.ts';
import { changeRefusalOf } from './party.access.ts';
import { loadPartyGraph, presentParties } from './party.graph.ts';

/**
 * The parties of one of the organisation's applications (another organisation's: 404), main subject
 * first, each with its roles, who added it (the organisation or the firm), its holdings in the other
 * parties, and whether this user may change it now; `changes` says whether the application accepts
 * party changes from the portal at all. Read-only users may list.
 */
export async function listClientParties(
  ctx: Ctx,
  actor: ClientActor,
  applicationId: string,
): Promise<ClientPartyList> {
  const app = await findClientApplication(ctx, actor, applicationId, 'read');
  const refusal = await changeRefusalOf(ctx.db, app.id);
  const graph = await loadPartyGraph(ctx.db, app.id);
  const items = await presentParties(ctx.db, ctx.keyring, graph, {
    organisationId: actor.organisationId,
    mayChange: refusal === null && actor.role !== 'read_only',
  });
  return { items, changes: { allowed: refusal === null, reason: refusal } };
}
