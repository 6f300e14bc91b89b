/**
 * `dossier documents verify`: every stored blob is read back whole, its data key unwrapped and every
 * segment decrypted and authenticated, and the plaintext's length and SHA-256 compared with what
 * was recorded at upload. Also reports objects in the store that no stored blob owns (orphans) and
 * stored blobs whose object is missing. Nothing is changed.
 */
import { createHash } from 'node:crypto';
import type { Ctx } from '../../platform/context.ts';
import { openPlaintext, unwrapBlobKey } from './blob-access.ts';
import type { DocumentServices } from './document.services.ts';

export interface VerifyFailure {
  blobId: string;
  documentId: string | null;
  version: number | null;
  problem: 'missing' | 'size' | 'key' | 'content' | 'digest';
}

export interface VerifyReport {
  checked: number;
  failures: VerifyFailure[];
  orphans: string[];
}

export async function verifyDocuments(
  ctx: Pick<Ctx, 'db' | 'keyring'>,
  services: DocumentServices,
  opts: { onChecked?: (n: number) => void } = {},
): Promise<VerifyReport> {
  const failures: VerifyFailure[] = [];
  let checked = 0;
  let after = '00000000-0000-0000-0000-000000000000';
  const stored = new Set<string>();
  for (;;) {
    const rows = await ctx.db
      .selectFrom('document_blobs as b')
      .leftJoin('document_versions as v', 'v.blob_id', 'b.id')
      .select([
        'b.id',
        'b.kek_id',
        'b.wrapped_key',
        'b.plain_size',
        'b.stored_size',
        'b.sha256',
        'v.document_id',
        'v.number',
      ])
      .where('b.state', '=', 'stored')
      .where('b.id', '>', after)
      .orderBy('b.id')
      .limit(100)
      .execute();
    if (rows.length === 0) break;
    for (const row of rows) {
      stored.add(row.id);
      const fail = (problem: VerifyFailure['problem']) =>
        failures.push({ blobId: row.id, documentId: row.document_id, version: row.number, problem });
      checked++;
      const size = await services.store.size(row.id);
      const storedSize = Number(row.stored_size);
      if (size === null) {
        fail('missing');
        continue;
      }
      if (size !== storedSize) {
        fail('size');
        continue;
      }
      let dataKey: Buffer;
      try {
        dataKey = unwrapBlobKey(ctx.keyring, {
          id: row.id,
          kekId: row.kek_id!,
          wrappedKey: row.wrapped_key!,
          storedSize,
          plainSize: Number(row.plain_size),
        });
      } catch {
        fail('key');
        continue;
      }
      const hash = createHash('sha256');
      let length = 0;
      try {
        for await (const chunk of openPlaintext(services.store, dataKey, { id: row.id, storedSize })) {
          hash.update(chunk as Buffer);
          length += (chunk as Buffer).length;
        }
      } catch {
        fail('content');
        continue;
      }
      if (length !== Number(row.plain_size) || !hash.digest().equals(Buffer.from(row.sha256!)))
        fail('digest');
      opts.onChecked?.(checked);
    }
    after = rows.at(-1)!.id;
  }
  const orphans: string[] = [];
  for await (const obj of services.store.list()) if (!stored.has(obj.key)) orphans.push(obj.key);
  return { checked, failures, orphans };
}
