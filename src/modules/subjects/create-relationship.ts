import { randomUUID } from 'node:crypto';
import { inTransaction } from '../../db/transaction.ts';
import type { Ctx } from '../../platform/context.ts';
import { AppError, notFound, validationError } from '../../platform/errors.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { presentRelationship } from './relationship.presenter.ts';
import { insertRelationship, relationshipExists, totalShareUnits } from './relationship.repository.ts';
import type { CreateRelationshipBody, RelationshipView } from './relationship.schema.ts';
import { findVisibleSubject } from './find-visible-subject.ts';

export type CreateRelationshipInput = CreateRelationshipBody;

const UNITS = 10_000;

/** Percent as ten-thousandths, refusing more precision than numeric(7,4) keeps. */
function toUnits(value: number, path: string): number {
  const units = Math.round(value * UNITS);
  if (Math.abs(value * UNITS - units) > 1e-6)
    throw validationError('invalid relationship', [{ path, message: 'at most 4 decimals' }]);
  return units;
}

/**
 * Links two subjects. The held side is always a legal entity; a declared UBO is a natural person;
 * only shareholders carry percentages (sharePct required); the direct shares held in one entity
 * never exceed 100%. The entity row is locked so two concurrent shareholdings cannot both pass
 * that check. Both subjects must be visible to the actor (404 otherwise, as for a missing one).
 */
export async function createRelationship(
  ctx: Ctx,
  input: CreateRelationshipInput,
): Promise<RelationshipView> {
  const { fromSubjectId: from, toSubjectId: to, kind } = input;
  if (from === to)
    throw validationError('a subject cannot be related to itself', [
      { path: 'toSubjectId', message: 'same as fromSubjectId' },
    ]);
  const problems: { path: string; message: string }[] = [];
  if (kind === 'shareholder' && input.sharePct === undefined)
    problems.push({ path: 'sharePct', message: 'required for a shareholder' });
  if (kind !== 'shareholder') {
    if (input.sharePct !== undefined) problems.push({ path: 'sharePct', message: 'only for a shareholder' });
    if (input.votingPct !== undefined)
      problems.push({ path: 'votingPct', message: 'only for a shareholder' });
  }
  if (problems.length) throw validationError('invalid relationship', problems);
  const shareUnits = input.sharePct === undefined ? null : toUnits(input.sharePct, 'sharePct');
  const votingUnits = input.votingPct === undefined ? null : toUnits(input.votingPct, 'votingPct');

  return inTransaction(ctx.db, async (tx) => {
    const toRow = await findVisibleSubject(tx, ctx.actor, to, { forUpdate: true });
    const fromRow = await findVisibleSubject(tx, ctx.actor, from);
    if (!fromRow || !toRow) throw notFound('subject');
    if (toRow.kind !== 'entity')
      throw validationError('invalid relationship', [
        { path: 'toSubjectId', message: 'must be a legal entity' },
      ]);
    if (kind === 'ubo' && fromRow.kind !== 'person') {
      throw validationError('invalid relationship', [
        { path: 'fromSubjectId', message: 'a UBO must be a natural person' },
      ]);
    }
    if (await relationshipExists(tx, from, to, kind))
      throw new AppError('conflict', `this ${kind} relationship already exists`);
    if (shareUnits !== null && (await totalShareUnits(tx, to)) + shareUnits > 100 * UNITS) {
      throw new AppError('conflict', 'the direct shareholdings in this entity would exceed 100%');
    }
    const row = await insertRelationship(tx, {
      id: randomUUID(),
      from_subject_id: from,
      to_subject_id: to,
      kind,
      share_pct: shareUnits === null ? null : (shareUnits / UNITS).toFixed(4),
      voting_pct: votingUnits === null ? null : (votingUnits / UNITS).toFixed(4),
      title: input.title ?? null,
      created_at: ctx.now(),
    });
    const view = presentRelationship(row);
    await appendAudit(tx, ctx, {
      type: 'relationship.created',
      target: { type: 'relationship', id: row.id },
      payload: { from, to, kind, sharePct: view.sharePct, votingPct: view.votingPct },
    });
    return view;
  });
}
