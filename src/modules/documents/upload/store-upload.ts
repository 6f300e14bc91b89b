/**
 * The upload pipeline (issue 5, item 1), streaming: the file is never held in memory whole.
 *
 *   source ─▶ size limit ─▶ SHA-256 ─┬─▶ content inspector (extension ⇄ content, active content)
 *                                    ├─▶ clamd INSTREAM scan
 *                                    └─▶ encrypt (fresh data key, segmented AES-256-GCM) ─▶ blob store (temporary)
 *
 * Before the first byte is written a `pending` blob row is inserted holding the wrapped data key
 * and a lease the upload renews while it streams; so a crash or kill at any point leaves a row that
 * names what to clean up, and the sweeper (sweep-blobs.ts) removes the blob once the lease runs out.
 * The temporary object is committed (made durable under its final name) only after the inspector
 * and the scanner both accepted the whole file; an archive is then checked entry by entry by reading
 * it back decrypted. The caller makes the blob `stored` and the document visible in one transaction
 * (or calls `discardBlob`). A refusal stops reading at once where it can (a mismatched type is known
 * from the first bytes) and leaves nothing.
 */
import { createHash, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import { Writable, type Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import type { DB } from '../../../db/types.ts';
import { ScannerUnavailableError, type ScanSession } from '../../../platform/clamav/clamd-client.ts';
import type { Keyring } from '../../../platform/crypto/keyring.ts';
import { createEncryptStream, newDataKey } from '../../../platform/crypto/segmented.ts';
import type { BlobWriter } from '../../../platform/storage/blob-store.ts';
import { openPlaintext } from '../blob-access.ts';
import type { DocumentServices, VirusScanner } from '../document.services.ts';
import { deletePendingBlobRow, insertPendingBlob, renewBlobLease } from '../document.repository.ts';
import { checkZip, createContentInspector, InspectionRefusal } from '../inspection/index.ts';

export const BLOB_FORMAT_VERSION = 1;

/** Why an upload was refused; the use case audits it and answers with the matching problem. */
export class UploadRefused extends Error {
  readonly reason: string;
  readonly kind: 'file_refused' | 'too_large' | 'scanner_unavailable' | 'aborted';
  readonly signature: string | null;
  constructor(kind: UploadRefused['kind'], reason: string, message: string, signature: string | null = null) {
    super(message);
    this.name = 'UploadRefused';
    this.kind = kind;
    this.reason = reason;
    this.signature = signature;
  }
}

export interface StoredUpload {
  blobId: string;
  plainSize: number;
  storedSize: number;
  sha256: Buffer;
  detectedType: string | null;
  mediaType: string;
  scan: { status: 'clean' | 'not_scanned'; engine: string | null; failure: string | null };
  /** Stops renewing the lease (after the blob is stored or discarded). */
  release(): void;
}

export interface StoreUploadInput {
  source: Readable;
  /** The sanitised extension (lower case). */
  extension: string;
  allowed: ReadonlySet<string>;
}

const engineCache = new WeakMap<VirusScanner, { value: string | null; at: number }>();

/** The scanner's engine and signature version, asked at most every five minutes. */
async function engineVersion(scanner: VirusScanner): Promise<string | null> {
  const hit = engineCache.get(scanner);
  if (hit && Date.now() - hit.at < 5 * 60_000) return hit.value;
  const value = await scanner.version().catch(() => null);
  engineCache.set(scanner, { value, at: Date.now() });
  return value;
}

function startLease(db: Kysely<DB>, blobId: string, seconds: number): { stop(): void } {
  const every = Math.max(250, Math.floor((seconds * 1000) / 3));
  const timer = setInterval(() => {
    void renewBlobLease(db, blobId, new Date(Date.now() + seconds * 1000)).catch(() => undefined);
  }, every);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

/** Removes a blob that never became a document: the object (temporary or committed), then its row. */
export async function discardBlob(db: Kysely<DB>, services: DocumentServices, blobId: string): Promise<void> {
  await services.store.delete(blobId);
  await deletePendingBlobRow(db, blobId);
}

function refusalFrom(err: unknown, maxBytes: number): UploadRefused {
  if (err instanceof UploadRefused) return err;
  if (err instanceof InspectionRefusal) return new UploadRefused('file_refused', err.code, err.detail);
  if (err instanceof ScannerUnavailableError)
    return new UploadRefused(
      'scanner_unavailable',
      err.reason,
      `the virus scanner is unavailable (${err.reason}); the upload was refused`,
    );
  const e = err as { statusCode?: number; code?: string };
  if (e?.statusCode === 413 || e?.code === 'FST_REQ_FILE_TOO_LARGE') return tooLarge(maxBytes);
  return new UploadRefused('aborted', 'aborted', 'the upload did not complete');
}

function tooLarge(maxBytes: number): UploadRefused {
  return new UploadRefused('too_large', 'file_too_large', `the file is larger than ${maxBytes} bytes`);
}

/**
 * Streams an upload through the checks into the blob store. Resolves with the committed (but still
 * `pending`) blob, or rejects with UploadRefused having removed everything it wrote.
 */
export async function storeUpload(
  db: Kysely<DB>,
  keyring: Keyring,
  services: DocumentServices,
  input: StoreUploadInput,
): Promise<StoredUpload> {
  const { settings, store, scanner } = services;
  const blobId = randomUUID();
  keyring.refresh();
  const dataKey = newDataKey();
  const { kekId, wrapped } = keyring.wrapDataKey(dataKey, blobId);
  await insertPendingBlob(db, {
    id: blobId,
    leaseExpiresAt: new Date(Date.now() + settings.uploadLeaseSeconds * 1000),
    formatVersion: BLOB_FORMAT_VERSION,
    segmentSize: settings.segmentSize,
    kekId,
    wrappedKey: wrapped,
    now: new Date(),
  });
  const lease = startLease(db, blobId, settings.uploadLeaseSeconds);
  let writer: BlobWriter | undefined;
  let scan: ScanSession | undefined;
  // The first failure wins: it is what the caller is told.
  let failure: unknown = null;
  const abort = new AbortController();
  const fail = (err: unknown) => {
    failure ??= err;
    abort.abort(err);
  };
  try {
    writer = await store.createWriter(blobId);
    const inspector = createContentInspector({
      extension: input.extension,
      allowed: input.allowed,
      limits: settings.archive,
    });
    inspector.early.catch(fail);
    scan = scanner.startScan();
    let scanning = true;
    let scanFailure: ScannerUnavailableError | null = null;
    scan.verdict.catch((err: unknown) => {
      if (settings.scannerFailOpen && err instanceof ScannerUnavailableError) {
        // Fail-open (a documented, audited setting): stop feeding the scanner, keep the upload.
        scanning = false;
        scanFailure = err;
      } else fail(err);
    });
    const encrypt = createEncryptStream({ dataKey, blobId, segmentSize: settings.segmentSize });
    const stored = pipeline(encrypt, writer.stream, { signal: abort.signal });
    stored.catch(fail);

    const hash = createHash('sha256');
    let size = 0;
    const targets = (): Writable[] =>
      scanning ? [inspector.input, scan!.input, encrypt] : [inspector.input, encrypt];
    const fan = new Writable({
      highWaterMark: 1024 * 1024,
      write(chunk: Buffer, _enc, cb) {
        size += chunk.length;
        if (size > settings.maxUploadBytes) return cb(tooLarge(settings.maxUploadBytes));
        hash.update(chunk);
        const waits: Promise<unknown>[] = [];
        for (const t of targets())
          if (!t.write(chunk)) waits.push(once(t, 'drain', { signal: abort.signal }));
        if (waits.length === 0) cb();
        else Promise.all(waits).then(() => cb(), cb);
      },
      final(cb) {
        for (const t of targets()) t.end();
        cb();
      },
    });
    await pipeline(input.source, fan, { signal: abort.signal });
    await stored;
    const inspection = await inspector.result();
    let status: 'clean' | 'not_scanned' = 'not_scanned';
    if (scanning) {
      const verdict = await scan.verdict.catch((err: unknown) => {
        if (settings.scannerFailOpen && err instanceof ScannerUnavailableError) {
          scanFailure = err;
          return null;
        }
        throw err;
      });
      if (verdict?.status === 'infected') {
        throw new UploadRefused(
          'file_refused',
          'virus_detected',
          `the virus scanner found ${verdict.signature}`,
          verdict.signature,
        );
      }
      if (verdict?.status === 'clean') status = 'clean';
    }
    if (failure) throw failure;
    const committed = await writer.commit();
    if (inspection.kind === 'archive') {
      await checkZip(
        {
          size,
          read: (start, endExclusive) =>
            openPlaintext(
              store,
              dataKey,
              { id: blobId, storedSize: committed.size },
              { start, endInclusive: endExclusive - 1 },
            ),
        },
        settings.archive,
        { allowed: input.allowed },
      );
    }
    return {
      blobId,
      plainSize: size,
      storedSize: committed.size,
      sha256: hash.digest(),
      detectedType: inspection.detectedType,
      mediaType: inspection.mediaType,
      scan: {
        status,
        engine: status === 'clean' ? await engineVersion(scanner) : null,
        failure: (scanFailure as ScannerUnavailableError | null)?.reason ?? null,
      },
      release: () => lease.stop(),
    };
  } catch (err) {
    // Taken before aborting the scan, whose own rejection must not replace the real cause.
    const cause = failure ?? err;
    scan?.abort();
    await writer?.abort().catch(() => undefined);
    lease.stop();
    await discardBlob(db, services, blobId).catch(() => undefined);
    throw refusalFrom(cause, settings.maxUploadBytes);
  }
}
