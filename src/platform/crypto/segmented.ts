/**
 * Authenticated segmented encryption of documents at rest (the STREAM construction over AES-256-GCM),
 * so that files of any size are encrypted and decrypted in constant memory, and a Range request reads
 * and verifies only the segments it needs. Each document has its own random data key (wrapped by the
 * key ring's kek); nothing cryptographic is hand-rolled: every segment is one node:crypto GCM message.
 *
 * File layout:
 *   header  = "DSDOC" | version (1) | plaintext segment size (u32 BE) | blob id (16) | nonce prefix (7)
 *   segment = GCM ciphertext of segmentSize plaintext bytes (fewer only in the last) | tag (16)
 * Nonce of segment i = prefix (7) | i (u32 BE) | last flag (1: final segment, else 0); the whole header
 * is the additional data of every segment. So a changed header, a reordered, dropped, duplicated or
 * foreign segment (other key or other blob id), a truncation at a segment boundary (the last segment
 * seen was not sealed as last) and trailing bytes (the final segment is not the last piece read) all
 * fail a tag check. Plaintext is released only after its segment's tag verified.
 */
import { createCipheriv, createDecipheriv, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { Readable, Transform, type TransformCallback } from 'node:stream';

const MAGIC = Buffer.from('DSDOC', 'latin1');
const VERSION = 1;
const NONCE_PREFIX_LENGTH = 7;
const TAG_LENGTH = 16;
const MAX_COUNTER = 0xffffffff;

export const SEGMENT_SIZE_DEFAULT = 64 * 1024;
export const SEGMENT_SIZE_MIN = 4 * 1024;
export const SEGMENT_SIZE_MAX = 16 * 1024 * 1024;
/** magic (5) + version (1) + segment size (4) + blob id (16) + nonce prefix (7). */
export const HEADER_LENGTH = MAGIC.length + 1 + 4 + 16 + NONCE_PREFIX_LENGTH;

/** Any integrity or format failure. Deliberately terse: the cause is for logs, not for clients. */
export class SegmentedCipherError extends Error {
  override name = 'SegmentedCipherError';
}

/** A fresh random 256-bit data key for one document. */
export function newDataKey(): Buffer {
  return randomBytes(32);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function blobIdBytes(blobId: string): Buffer {
  if (!UUID.test(blobId)) throw new TypeError('segmented: blob id must be a UUID');
  return Buffer.from(blobId.replaceAll('-', ''), 'hex');
}

function checkSegmentSize(segmentSize: number): void {
  if (!Number.isInteger(segmentSize) || segmentSize < SEGMENT_SIZE_MIN || segmentSize > SEGMENT_SIZE_MAX) {
    throw new RangeError(`segmented: segment size must be ${SEGMENT_SIZE_MIN}..${SEGMENT_SIZE_MAX}`);
  }
}

function importKey(dataKey: Buffer): KeyObject {
  if (!Buffer.isBuffer(dataKey) || dataKey.length !== 32)
    throw new TypeError('segmented: data key must be 32 bytes');
  return createSecretKey(dataKey);
}

/** Total encrypted size of a plaintext of `plainLength` bytes. */
export function encryptedLength(plainLength: number, segmentSize = SEGMENT_SIZE_DEFAULT): number {
  checkSegmentSize(segmentSize);
  if (!Number.isSafeInteger(plainLength) || plainLength < 0) throw new RangeError('segmented: bad length');
  const segments = plainLength === 0 ? 1 : Math.ceil(plainLength / segmentSize);
  return HEADER_LENGTH + plainLength + segments * TAG_LENGTH;
}

/** Number of segments in an encrypted file of this length; throws if no plaintext has that length. */
function segmentCount(encLength: number, segmentSize: number): number {
  const body = encLength - HEADER_LENGTH;
  if (!Number.isSafeInteger(encLength) || body < TAG_LENGTH) {
    throw new SegmentedCipherError('segmented: impossible encrypted length');
  }
  const count = Math.ceil(body / (segmentSize + TAG_LENGTH));
  const last = body - (count - 1) * (segmentSize + TAG_LENGTH);
  // Only the sole segment of an empty document may carry no plaintext.
  if (last === TAG_LENGTH && count > 1)
    throw new SegmentedCipherError('segmented: impossible encrypted length');
  if (count - 1 > MAX_COUNTER) throw new SegmentedCipherError('segmented: too many segments');
  return count;
}

/** Plaintext size of an encrypted file of `encLength` bytes; throws if that length is impossible. */
export function plaintextLength(encLength: number, segmentSize = SEGMENT_SIZE_DEFAULT): number {
  checkSegmentSize(segmentSize);
  return encLength - HEADER_LENGTH - segmentCount(encLength, segmentSize) * TAG_LENGTH;
}

interface Header {
  bytes: Buffer;
  segmentSize: number;
  noncePrefix: Buffer;
}

/** Parses and checks a header against the expected blob id (before any tag can be checked). */
function parseHeader(bytes: Buffer, expectedId: Buffer): Header {
  if (bytes.length !== HEADER_LENGTH || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new SegmentedCipherError('segmented: not an encrypted document');
  }
  if (bytes[MAGIC.length] !== VERSION) throw new SegmentedCipherError('segmented: unsupported version');
  const segmentSize = bytes.readUInt32BE(MAGIC.length + 1);
  if (segmentSize < SEGMENT_SIZE_MIN || segmentSize > SEGMENT_SIZE_MAX) {
    throw new SegmentedCipherError('segmented: bad segment size');
  }
  const idAt = MAGIC.length + 5;
  if (!bytes.subarray(idAt, idAt + 16).equals(expectedId))
    throw new SegmentedCipherError('segmented: wrong blob id');
  // Copy: the header must not alias a chunk the caller may reuse.
  const own = Buffer.from(bytes);
  return { bytes: own, segmentSize, noncePrefix: own.subarray(idAt + 16) };
}

/** Nonce buffer reused for every segment of a stream (node:crypto copies the IV). */
class Nonces {
  readonly #nonce = Buffer.alloc(12);
  constructor(prefix: Buffer) {
    prefix.copy(this.#nonce, 0);
  }
  for(counter: number, last: boolean): Buffer {
    if (counter > MAX_COUNTER) throw new SegmentedCipherError('segmented: segment counter overflow');
    this.#nonce.writeUInt32BE(counter, NONCE_PREFIX_LENGTH);
    this.#nonce[11] = last ? 1 : 0;
    return this.#nonce;
  }
}

/** Decrypts and verifies one segment; returns its plaintext only if the tag verified. */
function openSegment(key: KeyObject, nonce: Buffer, aad: Buffer, segment: Buffer): Buffer {
  if (segment.length < TAG_LENGTH) throw new SegmentedCipherError('segmented: truncated');
  const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_LENGTH });
  decipher.setAAD(aad);
  decipher.setAuthTag(segment.subarray(segment.length - TAG_LENGTH));
  const plain = decipher.update(segment.subarray(0, segment.length - TAG_LENGTH));
  try {
    decipher.final();
  } catch {
    // Tampered, reordered, foreign, truncated or followed by trailing bytes: GCM cannot tell which.
    throw new SegmentedCipherError('segmented: segment authentication failed');
  }
  return plain;
}

/**
 * Encrypts a byte stream. One plaintext segment stays buffered, because whether a full segment is
 * the last one is only known when more data (or the end) arrives. Full segments inside a large chunk
 * are encrypted straight from the chunk, without copying.
 */
export function createEncryptStream(opts: {
  dataKey: Buffer;
  blobId: string;
  segmentSize?: number;
}): Transform {
  const segmentSize = opts.segmentSize ?? SEGMENT_SIZE_DEFAULT;
  checkSegmentSize(segmentSize);
  const key = importKey(opts.dataKey);
  const header = Buffer.alloc(HEADER_LENGTH);
  MAGIC.copy(header, 0);
  header[MAGIC.length] = VERSION;
  header.writeUInt32BE(segmentSize, MAGIC.length + 1);
  blobIdBytes(opts.blobId).copy(header, MAGIC.length + 5);
  randomBytes(NONCE_PREFIX_LENGTH).copy(header, MAGIC.length + 21);
  const nonces = new Nonces(header.subarray(MAGIC.length + 21));
  const pending = Buffer.allocUnsafe(segmentSize);
  let filled = 0;
  let counter = 0;
  let headerSent = false;

  const seal = (stream: Transform, plain: Buffer, last: boolean): void => {
    if (!headerSent) {
      stream.push(header);
      headerSent = true;
    }
    const cipher = createCipheriv('aes-256-gcm', key, nonces.for(counter, last), {
      authTagLength: TAG_LENGTH,
    });
    cipher.setAAD(header);
    const body = cipher.update(plain);
    cipher.final();
    stream.push(body);
    stream.push(cipher.getAuthTag());
    counter++;
  };

  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      try {
        let at = 0;
        while (at < chunk.length) {
          if (filled === segmentSize) {
            // More data follows, so the buffered segment is not the last.
            seal(this, pending, false);
            filled = 0;
          }
          if (filled === 0 && chunk.length - at > segmentSize) {
            seal(this, chunk.subarray(at, at + segmentSize), false);
            at += segmentSize;
            continue;
          }
          const n = Math.min(segmentSize - filled, chunk.length - at);
          chunk.copy(pending, filled, at, at + n);
          filled += n;
          at += n;
        }
        callback();
      } catch (err) {
        callback(err as Error);
      }
    },
    flush(callback: TransformCallback) {
      try {
        seal(this, pending.subarray(0, filled), true);
        callback();
      } catch (err) {
        callback(err as Error);
      }
    },
  });
}

