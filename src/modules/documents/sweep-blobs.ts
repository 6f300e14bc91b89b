/**
 * Housekeeping of the blob store: uploads abandoned by a crash or kill (pending rows whose lease ran
 * out, or every pending row when the caller knows no uploader can be alive, as on the embedded
 * database at start), and leftover temporary objects without a pending row. Each removal deletes
 * the object first and the row second, so an interruption leaves the row to retry with.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import type { Ctx } from '../../platform/context.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import type { DocumentServices } from './document.services.ts';
import { findAbandonedBlobs } from './document.repository.ts';
import { discardBlob } from './upload/store-upload.ts';

export async function sweepAbandonedUploads(
  ctx: Pick<Ctx, 'db' | 'actor' | 'requestId' | 'now'>,
  services: DocumentServices,
  opts: { all?: boolean } = {},
): Promise<{ blobs: number; temporary: number }> {
  const db: Kysely<DB> = ctx.db;
  const swept: string[] = [];
  for (;;) {
    const ids = await findAbandonedBlobs(db, { now: ctx.now(), all: opts.all === true, limit: 100 });
    const fresh = ids.filter((id) => !swept.includes(id));
    if (fresh.length === 0) break;
    for (const id of fresh) {
      await discardBlob(db, services, id);
      swept.push(id);
    }
  }
  // Temporary objects whose pending row is gone (the row was removed, the object's delete failed).
  let temporary = 0;
  const cutoff = ctx.now().getTime() - services.settings.uploadLeaseSeconds * 1000;
  for await (const t of services.store.listTemporary()) {
    if (t.modifiedAt.getTime() > cutoff && opts.all !== true) continue;
    const row = await db
      .selectFrom('document_blobs')
      .select('state')
      .where('id', '=', t.key)
      .executeTakeFirst();
    if (row?.state === 'pending' && opts.all !== true) continue;
    if (row?.state === 'stored') continue;
    await services.store.delete(t.key);
    temporary++;
  }
  if (swept.length > 0)
    await recordAudit(db, ctx, {
      type: 'document.uploads_swept',
      target: { type: 'system', id: 'documents' },
      payload: { blobIds: swept },
    });
  return { blobs: swept.length, temporary };
}
