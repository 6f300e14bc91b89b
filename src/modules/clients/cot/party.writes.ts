/**
 * The steps the COT use cases share once the application is locked: resolving a holding to an entity
 * of the application, and creating or removing a party's relationships through the subjects module
 * (so its rules and audit events apply) after the checks a client gets a clear 400 from: the 100%
 * ceiling of direct shares and ownership cycles.
 */
import type { Tx } from '../../../db/transaction.ts';
import type { Row } from '../../../db/types.ts';
import type { Ctx } from '../../../platform/context.ts';
import { AppError, validationError } from '../../../platform/errors.ts';
import {
  insertCheckedRelationship,
  lockSubject,
  removeRelationship,
  toShareUnits,
  type SubjectRow,
} from '../../subjects/index.ts';
import { ownsIndirectly } from './cot.repository.ts';
import { totalShareUnits } from '../../subjects/relationship.repository.ts';
import type { HoldingInput } from './cot.schema.ts';
import type { PartyGraph } from './party.graph.ts';
import {
  exceedsFullOwnership,
  type DesiredRelationship,
  type ExistingRelationship,
  type HoldingSpec,
} from './party.rules.ts';

/** Re-raises a validation error with its paths under `prefix` (the nested body object). */
export function underPath(prefix: string, err: unknown): unknown {
  if (!(err instanceof AppError) || err.code !== 'validation') return err;
  const errors = err.extra?.errors as { path: string; message: string }[] | undefined;
  if (!errors) return err;
  return new AppError('validation', err.message, {
    ...err.extra,
    errors: errors.map((e) => ({ ...e, path: `${prefix}/${e.path}` })),
  });
}

/**
 * The holding as ten-thousandths, in an entity of this application: the main subject unless another
 * party is named. Anything else (an id outside the application, whoever it belongs to) is the same 400.
 */
export function resolveHolding(graph: PartyGraph, h: HoldingInput, partyId: string | null): HoldingSpec {
  const owned = h.ownedSubjectId?.toLowerCase() ?? graph.main?.id ?? null;
  const links = owned ? graph.bySubject.get(owned) : undefined;
  const path = 'holding/ownedSubjectId';
  if (!owned || !links?.length)
    throw validationError('invalid holding', [{ path, message: 'not a party of this application' }]);
  if (owned === partyId)
    throw validationError('invalid holding', [{ path, message: 'a party cannot hold shares in itself' }]);
  if (links[0]!.subject.kind !== 'entity')
    throw validationError('invalid holding', [
      {
        path,
        message:
          h.ownedSubjectId === undefined
            ? 'the main subject is not a legal entity: name the entity the shares are held in'
            : 'shares are held in a legal entity',
      },
    ]);
  return {
    ownedSubjectId: owned,
    shareUnits: toShareUnits(h.sharePct, 'holding/sharePct'),
    votingUnits: h.votingPct === undefined ? null : toShareUnits(h.votingPct, 'holding/votingPct'),
  };
}

/** The party's relationships to subjects of the application, as the diff sees them. */
export function existingRelationshipsOf(graph: PartyGraph, partyId: string): ExistingRelationship[] {
  const units = (v: string | null) => (v === null ? null : Math.round(Number(v) * 10_000));
  return graph.relationships
    .filter((r) => r.from_subject_id === partyId)
    .map((r) => ({
      id: r.id,
      toSubjectId: r.to_subject_id,
      kind: r.kind as DesiredRelationship['kind'],
      shareUnits: units(r.share_pct),
      votingUnits: units(r.voting_pct),
    }));
}

/**
 * Removes, then creates, the party's relationships (removals first, so a changed percentage is
 * checked without the figure it replaces). Before each shareholding: the held entity is locked, the
 * direct shares held in it (by every shareholder, also outside the application) must stay at most
 * 100% (400 `shares_exceed_100`: the figures of other holders are not given), and the entity must
 * not already own the party (400 `ownership_cycle`). Returns the ids created and removed.
 */
export async function applyRelationshipChanges(
  tx: Tx,
  ctx: Ctx,
  party: SubjectRow,
  graph: PartyGraph,
  changes: { remove: readonly ExistingRelationship[]; create: readonly DesiredRelationship[] },
): Promise<{ added: string[]; removed: string[] }> {
  const removed: string[] = [];
  for (const e of changes.remove) {
    const row = graph.relationships.find((r) => r.id === e.id) as Row<'relationships'>;
    await removeRelationship(tx, ctx, row);
    removed.push(row.id);
  }
  const added: string[] = [];
  for (const d of changes.create) {
    const to = await lockSubject(tx, d.toSubjectId);
    if (!to)
      throw validationError('invalid holding', [{ path: 'holding/ownedSubjectId', message: 'not found' }]);
    if (d.kind === 'shareholder' && d.shareUnits !== null) {
      if (exceedsFullOwnership(await totalShareUnits(tx, to.id), d.shareUnits)) {
        throw new AppError('validation', `the direct shareholdings in ${to.display_name} would exceed 100%`, {
          reason: 'shares_exceed_100',
          errors: [
            {
              path: 'holding/sharePct',
              message: 'the direct shareholdings in this entity would exceed 100%',
            },
          ],
        });
      }
      if (await ownsIndirectly(tx, to.id, party.id)) {
        throw new AppError(
          'validation',
          `${to.display_name} already owns this party: that would be a cycle`,
          {
            reason: 'ownership_cycle',
            errors: [{ path: 'holding/ownedSubjectId', message: 'this entity already owns the party' }],
          },
        );
      }
    }
    const view = await insertCheckedRelationship(tx, ctx, {
      from: party,
      to,
      kind: d.kind,
      shareUnits: d.shareUnits,
      votingUnits: d.votingUnits,
    });
    added.push(view.id);
  }
  return { added, removed };
}
