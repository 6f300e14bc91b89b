import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, it } from 'node:test';
import { BlobNotFoundError } from './blob-store.ts';
import { FsBlobStore } from './fs-blob-store.ts';

async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of stream as AsyncIterable<Buffer>) parts.push(c);
  return Buffer.concat(parts);
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

function newStore() {
  const root = mkdtempSync(join(tmpdir(), 'dossier-blobs-'));
  return { root, store: new FsBlobStore(root) };
}

const mode = (path: string) => statSync(path).mode & 0o777;

describe('filesystem blob store', () => {
  it('refuses keys that are not canonical UUIDs, before touching the filesystem', async () => {
    const { store } = newStore();
    for (const key of [
      '../x',
      'a/b',
      '',
      '..',
      randomUUID().toUpperCase(),
      `${randomUUID()}/..`,
      `x${randomUUID()}`,
    ]) {
      await assert.rejects(store.createWriter(key), TypeError, key);
      await assert.rejects(store.openRead(key), TypeError, key);
      await assert.rejects(store.size(key), TypeError, key);
      await assert.rejects(store.delete(key), TypeError, key);
    }
  });

  it('writes, commits, reads whole and by range, sizes and deletes, with 0700/0600/0400 modes', async () => {
    const { root, store } = newStore();
    assert.equal(store.kind, 'fs');
    assert.equal(mode(join(root, 'blobs')), 0o700);
    assert.equal(mode(join(root, 'tmp')), 0o700);
    const key = randomUUID();
    const data = randomBytes(300_000);
    const writer = await store.createWriter(key);
    const [temp] = readdirSync(join(root, 'tmp'));
    assert.equal(mode(join(root, 'tmp', temp!)), 0o600);
    await pipeline(Readable.from([data.subarray(0, 1000), data.subarray(1000)]), writer.stream);
    assert.equal(await store.size(key), null, 'invisible before commit');
    await assert.rejects(store.openRead(key), BlobNotFoundError);
    assert.deepEqual(await writer.commit(), { size: data.length });
    await assert.rejects(writer.commit(), /already committed/);
    await writer.abort(); // does not undo the commit

    const path = join(root, 'blobs', key.slice(0, 2), key);
    assert.equal(mode(path), 0o400);
    assert.equal(mode(join(root, 'blobs', key.slice(0, 2))), 0o700);
    assert.deepEqual(readdirSync(join(root, 'tmp')), [], 'temp file gone');
    assert.equal(await store.size(key), data.length);
    assert.deepEqual(await readAll(await store.openRead(key)), data);
    for (const [s, e] of [
      [0, 0],
      [0, data.length - 1],
      [12345, 200_000],
      [data.length - 1, data.length - 1],
    ] as const) {
      assert.deepEqual(
        await readAll(await store.openRead(key, { start: s, endInclusive: e })),
        data.subarray(s, e + 1),
      );
    }
    await assert.rejects(store.openRead(key, { start: 0, endInclusive: data.length }), RangeError);
    await assert.rejects(store.openRead(key, { start: 5, endInclusive: 4 }), RangeError);
    const listed = await collect(store.list());
    assert.deepEqual(
      listed.map((b) => [b.key, b.size]),
      [[key, data.length]],
    );
    assert.ok(listed[0]!.modifiedAt instanceof Date);

    // Keys are never reused: a second commit under the same key is refused and leaves the first intact.
    const again = await store.createWriter(key);
    again.stream.end(Buffer.from('other'));
    await assert.rejects(again.commit(), /already exists/);
    assert.deepEqual(await readAll(await store.openRead(key)), data);
    assert.deepEqual(readdirSync(join(root, 'tmp')), []);

    await store.delete(key);
    assert.equal(await store.size(key), null);
    await assert.rejects(store.openRead(key), BlobNotFoundError);
    await store.delete(key); // idempotent
    assert.deepEqual(await collect(store.list()), []);
  });

  it('commits an empty object', async () => {
    const { store } = newStore();
    const key = randomUUID();
    const writer = await store.createWriter(key);
    assert.deepEqual(await writer.commit(), { size: 0 });
    assert.deepEqual(await readAll(await store.openRead(key)), Buffer.alloc(0));
  });

  it('abort leaves nothing behind, and an abandoned write is only a temporary', async () => {
    const { root, store } = newStore();
    const aborted = randomUUID();
    const w = await store.createWriter(aborted);
    w.stream.write(randomBytes(1000));
    await w.abort();
    await w.abort();
    await assert.rejects(w.commit(), /already aborted/);
    assert.deepEqual(readdirSync(join(root, 'tmp')), []);
    assert.equal(existsSync(join(root, 'blobs', aborted.slice(0, 2), aborted)), false);

    const crashed = randomUUID();
    const c = await store.createWriter(crashed);
    await new Promise<void>((resolve) => c.stream.write(Buffer.from('partial'), () => resolve()));
    assert.deepEqual(await collect(store.list()), []);
    const temps = await collect(store.listTemporary());
    assert.deepEqual(
      temps.map((t) => t.key),
      [crashed],
    );
    assert.ok(temps[0]!.modifiedAt instanceof Date);
    await store.delete(crashed);
    assert.deepEqual(await collect(store.listTemporary()), []);
    // The interrupted writer can no longer commit: its temporary is gone.
    await assert.rejects(c.commit());
    assert.equal(await store.size(crashed), null);
  });

  it('a failed write rejects commit and leaves no committed object', async () => {
    const { root, store } = newStore();
    const key = randomUUID();
    const w = await store.createWriter(key);
    w.stream.write(Buffer.from('some bytes'));
    w.stream.destroy(new Error('disk on fire'));
    await assert.rejects(w.commit(), /disk on fire/);
    assert.equal(await store.size(key), null);
    assert.deepEqual(readdirSync(join(root, 'tmp')), []);

    // The same through a pipeline whose source fails.
    const w2 = await store.createWriter(key);
    const source = Readable.from(
      (async function* () {
        yield Buffer.from('first');
        throw new Error('upload cut');
      })(),
    );
    await assert.rejects(pipeline(source, w2.stream), /upload cut/);
    await assert.rejects(w2.commit());
    assert.equal(await store.size(key), null);
    assert.deepEqual(readdirSync(join(root, 'tmp')), []);
  });
});
