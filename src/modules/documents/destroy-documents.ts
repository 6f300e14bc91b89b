/**
 * The end of a deleted document's retention: its data keys are destroyed (crypto-shredding), which
 * makes every copy of its ciphertext unreadable, backups of the blob store included; then the
 * objects are deleted. The key destruction and the audit event are one transaction; a failed object
 * delete only leaves unreadable bytes, which `dossier documents verify` lists as orphans.
 */
import { inTransaction } from '../../db/transaction.ts';
import type { Ctx } from '../../platform/context.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import type { DocumentServices } from './document.services.ts';
import { destroyBlobKeys, findDocumentsDueForDestruction } from './document.repository.ts';

export async function destroyDueDocuments(
  ctx: Pick<Ctx, 'db' | 'actor' | 'requestId' | 'now'>,
  services: DocumentServices,
): Promise<{ documents: number; blobs: number }> {
  let documents = 0;
  let blobs = 0;
  for (;;) {
    const due = await findDocumentsDueForDestruction(ctx.db, ctx.now(), 50);
    if (due.length === 0) break;
    for (const doc of due) {
      await inTransaction(ctx.db, async (tx) => {
        await destroyBlobKeys(tx, doc.blobIds, ctx.now());
        await tx.updateTable('documents').set({ destroyed_at: ctx.now() }).where('id', '=', doc.id).execute();
        await appendAudit(tx, ctx, {
          type: 'document.destroyed',
          target: { type: 'document', id: doc.id },
          payload: { blobs: doc.blobIds.length },
        });
      });
      for (const id of doc.blobIds) await services.store.delete(id).catch(() => undefined);
      documents++;
      blobs += doc.blobIds.length;
    }
  }
  return { documents, blobs };
}
