import { inTransaction } from '../../../db/transaction.ts';
import type { Ctx } from '../../../platform/context.ts';
import { AppError, notFound, validationError } from '../../../platform/errors.ts';
import { actorRef } from '../../access/actor.ts';
import { appendAudit } from '../../audit/audit.repository.ts';
import { lockSubject, patchSubject } from '../../subjects/index.ts';
import type { ClientActor } from '../client-session.ts';
import { bumpApplication, deleteLinks, insertClientLinks } from './cot.repository.ts';
import {
  CLIENT_PARTY_ROLES,
  type ClientPartyRole,
  type ClientPartyView,
  type UpdateClientPartyBody,
} from './cot.schema.ts';
import { lockApplicationForPartyChange, staffPartyError } from './party.access.ts';
import { addedByOrganisation, loadPartyGraph, presentParties } from './party.graph.ts';
import {
  desiredRelationships,
  diffRelationships,
  diffRoles,
  partyShapeProblems,
  type HoldingSpec,
} from './party.rules.ts';
import {
  applyRelationshipChanges,
  existingRelationshipsOf,
  resolveHolding,
  underPath,
} from './party.writes.ts';

/** The application, the party (its subject id) and the changes. */
export type UpdateClientPartyInput = UpdateClientPartyBody & { applicationId: string; subjectId: string };

const isClientRole = (r: string): r is ClientPartyRole =>
  (CLIENT_PARTY_ROLES as readonly string[]).includes(r);

/**
 * A client user changes a party their organisation added (a party of another application, or one
 * that does not exist, is a 404; one the firm's staff added is a 403 `staff_added`), while the
 * application is open to client changes. In one transaction: the subject's fields through the
 * subjects module (`subject.updated`, optimistic lock on `version`), the roles (`roles` replaces
 * them), the holding (`holding` replaces it, null removes it; a changed percentage removes the old
 * relationship and creates the new one), and `application.client_party_updated`. A request that
 * changes nothing writes nothing.
 */
export async function updateClientParty(
  ctx: Ctx,
  actor: ClientActor,
  input: UpdateClientPartyInput,
): Promise<ClientPartyView> {
  const subjectId = input.subjectId.toLowerCase();
  return inTransaction(ctx.db, async (tx) => {
    const app = await lockApplicationForPartyChange(tx, actor, input.applicationId);
    const graph = await loadPartyGraph(tx, app.id);
    const links = graph.bySubject.get(subjectId);
    if (!links?.length) throw notFound('party');
    if (!addedByOrganisation(links, actor.organisationId)) throw staffPartyError();
    const row = await lockSubject(tx, subjectId);
    if (!row) throw notFound('party');
    if (row.version !== input.version)
      throw new AppError('version_conflict', 'the party was changed by someone else; reload and retry', {
        currentVersion: row.version,
      });

    const currentRoles = links.map((l) => l.role).filter(isClientRole);
    const roles = input.roles ? [...new Set(input.roles)] : currentRoles;
    const existing = existingRelationshipsOf(graph, subjectId);
    const holdings: HoldingSpec[] =
      input.holding === undefined
        ? existing
            .filter((e) => e.kind === 'shareholder' && e.shareUnits !== null)
            .map((e) => ({
              ownedSubjectId: e.toSubjectId,
              shareUnits: e.shareUnits!,
              votingUnits: e.votingUnits,
            }))
        : input.holding === null
          ? []
          : [resolveHolding(graph, input.holding, subjectId)];
    const problems = partyShapeProblems({
      subjectId,
      kind: row.kind,
      roles,
      holding: holdings[0] ? { ownedSubjectId: holdings[0].ownedSubjectId } : null,
    });
    if (problems.length) throw validationError('invalid party', problems);

    let fields: string[] = [];
    let subject = row;
    if (input.subject) {
      try {
        ({ row: subject, fields } = await patchSubject(tx, ctx, row, input.subject));
      } catch (err) {
        throw underPath('subject', err);
      }
    }
    const roleChanges = diffRoles(currentRoles, roles);
    const now = ctx.now();
    await deleteLinks(tx, app.id, subjectId, roleChanges.remove);
    await insertClientLinks(
      tx,
      roleChanges.add.map((role) => ({
        application_id: app.id,
        subject_id: subjectId,
        role,
        created_at: now,
      })),
      { actorRef: actorRef(actor), organisationId: actor.organisationId },
    );
    for (const role of roleChanges.remove)
      await appendAudit(tx, ctx, {
        type: 'application.subject_removed',
        target: { type: 'application', id: app.id },
        payload: { subjectId, role },
      });
    for (const role of roleChanges.add)
      await appendAudit(tx, ctx, {
        type: 'application.subject_added',
        target: { type: 'application', id: app.id },
        payload: { subjectId, role },
      });
    const desired = desiredRelationships({
      roles,
      holdings,
      main: graph.main ? { id: graph.main.id, kind: graph.main.kind } : null,
      subjectId,
    });
    const { added, removed } = await applyRelationshipChanges(
      tx,
      ctx,
      subject,
      graph,
      diffRelationships(existing, desired),
    );
    if (
      fields.length ||
      roleChanges.add.length ||
      roleChanges.remove.length ||
      added.length ||
      removed.length
    ) {
      await bumpApplication(tx, app.id, now);
      await appendAudit(tx, ctx, {
        type: 'application.client_party_updated',
        target: { type: 'application', id: app.id },
        payload: {
          subjectId,
          fields: [...fields].sort(),
          rolesAdded: roleChanges.add,
          rolesRemoved: roleChanges.remove,
          relationshipsAdded: added,
          relationshipsRemoved: removed,
        },
      });
    }
    const [view] = await presentParties(tx, ctx.keyring, await loadPartyGraph(tx, app.id), {
      organisationId: actor.organisationId,
      mayChange: true,
      only: subjectId,
    });
    return view!;
  });
}