/**
 * Decrypts and verifies a byte stream made by createEncryptStream. Like the encryptor it holds one
 * encrypted segment back until it knows whether it is the last; a segment's plaintext is pushed only
 * after its tag verified, and on any failure the stream is destroyed with a SegmentedCipherError.
 */
export function createDecryptStream(opts: { dataKey: Buffer; blobId: string }): Transform {
  const key = importKey(opts.dataKey);
  const expectedId = blobIdBytes(opts.blobId);
  const headerBytes = Buffer.alloc(HEADER_LENGTH);
  let headerFilled = 0;
  let header: Header | undefined;
  let nonces: Nonces | undefined;
  let pending: Buffer | undefined;
  let filled = 0;
  let counter = 0;

  const open = (stream: Transform, segment: Buffer, last: boolean): void => {
    const plain = openSegment(key, nonces!.for(counter, last), header!.bytes, segment);
    counter++;
    if (plain.length) stream.push(plain);
  };

  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      try {
        let at = 0;
        if (!header) {
          const n = Math.min(HEADER_LENGTH - headerFilled, chunk.length);
          chunk.copy(headerBytes, headerFilled, 0, n);
          headerFilled += n;
          at = n;
          if (headerFilled < HEADER_LENGTH) return callback();
          header = parseHeader(headerBytes, expectedId);
          nonces = new Nonces(header.noncePrefix);
          pending = Buffer.allocUnsafe(header.segmentSize + TAG_LENGTH);
        }
        const full = pending!.length;
        while (at < chunk.length) {
          if (filled === full) {
            open(this, pending!, false);
            filled = 0;
          }
          if (filled === 0 && chunk.length - at > full) {
            open(this, chunk.subarray(at, at + full), false);
            at += full;
            continue;
          }
          const n = Math.min(full - filled, chunk.length - at);
          chunk.copy(pending!, filled, at, at + n);
          filled += n;
          at += n;
        }
        callback();
      } catch (err) {
        callback(asCipherError(err));
      }
    },
    flush(callback: TransformCallback) {
      try {
        if (!header) throw new SegmentedCipherError('segmented: truncated header');
        // An empty final segment is only valid as the sole segment (empty document).
        if (filled < TAG_LENGTH || (filled === TAG_LENGTH && counter > 0)) {
          throw new SegmentedCipherError('segmented: truncated');
        }
        open(this, pending!.subarray(0, filled), true);
        callback();
      } catch (err) {
        callback(asCipherError(err));
      }
    },
  });
}

