/**
 * Reading a stored blob back as plaintext: the data key unwrapped from its row, the bytes read from
 * the blob store and decrypted segment by segment (src/platform/crypto/segmented.ts), so a byte is
 * released only after its segment's tag verified. Used by the viewer, the download, the archive
 * check and `dossier documents verify`.
 */
import { PassThrough, pipeline, type Readable } from 'node:stream';
import type { Keyring } from '../../platform/crypto/keyring.ts';
import { createDecryptStream, createRangeDecryptStream } from '../../platform/crypto/segmented.ts';
import type { BlobStore } from '../../platform/storage/blob-store.ts';

/** A stored blob's key material and sizes, as its row holds them. */
export interface SealedBlob {
  id: string;
  kekId: string;
  wrappedKey: Uint8Array;
  storedSize: number;
  plainSize: number;
}

/** A Readable now for a store read that resolves later (the decryptor wants a stream at once). */
function lazyRead(store: BlobStore, key: string, range?: { start: number; endInclusive: number }): Readable {
  const out = new PassThrough({ highWaterMark: 256 * 1024 });
  store.openRead(key, range).then(
    (src) => pipeline(src, out, () => undefined),
    (err: unknown) => out.destroy(err as Error),
  );
  return out;
}

export function unwrapBlobKey(keyring: Keyring, blob: SealedBlob): Buffer {
  return keyring.unwrapDataKey(blob.kekId, Buffer.from(blob.wrappedKey), blob.id);
}

/**
 * The plaintext of a stored blob, whole or the inclusive byte range. Integrity failures surface as
 * errors of the returned stream (SegmentedCipherError); nothing unauthenticated is emitted.
 */
export function openPlaintext(
  store: BlobStore,
  dataKey: Buffer,
  blob: Pick<SealedBlob, 'id' | 'storedSize'>,
  range?: { start: number; endInclusive: number },
): Readable {
  if (!range) {
    const decrypt = createDecryptStream({ dataKey, blobId: blob.id });
    return pipeline(lazyRead(store, blob.id), decrypt, () => undefined);
  }
  return createRangeDecryptStream({
    dataKey,
    blobId: blob.id,
    encryptedLength: blob.storedSize,
    readRange: (start, endInclusive) => lazyRead(store, blob.id, { start, endInclusive }),
    start: range.start,
    endInclusive: range.endInclusive,
  });
}
