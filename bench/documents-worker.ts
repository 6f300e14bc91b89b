/**
 * Child-process entry of `npm run bench:documents` (bench/documents.bench.ts): runs ONE scenario once,
 * then reports its figures and its own peak memory (`process.resourceUsage().maxRSS`) over IPC. It is
 * a file of its own so that a child loads only what the scenario needs (no database driver, no server)
 * and its max RSS measures the document pipeline, not the benchmark's harness.
 *
 * The job is the JSON in argv[2]; see Job. Scenarios:
 *   idle        nothing: the floor, a child with this module graph loaded
 *   copy        source → file in the same directory (1 MiB stream copy), then fsync: the disk baseline
 *   aes         one AES-256-GCM cipher over a random buffer in 1 MiB chunks: the crypto baseline
 *   store       source → SHA-256 → segmented encrypt → FsBlobStore writer → commit (fsync + rename)
 *   store-scan  the same, with the source also teed into a clamd INSTREAM session (backpressure kept)
 *   read        FsBlobStore.openRead → segmented decrypt → a sink that counts (and hashes when verifying)
 */
import { createCipheriv, createHash, randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  ClamdClient,
  ScannerUnavailableError,
  type ClamdSettings,
} from '../src/platform/clamav/clamd-client.ts';
import { createDecryptStream, createEncryptStream, newDataKey } from '../src/platform/crypto/segmented.ts';
import { FsBlobStore } from '../src/platform/storage/fs-blob-store.ts';

export type Scenario = 'idle' | 'copy' | 'aes' | 'store' | 'store-scan' | 'read';

export interface Job {
  scenario: Scenario;
  /** The source file (copy, store, store-scan). */
  source?: string;
  /** Where the copy goes (copy). */
  dest?: string;
  /** The blob store root (store, store-scan, read). */
  storeRoot?: string;
  /** The blob to read, and its data key in hex (read). */
  blobId?: string;
  dataKey?: string;
  /** Hash the decrypted output (read); the timed runs only count. */
  verify?: boolean;
  /** Buffer size for the AES baseline (aes). */
  bytes?: number;
  /** clamd to scan with (store-scan). */
  clamd?: ClamdSettings;
}

export interface Result {
  /** Bytes of plaintext processed (source bytes, or decrypted bytes). */
  bytes: number;
  seconds: number;
  /** The child's peak resident set, in MiB. */
  maxRssMiB: number;
  /** Hex SHA-256 of the plaintext (store, store-scan, read with verify). */
  sha256?: string;
  /** The stored blob (store, store-scan), for the read scenario and for clean-up. */
  blobId?: string;
  dataKey?: string;
  storedBytes?: number;
  /** Set when the scenario could not run to the end for a known reason (clamd size limit). */
  skipped?: string;
  error?: string;
}

const MiB = 1024 * 1024;

/** Raised inside store-scan when clamd refuses the stream as too long: reported, not failed. */
class ClamdLimit extends Error {}

async function copy(job: Job): Promise<Omit<Result, 'maxRssMiB'>> {
  const t0 = performance.now();
  const out = await open(job.dest!, 'wx', 0o600);
  try {
    const stream = out.createWriteStream({ autoClose: false, highWaterMark: MiB });
    await pipeline(createReadStream(job.source!, { highWaterMark: MiB }), stream);
    // Same durability as the blob writer's commit, or the ratio would compare fsync against none.
    await out.sync();
    const { size } = await out.stat();
    stream.destroy();
    await out.close();
    return { bytes: size, seconds: (performance.now() - t0) / 1000 };
  } catch (err) {
    await out.close().catch(() => undefined);
    throw err;
  }
}

function aes(job: Job): Omit<Result, 'maxRssMiB'> {
  const buf = randomBytes(job.bytes!);
  const t0 = performance.now();
  const cipher = createCipheriv('aes-256-gcm', randomBytes(32), randomBytes(12));
  let out = 0;
  for (let at = 0; at < buf.length; at += MiB) out += cipher.update(buf.subarray(at, at + MiB)).length;
  out += cipher.final().length;
  cipher.getAuthTag();
  const seconds = (performance.now() - t0) / 1000;
  if (out !== buf.length) throw new Error(`aes: ${out} bytes out for ${buf.length} in`);
  return { bytes: buf.length, seconds };
}