function asCipherError(err: unknown): Error {
  return err instanceof SegmentedCipherError ? err : new SegmentedCipherError('segmented: decryption failed');
}

async function readExactly(source: Readable, length: number): Promise<Buffer> {
  const out = Buffer.alloc(length);
  let filled = 0;
  for await (const chunk of source as AsyncIterable<Buffer>) {
    if (filled + chunk.length > length)
      throw new SegmentedCipherError('segmented: range read returned too much');
    chunk.copy(out, filled);
    filled += chunk.length;
  }
  if (filled !== length) throw new SegmentedCipherError('segmented: truncated');
  return out;
}

export interface RangeDecryptOptions {
  dataKey: Buffer;
  blobId: string;
  /** Size of the whole encrypted object (e.g. from the blob store). */
  encryptedLength: number;
  /** Reads encrypted bytes [start, endInclusive] of the object. */
  readRange: (start: number, endInclusive: number) => Readable;
  /** Plaintext range wanted, inclusive at both ends. */
  start: number;
  endInclusive: number;
}

/**
 * Plaintext bytes [start, endInclusive] of an encrypted object, for HTTP Range requests: reads the
 * header, then only the encrypted segments that cover the range (one readRange call), verifies each
 * (with the last flag when it is the file's final segment) and emits just the requested bytes.
 * Errors (emitted on the stream): SegmentedCipherError for integrity or format failures, RangeError
 * when the range lies outside the plaintext (a 416 for the caller).
 */
