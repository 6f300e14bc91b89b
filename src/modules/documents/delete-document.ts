import { inTransaction } from '../../db/transaction.ts';
import type { Ctx } from '../../platform/context.ts';
import { notFound } from '../../platform/errors.ts';
import { actorRef } from '../access/actor.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { findDocument } from './document.repository.ts';
import { documentScope } from './load-document-views.ts';

/**
 * Deletes a document: it disappears from every view at once and a tombstone stays (who, when,
 * why). Its data keys are destroyed when `retentionDays` have passed (destroy-documents.ts); until
 * then an administrator with database access can still prove what was held.
 */
export async function deleteDocument(
  ctx: Ctx,
  input: { id: string; reason: string; retentionDays: number },
): Promise<void> {
  await inTransaction(ctx.db, async (tx) => {
    const doc = await findDocument(tx, input.id, documentScope(ctx.actor), { forUpdate: true });
    if (!doc) throw notFound('document');
    const now = ctx.now();
    const destroyAfter = new Date(now.getTime() + input.retentionDays * 86_400_000);
    await tx
      .updateTable('documents')
      .set({
        deleted_at: now,
        deleted_by: actorRef(ctx.actor),
        delete_reason: input.reason,
        destroy_after: destroyAfter,
        version: doc.version + 1,
        updated_at: now,
      })
      .where('id', '=', doc.id)
      .execute();
    await appendAudit(tx, ctx, {
      type: 'document.deleted',
      target: { type: 'document', id: doc.id },
      payload: { destroyAfter: destroyAfter.toISOString(), versions: doc.current_version },
    });
  });
}
