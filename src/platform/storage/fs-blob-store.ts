/**
 * The blob store on the local filesystem (see blob-store.ts for the contract). Layout under `root`:
 *   tmp/<key>.<random>.part   a write in progress (0600), invisible to readers
 *   blobs/<key[0..2]>/<key>   a committed object (0400), fanned out so no directory grows huge
 * Both directories are 0700: only the service account reads documents. Commit is fsync of the file,
 * then link() into place (which, unlike rename(), refuses to replace an existing object) and fsync of
 * the directory, so a committed object survives a crash and a crash never leaves a partial object
 * visible. Keys are checked against a strict UUID pattern before any path is built.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync } from 'node:fs';
import { link, mkdir, open, readdir, stat, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { assertBlobKey, BLOB_KEY, BlobNotFoundError, type BlobStore, type BlobWriter } from './blob-store.ts';

const TEMP_NAME = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.[0-9a-f]{16}\.part$/;

function isNotFound(err: unknown): boolean {
  return (err as NodeJS.ErrnoException)?.code === 'ENOENT';
}

async function unlinkIfExists(path: string): Promise<boolean> {
  try {
    await unlink(path);
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

/** Makes a directory's entries (a link, an unlink) durable. */
async function syncDir(path: string): Promise<void> {
  const dir = await open(path, 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

class FsBlobWriter implements BlobWriter {
  readonly stream: Writable;
  readonly #handle: FileHandle;
  readonly #tmp: string;
  readonly #store: { blobs: string; dir: string; final: string };
  #state: 'open' | 'committing' | 'committed' | 'aborted' = 'open';
  #error: Error | undefined;

  constructor(handle: FileHandle, tmp: string, store: { blobs: string; dir: string; final: string }) {
    this.#handle = handle;
    this.#tmp = tmp;
    this.#store = store;
    // The handle is closed by commit/abort, after fsync: the stream must not close it on finish.
    this.stream = handle.createWriteStream({ autoClose: false });
    // Remember a write error for commit(); a listener also keeps it from crashing the process.
    this.stream.on('error', (err) => {
      this.#error ??= err;
    });
  }

  async commit(): Promise<{ size: number }> {
    if (this.#state !== 'open') throw new Error(`blob writer: cannot commit, already ${this.#state}`);
    this.#state = 'committing';
    try {
      if (!this.stream.writableEnded) this.stream.end();
      await finished(this.stream);
      if (this.#error) throw this.#error;
      await this.#handle.sync();
      const { size } = await this.#handle.stat();
      await this.#handle.chmod(0o400);
      // The stream holds a reference on the handle (close() would wait for it) and destroying a
      // FileHandle stream closes the handle; close() then only confirms.
      this.stream.destroy();
      await this.#handle.close();
      const created = await mkdir(this.#store.dir, { mode: 0o700, recursive: true });
      try {
        await link(this.#tmp, this.#store.final);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST')
          throw new Error('blob store: key already exists', { cause: err });
        throw err;
      }
      this.#state = 'committed';
      await syncDir(this.#store.dir);
      if (created) await syncDir(this.#store.blobs);
      // The object is committed; a temp name left by a failure here is only a leftover.
      await unlinkIfExists(this.#tmp).catch(() => false);
      return { size };
    } catch (err) {
      if (this.#state === 'committed') throw err;
      this.#state = 'aborted';
      await this.#discard();
      throw err;
    }
  }

  async abort(): Promise<void> {
    // Never undoes a commit; otherwise idempotent.
    if (this.#state === 'committed' || this.#state === 'aborted') return;
    this.#state = 'aborted';
    await this.#discard();
  }

  async #discard(): Promise<void> {
    this.stream.destroy();
    await this.#handle.close().catch(() => undefined);
    await unlinkIfExists(this.#tmp).catch(() => false);
  }
}

export class FsBlobStore implements BlobStore {
  readonly kind = 'fs';
  readonly #blobs: string;
  readonly #tmp: string;

  constructor(root: string) {
    this.#blobs = join(root, 'blobs');
    this.#tmp = join(root, 'tmp');
    for (const dir of [this.#blobs, this.#tmp]) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      chmodSync(dir, 0o700); // also tightens a directory that already existed
    }
  }

  #dirOf(key: string): string {
    assertBlobKey(key);
    return join(this.#blobs, key.slice(0, 2));
  }

  #pathOf(key: string): string {
    return join(this.#dirOf(key), key);
  }

  async createWriter(key: string): Promise<BlobWriter> {
    const dir = this.#dirOf(key);
    const tmp = join(this.#tmp, `${key}.${randomBytes(8).toString('hex')}.part`);
    const handle = await open(tmp, 'wx', 0o600);
    return new FsBlobWriter(handle, tmp, { blobs: this.#blobs, dir, final: join(dir, key) });
  }

  async openRead(key: string, range?: { start: number; endInclusive: number }): Promise<Readable> {
    const path = this.#pathOf(key);
    if (range) {
      const { start, endInclusive } = range;
      if (
        !Number.isSafeInteger(start) ||
        !Number.isSafeInteger(endInclusive) ||
        start < 0 ||
        endInclusive < start
      ) {
        throw new RangeError('blob store: bad range');
      }
    }
    let handle: FileHandle;
    try {
      handle = await open(path, 'r');
    } catch (err) {
      if (isNotFound(err)) throw new BlobNotFoundError(key);
      throw err;
    }
    if (!range) return handle.createReadStream();
    // A range past the end would silently read short; callers (range decryption) need exact bytes.
    const { size } = await handle.stat();
    if (range.endInclusive >= size) {
      await handle.close();
      throw new RangeError('blob store: range beyond the end of the object');
    }
    return handle.createReadStream({ start: range.start, end: range.endInclusive });
  }

  async size(key: string): Promise<number | null> {
    try {
      return (await stat(this.#pathOf(key))).size;
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    const dir = this.#dirOf(key);
    if (await unlinkIfExists(join(dir, key))) await syncDir(dir);
    for (const name of await readdir(this.#tmp)) {
      if (TEMP_NAME.exec(name)?.[1] === key) await unlinkIfExists(join(this.#tmp, name));
    }
  }

  async *list(): AsyncIterable<{ key: string; size: number; modifiedAt: Date }> {
    for (const fan of await readdir(this.#blobs)) {
      if (!/^[0-9a-f]{2}$/.test(fan)) continue;
      let names: string[];
      try {
        names = await readdir(join(this.#blobs, fan));
      } catch (err) {
        if (isNotFound(err)) continue;
        throw err;
      }
      for (const key of names) {
        if (!BLOB_KEY.test(key) || !key.startsWith(fan)) continue;
        let s;
        try {
          s = await stat(join(this.#blobs, fan, key));
        } catch (err) {
          if (isNotFound(err)) continue; // deleted meanwhile
          throw err;
        }
        yield { key, size: s.size, modifiedAt: s.mtime };
      }
    }
  }

  /**
   * Temporary files of writes not committed. A key listed here may also have a committed object (a
   * crash between link and unlink in commit), so check before delete(), which removes both.
   */
  async *listTemporary(): AsyncIterable<{ key: string; modifiedAt: Date }> {
    for (const name of await readdir(this.#tmp)) {
      const key = TEMP_NAME.exec(name)?.[1];
      if (!key) continue;
      let s;
      try {
        s = await stat(join(this.#tmp, name));
      } catch (err) {
        if (isNotFound(err)) continue;
        throw err;
      }
      yield { key, modifiedAt: s.mtime };
    }
  }
}
