import { inTransaction } from '../../../db/transaction.ts';
import type { Ctx } from '../../../platform/context.ts';
import { AppError, notFound } from '../../../platform/errors.ts';
import { appendAudit } from '../../audit/audit.repository.ts';
import type { ClientActor } from '../client-session.ts';
import { bumpApplication, deleteLinks } from './cot.repository.ts';
import { lockApplicationForPartyChange, staffPartyError } from './party.access.ts';
import { addedByOrganisation, loadPartyGraph } from './party.graph.ts';
import { applyRelationshipChanges, existingRelationshipsOf } from './party.writes.ts';

/** The application and the party (its subject id). */
export interface RemoveClientPartyInput {
  applicationId: string;
  subjectId: string;
}

/**
 * A client user removes a party their organisation added (404 / 403 `staff_added` as for a change),
 * while the application is open to client changes: its roles on the application and its
 * relationships to the application's other subjects go (`application.subject_removed`,
 * `relationship.deleted`, `application.client_party_removed`). A party another party of the
 * application holds shares in or is related to is a 409 `party_in_use`: change that party first.
 *
 * The subject itself stays, detached: its history (audit events, screening, documents staff may have
 * attached) keeps pointing at a real record, and staff may still need it. Deleting it is a staff
 * decision, never a portal one.
 */
export async function removeClientParty(
  ctx: Ctx,
  actor: ClientActor,
  input: RemoveClientPartyInput,
): Promise<void> {
  const subjectId = input.subjectId.toLowerCase();
  await inTransaction(ctx.db, async (tx) => {
    const app = await lockApplicationForPartyChange(tx, actor, input.applicationId);
    const graph = await loadPartyGraph(tx, app.id);
    const links = graph.bySubject.get(subjectId);
    if (!links?.length) throw notFound('party');
    if (!addedByOrganisation(links, actor.organisationId)) throw staffPartyError();
    if (graph.relationships.some((r) => r.to_subject_id === subjectId && r.from_subject_id !== subjectId))
      throw new AppError(
        'conflict',
        'another party of this application holds shares in or is related to this party: change that party first',
        { reason: 'party_in_use' },
      );
    const party = links[0]!.subject;
    const { removed } = await applyRelationshipChanges(tx, ctx, party, graph, {
      remove: existingRelationshipsOf(graph, subjectId),
      create: [],
    });
    const roles = links.map((l) => l.role);
    await deleteLinks(tx, app.id, subjectId, roles);
    for (const role of roles)
      await appendAudit(tx, ctx, {
        type: 'application.subject_removed',
        target: { type: 'application', id: app.id },
        payload: { subjectId, role },
      });
    await bumpApplication(tx, app.id, ctx.now());
    await appendAudit(tx, ctx, {
      type: 'application.client_party_removed',
      target: { type: 'application', id: app.id },
      payload: { subjectId, roles, relationshipsRemoved: removed },
    });
  });
}
