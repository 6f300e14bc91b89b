/**
 * Where document bytes live: a small interface so the local filesystem store (fs-blob-store.ts) can be
 * joined by an S3-compatible one without touching callers. Stores hold opaque bytes (already
 * encrypted by src/platform/crypto/segmented.ts); they know nothing of subjects or documents.
 *
 * Contract for every implementation:
 * - Keys are server-generated UUIDs (lowercase, canonical form) and nothing else, so a key can never
 *   name a path or a prefix outside the store; anything else is refused with a TypeError.
 * - A write is invisible (to openRead, size and list) until commit() succeeds; commit makes the whole
 *   object visible atomically and refuses to replace an existing object (keys are never reused).
 *   On S3 this maps to a multipart upload completed by commit() and aborted by abort(); the
 *   "temporary objects" are incomplete multipart uploads.
 * - After a crash, uncommitted leftovers are found with listTemporary() and removed with delete().
 */
import type { Readable, Writable } from 'node:stream';

export interface BlobWriter {
  /** Write the object's bytes here (e.g. as the last stage of a pipeline). */
  readonly stream: Writable;
  /** Ends the stream if needed, makes the object durable and visible; rejects if any write failed. */
  commit(): Promise<{ size: number }>;
  /** Discards the write; nothing becomes visible. Safe to call more than once or after a failure. */
  abort(): Promise<void>;
}

export interface BlobStore {
  /** Short name of the implementation, for logs and health output ("fs", "s3"). */
  readonly kind: string;
  /** Starts writing a new object to a temporary location; see BlobWriter. */
  createWriter(key: string): Promise<BlobWriter>;
  /** Reads a committed object, or bytes [start, endInclusive] of it. Throws BlobNotFoundError. */
  openRead(key: string, range?: { start: number; endInclusive: number }): Promise<Readable>;
  /** Size of a committed object, or null if there is none. */
  size(key: string): Promise<number | null>;
  /** Removes the object and any temporary objects of this key; succeeds if there is nothing. */
  delete(key: string): Promise<void>;
  /** Committed objects (order unspecified). */
  list(): AsyncIterable<{ key: string; size: number; modifiedAt: Date }>;
  /** Uncommitted leftovers (crashed or in-flight writes); a key may appear more than once. */
  listTemporary(): AsyncIterable<{ key: string; modifiedAt: Date }>;
}

/** No committed object has this key (maps to "not found"). */
export class BlobNotFoundError extends Error {
  override name = 'BlobNotFoundError';
  constructor(key: string) {
    super(`blob not found: ${key}`);
  }
}

/** The only keys a store accepts: canonical lowercase UUIDs (no case aliasing, no path characters). */
export const BLOB_KEY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Throws a TypeError unless `key` is a valid blob key. */
export function assertBlobKey(key: string): void {
  if (typeof key !== 'string' || !BLOB_KEY.test(key)) throw new TypeError('blob store: invalid key');
}
