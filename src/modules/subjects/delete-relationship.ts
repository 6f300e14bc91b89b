import { inTransaction } from '../../db/transaction.ts';
import type { Ctx } from '../../platform/context.ts';
import { notFound } from '../../platform/errors.ts';
import { findRelationship } from './relationship.repository.ts';
import { visibleSubjectIds } from './find-visible-subject.ts';
import type { RelationshipView } from './relationship.schema.ts';
import { removeRelationship } from './subject.writes.ts';

/**
 * Removes a relationship; the audit event keeps what it was. Both subjects must be visible to the
 * actor (the relationship is a 404 otherwise, as for a missing one).
 */
export async function deleteRelationship(ctx: Ctx, input: { id: string }): Promise<RelationshipView> {
  return inTransaction(ctx.db, async (tx) => {
    const row = await findRelationship(tx, input.id);
    const ends = row ? [row.from_subject_id, row.to_subject_id] : [];
    const visible = await visibleSubjectIds(tx, ctx.actor, ends);
    if (!row || !ends.every((id) => visible.has(id))) throw notFound('relationship');
    return removeRelationship(tx, ctx, row);
  });
}
