import assert from 'node:assert/strict';
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, it } from 'node:test';
import {
  createDecryptStream,
  createEncryptStream,
  createRangeDecryptStream,
  encryptedLength,
  HEADER_LENGTH,
  newDataKey,
  plaintextLength,
  SEGMENT_SIZE_DEFAULT,
  SegmentedCipherError,
} from './segmented.ts';

const SEG = 4096;
const FULL = SEG + 16;

/** Splits a buffer into random-sized chunks (1 byte up to a few segments). */
function* chunks(buf: Buffer, max = 3 * SEG): Generator<Buffer> {
  for (let at = 0; at < buf.length;) {
    const n = Math.min(randomInt(1, max + 1), buf.length - at);
    yield buf.subarray(at, at + n);
    at += n;
  }
}

async function run(
  input: Iterable<Buffer>,
  stream: NodeJS.ReadWriteStream,
): Promise<{ out: Buffer; err?: unknown }> {
  const parts: Buffer[] = [];
  try {
    await pipeline(
      Readable.from(input, { objectMode: false }),
      stream,
      async (source: AsyncIterable<Buffer | string>) => {
        for await (const c of source) parts.push(c as Buffer);
      },
    );
    return { out: Buffer.concat(parts) };
  } catch (err) {
    return { out: Buffer.concat(parts), err };
  }
}

async function encrypt(plain: Buffer, key: Buffer, blobId: string, segmentSize = SEG): Promise<Buffer> {
  const { out, err } = await run(chunks(plain), createEncryptStream({ dataKey: key, blobId, segmentSize }));
  assert.equal(err, undefined);
  return out;
}

function decrypt(ct: Buffer, key: Buffer, blobId: string, max?: number) {
  return run(chunks(ct, max), createDecryptStream({ dataKey: key, blobId }));
}

function range(ct: Buffer, key: Buffer, blobId: string, start: number, endInclusive: number) {
  const reads: [number, number][] = [];
  const stream = createRangeDecryptStream({
    dataKey: key,
    blobId,
    encryptedLength: ct.length,
    start,
    endInclusive,
    readRange: (s, e) => {
      reads.push([s, e]);
      return Readable.from(chunks(ct.subarray(s, e + 1), 1000), { objectMode: false });
    },
  });
  return collect(stream).then((r) => ({ ...r, reads }));
}

async function collect(stream: Readable): Promise<{ out: Buffer; err?: unknown }> {
  const parts: Buffer[] = [];
  try {
    for await (const c of stream as AsyncIterable<Buffer>) parts.push(c);
    return { out: Buffer.concat(parts) };
  } catch (err) {
    return { out: Buffer.concat(parts), err };
  }
}

/** A failed decryption must have emitted only whole verified segments, all before `badSegment`. */
function assertFailedCleanly(
  r: { out: Buffer; err?: unknown },
  plain: Buffer,
  badSegment: number,
  label: string,
): void {
  assert.ok(r.err instanceof SegmentedCipherError, `${label}: ${String(r.err)}`);
  assert.ok(r.out.length <= badSegment * SEG, `${label}: released ${r.out.length} bytes`);
  assert.equal(r.out.length % SEG, 0, `${label}: partial segment released`);
  assert.deepEqual(r.out, plain.subarray(0, r.out.length), label);
}