/** Like storeUpload, minus the database row, the content inspector and the key wrapping. */
async function store(job: Job, scan: boolean): Promise<Omit<Result, 'maxRssMiB'>> {
  const blobs = new FsBlobStore(job.storeRoot!);
  const blobId = randomUUID();
  const dataKey = newDataKey();
  const abort = new AbortController();
  let failure: unknown = null;
  const fail = (err: unknown): void => {
    failure ??= err;
    abort.abort(err);
  };

  const t0 = performance.now();
  const writer = await blobs.createWriter(blobId);
  try {
    const session = scan ? new ClamdClient(job.clamd!).startScan() : null;
    session?.verdict.catch((err: unknown) =>
      fail(
        err instanceof ScannerUnavailableError && err.reason === 'size_limit'
          ? new ClamdLimit(err.message)
          : err,
      ),
    );
    const encrypt = createEncryptStream({ dataKey, blobId });
    const stored = pipeline(encrypt, writer.stream, { signal: abort.signal });
    stored.catch(fail);
    const hash = createHash('sha256');
    let size = 0;
    const targets: Writable[] = session ? [session.input, encrypt] : [encrypt];
    // The upload pipeline's fan-out: one chunk to every target, the next only when all have drained.
    const fan = new Writable({
      highWaterMark: MiB,
      write(chunk: Buffer, _enc, cb) {
        size += chunk.length;
        hash.update(chunk);
        const waits: Promise<unknown>[] = [];
        for (const t of targets) if (!t.write(chunk)) waits.push(once(t, 'drain', { signal: abort.signal }));
        if (waits.length === 0) cb();
        else Promise.all(waits).then(() => cb(), cb);
      },
      final(cb) {
        for (const t of targets) t.end();
        cb();
      },
    });
    await pipeline(createReadStream(job.source!, { highWaterMark: MiB }), fan, { signal: abort.signal });
    await stored;
    if (session) {
      const verdict = await session.verdict;
      if (verdict.status !== 'clean') throw new Error(`clamd found ${verdict.signature} in random data`);
    }
    const { size: storedBytes } = await writer.commit();
    const seconds = (performance.now() - t0) / 1000;
    return {
      bytes: size,
      seconds,
      sha256: hash.digest('hex'),
      blobId,
      dataKey: dataKey.toString('hex'),
      storedBytes,
    };
  } catch (err) {
    await writer.abort();
    const cause = failure ?? err;
    if (cause instanceof ClamdLimit)
      return { bytes: 0, seconds: 0, skipped: `clamd limit (${cause.message})` };
    throw cause;
  }
}

async function read(job: Job): Promise<Omit<Result, 'maxRssMiB'>> {
  const blobs = new FsBlobStore(job.storeRoot!);
  const hash = job.verify ? createHash('sha256') : null;
  let bytes = 0;
  const sink = new Writable({
    highWaterMark: MiB,
    write(chunk: Buffer, _enc, cb) {
      bytes += chunk.length;
      hash?.update(chunk);
      cb();
    },
  });
  const t0 = performance.now();
  const source = await blobs.openRead(job.blobId!);
  await pipeline(
    source,
    createDecryptStream({ dataKey: Buffer.from(job.dataKey!, 'hex'), blobId: job.blobId! }),
    sink,
  );
  const seconds = (performance.now() - t0) / 1000;
  return { bytes, seconds, ...(hash ? { sha256: hash.digest('hex') } : {}) };
}

async function run(job: Job): Promise<Omit<Result, 'maxRssMiB'>> {
  switch (job.scenario) {
    case 'idle':
      return { bytes: 0, seconds: 0 };
    case 'copy':
      return copy(job);
    case 'aes':
      return aes(job);
    case 'store':
      return store(job, false);
    case 'store-scan':
      return store(job, true);
    case 'read':
      return read(job);
  }
}

const job = JSON.parse(process.argv[2] ?? '{}') as Job;
let result: Result;
try {
  const r = await run(job);
  result = { ...r, maxRssMiB: process.resourceUsage().maxRSS / 1024 };
} catch (err) {
  process.exitCode = 1;
  result = {
    bytes: 0,
    seconds: 0,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
  };
}
process.send!(result, () => process.disconnect());
