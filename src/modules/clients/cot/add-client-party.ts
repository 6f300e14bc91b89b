import { inTransaction } from '../../../db/transaction.ts';
import type { Ctx } from '../../../platform/context.ts';
import { validationError } from '../../../platform/errors.ts';
import { actorRef } from '../../access/actor.ts';
import { appendAudit } from '../../audit/audit.repository.ts';
import { findProbableDuplicates, insertPreparedSubject, prepareNewSubject } from '../../subjects/index.ts';
import type { ClientActor } from '../client-session.ts';
import { bumpApplication, insertClientLinks } from './cot.repository.ts';
import type { AddClientPartyBody, ClientPartyView } from './cot.schema.ts';
import { lockApplicationForPartyChange } from './party.access.ts';
import { loadPartyGraph, presentParties } from './party.graph.ts';
import { desiredRelationships, partyShapeProblems } from './party.rules.ts';
import { applyRelationshipChanges, resolveHolding, underPath } from './party.writes.ts';

/** The application, and the party to add. */
export type AddClientPartyInput = AddClientPartyBody & { applicationId: string };

/**
 * A client user adds a related party to one of the organisation's applications, in one transaction:
 * a NEW subject in the application's programme, created through the subjects module (its validation,
 * normalisation, identifier encryption and `subject.created` event, with the client as actor); its
 * roles on the application (marked as added by the client); the relationships the roles and holding
 * stand for (`relationship.created`); and `application.client_party_added`.
 *
 * A client never reuses an existing subject and never learns whether one exists: the probable
 * duplicates are looked for among every subject, recorded for staff (in `subject.created` and
 * `application.client_party_added`), and the answer is the same with or without them.
 */
export async function addClientParty(
  ctx: Ctx,
  actor: ClientActor,
  input: AddClientPartyInput,
): Promise<ClientPartyView> {
  let prepared;
  try {
    prepared = prepareNewSubject(input.subject, ctx.now());
  } catch (err) {
    throw underPath('subject', err);
  }
  const roles = [...new Set(input.roles)];
  const problems = partyShapeProblems({
    subjectId: null,
    kind: prepared.kind,
    roles,
    holding: input.holding ? { ownedSubjectId: input.holding.ownedSubjectId ?? null } : null,
  });
  if (problems.length) throw validationError('invalid party', problems);

  return inTransaction(ctx.db, async (tx) => {
    const app = await lockApplicationForPartyChange(tx, actor, input.applicationId);
    const graph = await loadPartyGraph(tx, app.id);
    const holdings = input.holding ? [resolveHolding(graph, input.holding, null)] : [];
    const duplicates = (await findProbableDuplicates(tx, ctx.keyring, prepared, null)).map((d) => d.id);
    const { row } = await insertPreparedSubject(tx, ctx, prepared, {
      programmeId: app.programme_id,
      ignoredDuplicates: duplicates,
    });
    const now = ctx.now();
    await insertClientLinks(
      tx,
      roles.map((role) => ({ application_id: app.id, subject_id: row.id, role, created_at: now })),
      { actorRef: actorRef(actor), organisationId: actor.organisationId },
    );
    for (const role of roles)
      await appendAudit(tx, ctx, {
        type: 'application.subject_added',
        target: { type: 'application', id: app.id },
        payload: { subjectId: row.id, role },
      });
    const desired = desiredRelationships({
      roles,
      holdings,
      main: graph.main ? { id: graph.main.id, kind: graph.main.kind } : null,
      subjectId: row.id,
    });
    const { added } = await applyRelationshipChanges(tx, ctx, row, graph, { remove: [], create: desired });
    await bumpApplication(tx, app.id, now);
    await appendAudit(tx, ctx, {
      type: 'application.client_party_added',
      target: { type: 'application', id: app.id },
      payload: { subjectId: row.id, roles, relationships: added, possibleDuplicates: duplicates },
    });
    const [view] = await presentParties(tx, ctx.keyring, await loadPartyGraph(tx, app.id), {
      organisationId: actor.organisationId,
      mayChange: true,
      only: row.id,
    });
    return view!;
  });
}