describe('segmented encryption', () => {
  const key = newDataKey();
  const id = randomUUID();

  it('computes lengths both ways and rejects impossible lengths', () => {
    assert.equal(SEGMENT_SIZE_DEFAULT, 65536);
    assert.equal(HEADER_LENGTH, 33);
    for (const n of [0, 1, SEG - 1, SEG, SEG + 1, 3 * SEG, 10 * SEG + 7]) {
      assert.equal(plaintextLength(encryptedLength(n, SEG), SEG), n);
    }
    assert.equal(encryptedLength(0, SEG), HEADER_LENGTH + 16);
    assert.equal(encryptedLength(SEG, SEG), HEADER_LENGTH + FULL);
    assert.throws(() => plaintextLength(HEADER_LENGTH + 15, SEG), SegmentedCipherError);
    assert.throws(() => plaintextLength(HEADER_LENGTH + FULL + 16, SEG), SegmentedCipherError, 'empty last');
    assert.throws(() => encryptedLength(1, 1024), RangeError);
    assert.throws(() => createEncryptStream({ dataKey: key, blobId: '../etc' }), TypeError);
    assert.throws(() => createEncryptStream({ dataKey: randomBytes(16), blobId: id }), TypeError);
  });

  it('round-trips every boundary size, with random chunking, in the predicted length', async () => {
    const sizes = [0, 1, SEG - 1, SEG, SEG + 1, 3 * SEG, randomInt(50 * SEG, 80 * SEG)];
    for (const n of sizes) {
      const plain = randomBytes(n);
      const ct = await encrypt(plain, key, id);
      assert.equal(ct.length, encryptedLength(n, SEG), `length for ${n}`);
      const { out, err } = await decrypt(ct, key, id);
      assert.equal(err, undefined, `decrypt ${n}`);
      assert.deepEqual(out, plain, `round trip ${n}`);
    }
  });

  it('uses 64 KiB segments by default and a fresh nonce prefix per document', async () => {
    const plain = randomBytes(200_000);
    const a = (await run([plain], createEncryptStream({ dataKey: key, blobId: id }))).out;
    const b = (await run([plain], createEncryptStream({ dataKey: key, blobId: id }))).out;
    assert.equal(a.length, encryptedLength(plain.length));
    assert.equal(a.readUInt32BE(6), SEGMENT_SIZE_DEFAULT);
    assert.notDeepEqual(a.subarray(HEADER_LENGTH), b.subarray(HEADER_LENGTH));
    assert.deepEqual((await decrypt(a, key, id, 100_000)).out, plain);
  });

  it('leaves no plaintext in the ciphertext', async () => {
    const plain = Buffer.from('PASSPORT P<UTOERIKSSON<<ANNA<MARIA '.repeat(500));
    const ct = await encrypt(plain, key, id);
    assert.ok(!ct.includes(Buffer.from('ERIKSSON')));
    assert.ok(!ct.includes(plain.subarray(0, 16)));
  });

  it('serves range reads at every boundary from only the covering segments', async () => {
    const plain = randomBytes(5 * SEG + 123);
    const ct = await encrypt(plain, key, id);
    const points = [
      0,
      1,
      SEG - 1,
      SEG,
      SEG + 1,
      2 * SEG - 1,
      4 * SEG,
      5 * SEG - 1,
      5 * SEG,
      plain.length - 1,
    ];
    for (const s of points) {
      for (const e of points) {
        if (e < s) continue;
        const r = await range(ct, key, id, s, e);
        assert.equal(r.err, undefined, `range ${s}-${e}: ${String(r.err)}`);
        assert.deepEqual(r.out, plain.subarray(s, e + 1), `range ${s}-${e}`);
        const [, [segStart, segEnd]] = r.reads as [[number, number], [number, number]];
        assert.equal(segStart, HEADER_LENGTH + Math.floor(s / SEG) * FULL);
        assert.equal(segEnd, Math.min(HEADER_LENGTH + (Math.floor(e / SEG) + 1) * FULL, ct.length) - 1);
      }
    }
    for (const [s, e] of [
      [0, plain.length],
      [10, 9],
      [-1, 3],
    ] as const) {
      assert.ok((await range(ct, key, id, s, e)).err instanceof RangeError, `bad range ${s}-${e}`);
    }
    const empty = await encrypt(Buffer.alloc(0), key, id);
    assert.ok((await range(empty, key, id, 0, 0)).err instanceof RangeError);
  });

  it('range reads verify segments and the final flag', async () => {
    const plain = randomBytes(3 * SEG);
    const ct = await encrypt(plain, key, id);
    const flipped = Buffer.from(ct);
    flipped[HEADER_LENGTH + FULL + 10]! ^= 1;
    assert.ok((await range(flipped, key, id, SEG, SEG + 5)).err instanceof SegmentedCipherError);
    assert.deepEqual(
      (await range(flipped, key, id, 0, 5)).out,
      plain.subarray(0, 6),
      'other segments still read',
    );
    // Dropping the final segment: the new "last" segment was not sealed as last.
    const dropped = ct.subarray(0, ct.length - FULL);
    assert.ok((await range(dropped, key, id, SEG, SEG + 5)).err instanceof SegmentedCipherError);
    assert.ok((await range(ct, key, id, 0, 5)).err === undefined);
    assert.ok((await range(ct, randomBytes(32), id, 0, 5)).err instanceof SegmentedCipherError, 'wrong key');
    assert.ok((await range(ct, key, randomUUID(), 0, 5)).err instanceof SegmentedCipherError, 'wrong id');
    const garbage = Buffer.concat([ct, randomBytes(100)]);
    assert.ok((await range(garbage, key, id, 2 * SEG, 2 * SEG + 1)).err instanceof SegmentedCipherError);
  });

  describe('detects tampering and never releases unverified bytes', () => {
    const plain = randomBytes(4 * SEG + 100); // segments 0..4, the last one short
    const ctP = encrypt(plain, key, id);
    const seg = (ct: Buffer, i: number) =>
      ct.subarray(HEADER_LENGTH + i * FULL, HEADER_LENGTH + (i + 1) * FULL);

    it('a bit flip in the header, a segment body or a tag', async () => {
      const ct = await ctP;
      const cases: [string, number, number][] = [
        ['magic', 0, 0],
        ['version', 5, 0],
        ['segment size', 8, 0],
        ['blob id', 12, 0],
        ['nonce prefix', HEADER_LENGTH - 1, 0],
        ['body of segment 0', HEADER_LENGTH + 3, 0],
        ['body of segment 2', HEADER_LENGTH + 2 * FULL + 100, 2],
        ['tag of segment 2', HEADER_LENGTH + 3 * FULL - 1, 2],
        ['body of the last segment', ct.length - 20, 4],
        ['tag of the last segment', ct.length - 1, 4],
      ];
      for (const [label, at, bad] of cases) {
        const t = Buffer.from(ct);
        t[at]! ^= 0x04;
        for (const max of [7, 3 * FULL])
          assertFailedCleanly(await decrypt(t, key, id, max), plain, bad, label);
      }
    });

    it('truncation at a segment boundary, mid-segment, inside the header, and a dropped last segment', async () => {
      const ct = await ctP;
      const cuts: [string, Buffer, number][] = [
        ['at boundary after segment 2', ct.subarray(0, HEADER_LENGTH + 3 * FULL), 2],
        ['mid segment 2', ct.subarray(0, HEADER_LENGTH + 2 * FULL + 500), 2],
        ['one byte short', ct.subarray(0, ct.length - 1), 4],
        ['dropped last segment', ct.subarray(0, HEADER_LENGTH + 4 * FULL), 3],
        ['header only', ct.subarray(0, HEADER_LENGTH), 0],
        ['inside header', ct.subarray(0, 10), 0],
        ['nothing', Buffer.alloc(0), 0],
      ];
      for (const [label, t, bad] of cuts) assertFailedCleanly(await decrypt(t, key, id), plain, bad, label);
    });

    it('trailing data, swapped segments and segments from other documents', async () => {
      const ct = await ctP;
      const header = ct.subarray(0, HEADER_LENGTH);
      const otherId = await encrypt(plain, key, randomUUID());
      const otherKey = await encrypt(plain, newDataKey(), id);
      const sameKeyAndId = await encrypt(plain, key, id);
      const cases: [string, Buffer, number][] = [
        ['garbage appended', Buffer.concat([ct, randomBytes(40)]), 4],
        ['one byte appended', Buffer.concat([ct, Buffer.from([0])]), 4],
        ['whole segment appended', Buffer.concat([ct, seg(ct, 1)]), 4],
        [
          'segments 1 and 2 swapped',
          Buffer.concat([header, seg(ct, 0), seg(ct, 2), seg(ct, 1), ct.subarray(HEADER_LENGTH + 3 * FULL)]),
          1,
        ],
        [
          'segment 2 duplicated over 3',
          Buffer.concat([
            header,
            seg(ct, 0),
            seg(ct, 1),
            seg(ct, 2),
            seg(ct, 2),
            ct.subarray(HEADER_LENGTH + 4 * FULL),
          ]),
          3,
        ],
      ];
      for (const [label, other] of [
        ['same key, other blob id', otherId],
        ['other key, same blob id', otherKey],
        ['same key and blob id, other nonce prefix', sameKeyAndId],
      ] as const) {
        cases.push([
          `segment 2 from a document with ${label}`,
          Buffer.concat([
            header,
            seg(ct, 0),
            seg(ct, 1),
            seg(other, 2),
            ct.subarray(HEADER_LENGTH + 3 * FULL),
          ]),
          2,
        ]);
      }
      for (const [label, t, bad] of cases) assertFailedCleanly(await decrypt(t, key, id), plain, bad, label);
    });

    it('the wrong blob id or the wrong key', async () => {
      const ct = await ctP;
      assertFailedCleanly(await decrypt(ct, key, randomUUID()), plain, 0, 'wrong blob id');
      assertFailedCleanly(await decrypt(ct, newDataKey(), id), plain, 0, 'wrong key');
      const empty = await encrypt(Buffer.alloc(0), key, id);
      assertFailedCleanly(await decrypt(empty, newDataKey(), id), plain, 0, 'empty, wrong key');
    });
  });
});
