import { inTransaction } from '../../db/transaction.ts';
import type { Ctx } from '../../platform/context.ts';
import { notFound } from '../../platform/errors.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { presentRelationship } from './relationship.presenter.ts';
import { deleteRelationshipRow, findRelationship } from './relationship.repository.ts';
import type { RelationshipView } from './relationship.schema.ts';

/** Removes a relationship; the audit event keeps what it was. */
export async function deleteRelationship(ctx: Ctx, input: { id: string }): Promise<RelationshipView> {
  return inTransaction(ctx.db, async (tx) => {
    const row = await findRelationship(tx, input.id);
    if (!row) throw notFound('relationship');
    await deleteRelationshipRow(tx, row.id);
    const view = presentRelationship(row);
    await appendAudit(tx, ctx, {
      type: 'relationship.deleted',
      target: { type: 'relationship', id: row.id },
      payload: {
        from: row.from_subject_id,
        to: row.to_subject_id,
        kind: row.kind,
        sharePct: view.sharePct,
        votingPct: view.votingPct,
      },
    });
    return view;
  });
}
