/**
 * Key rotation for documents: every data key still wrapped by an older key-encryption key is
 * re-wrapped by the active one. The bodies are not re-encrypted (the data keys do not change).
 * Batches are committed one by one and each row is updated only if it still holds the wrapping it
 * was read with, so a run killed half-way is resumed by running it again, and a server wrapping new
 * uploads meanwhile is never overwritten.
 */
import { sql } from 'kysely';
import { inTransaction } from '../../db/transaction.ts';
import type { Ctx } from '../../platform/context.ts';

export interface RewrapResult {
  activeKeyId: string;
  rewrapped: number;
  /** Data keys still wrapped by another key (0 when the run completed). */
  remaining: number;
  /**
   * Blobs whose data key could not be unwrapped (unknown key id, tampered wrapping): left as they
   * are and reported; `dossier documents verify` tells more.
   */
  failed: string[];
}

export async function countDataKeysNotWrappedBy(ctx: Pick<Ctx, 'db'>, kekId: string): Promise<number> {
  const r = await ctx.db
    .selectFrom('document_blobs')
    .select(sql<string>`count(*)`.as('n'))
    .where('kek_id', 'is not', null)
    .where('kek_id', '<>', kekId)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** How many data keys each key-encryption key wraps. */
export async function dataKeysByKek(ctx: Pick<Ctx, 'db'>): Promise<Map<string, number>> {
  const rows = await ctx.db
    .selectFrom('document_blobs')
    .select(['kek_id', sql<string>`count(*)`.as('n')])
    .where('kek_id', 'is not', null)
    .groupBy('kek_id')
    .execute();
  return new Map(rows.map((r) => [r.kek_id!, Number(r.n)]));
}

export async function rewrapDataKeys(
  ctx: Pick<Ctx, 'db' | 'keyring'>,
  opts: { batchSize?: number; maxBatches?: number; onBatch?: (done: number) => void } = {},
): Promise<RewrapResult> {
  const active = ctx.keyring.activeKeyId('kek');
  const batchSize = opts.batchSize ?? 200;
  let rewrapped = 0;
  let batches = 0;
  const failed: string[] = [];
  let after = '00000000-0000-0000-0000-000000000000';
  while (opts.maxBatches === undefined || batches < opts.maxBatches) {
    const rows = await ctx.db
      .selectFrom('document_blobs')
      .select(['id', 'kek_id', 'wrapped_key'])
      .where('kek_id', 'is not', null)
      .where('kek_id', '<>', active)
      .where('id', '>', after)
      .orderBy('id')
      .limit(batchSize)
      .execute();
    if (rows.length === 0) break;
    await inTransaction(ctx.db, async (tx) => {
      for (const row of rows) {
        let dataKey: Buffer;
        try {
          dataKey = ctx.keyring.unwrapDataKey(row.kek_id!, Buffer.from(row.wrapped_key!), row.id);
        } catch {
          failed.push(row.id);
          continue;
        }
        const { kekId, wrapped } = ctx.keyring.wrapDataKey(dataKey, row.id);
        dataKey.fill(0);
        const r = await tx
          .updateTable('document_blobs')
          .set({ kek_id: kekId, wrapped_key: wrapped })
          .where('id', '=', row.id)
          .where('kek_id', '=', row.kek_id)
          .executeTakeFirst();
        rewrapped += Number(r.numUpdatedRows);
      }
    });
    after = rows.at(-1)!.id;
    batches++;
    opts.onBatch?.(rewrapped);
  }
  return {
    activeKeyId: active,
    rewrapped,
    remaining: await countDataKeysNotWrappedBy(ctx, active),
    failed,
  };
}