export function createRangeDecryptStream(opts: RangeDecryptOptions): Readable {
  const key = importKey(opts.dataKey);
  const expectedId = blobIdBytes(opts.blobId);
  async function* segments(): AsyncGenerator<Buffer> {
    if (!Number.isSafeInteger(opts.encryptedLength) || opts.encryptedLength < HEADER_LENGTH + TAG_LENGTH) {
      throw new SegmentedCipherError('segmented: impossible encrypted length');
    }
    const header = parseHeader(
      await readExactly(opts.readRange(0, HEADER_LENGTH - 1), HEADER_LENGTH),
      expectedId,
    );
    const size = header.segmentSize;
    const count = segmentCount(opts.encryptedLength, size);
    const plainLength = opts.encryptedLength - HEADER_LENGTH - count * TAG_LENGTH;
    const { start, endInclusive } = opts;
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(endInclusive) || start < 0) {
      throw new RangeError('segmented: bad range');
    }
    if (start > endInclusive || endInclusive >= plainLength)
      throw new RangeError('segmented: range not satisfiable');
    const first = Math.floor(start / size);
    const lastWanted = Math.floor(endInclusive / size);
    const segOffset = (i: number): number => HEADER_LENGTH + i * (size + TAG_LENGTH);
    const segLength = (i: number): number =>
      i === count - 1 ? opts.encryptedLength - segOffset(i) : size + TAG_LENGTH;
    const nonces = new Nonces(header.noncePrefix);
    const source = opts.readRange(segOffset(first), segOffset(lastWanted) + segLength(lastWanted) - 1);
    // One buffer reused for every segment: openSegment returns fresh plaintext.
    const whole = Buffer.allocUnsafe(size + TAG_LENGTH);
    let index = first;
    let buf = whole.subarray(0, segLength(index));
    let filled = 0;
    for await (const chunk of source as AsyncIterable<Buffer>) {
      let at = 0;
      while (at < chunk.length) {
        if (index > lastWanted) throw new SegmentedCipherError('segmented: range read returned too much');
        const n = Math.min(buf.length - filled, chunk.length - at);
        chunk.copy(buf, filled, at, at + n);
        filled += n;
        at += n;
        if (filled < buf.length) continue;
        const plain = openSegment(key, nonces.for(index, index === count - 1), header.bytes, buf);
        // Segment `index` covers plaintext [index*size, index*size + plain.length).
        const base = index * size;
        const from = Math.max(start - base, 0);
        const to = Math.min(endInclusive - base + 1, plain.length);
        yield plain.subarray(from, to);
        index++;
        filled = 0;
        if (index <= lastWanted) buf = whole.subarray(0, segLength(index));
      }
    }
    if (index <= lastWanted) throw new SegmentedCipherError('segmented: truncated');
  }
  return Readable.from(segments(), { objectMode: false });
}
