import { inTransaction } from '../../db/transaction.ts';
import type { Ctx } from '../../platform/context.ts';
import { notFound, validationError } from '../../platform/errors.ts';
import type { CreateRelationshipBody, RelationshipView } from './relationship.schema.ts';
import { findVisibleSubject } from './find-visible-subject.ts';
import { insertCheckedRelationship, toShareUnits } from './subject.writes.ts';

export type CreateRelationshipInput = CreateRelationshipBody;

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
  const shareUnits = input.sharePct === undefined ? null : toShareUnits(input.sharePct, 'sharePct');
  const votingUnits = input.votingPct === undefined ? null : toShareUnits(input.votingPct, 'votingPct');

  return inTransaction(ctx.db, async (tx) => {
    const toRow = await findVisibleSubject(tx, ctx.actor, to, { forUpdate: true });
    const fromRow = await findVisibleSubject(tx, ctx.actor, from);
    if (!fromRow || !toRow) throw notFound('subject');
    return insertCheckedRelationship(tx, ctx, {
      from: fromRow,
      to: toRow,
      kind,
      shareUnits,
      votingUnits,
      title: input.title,
    });
  });
}
