/**
 * Documents at rest, on both databases: tampering with stored ciphertext never yields plaintext
 * (flipped bit, truncation, swapped segments, a segment from another document, a wrong key id), key
 * rotation re-wraps every data key (an interrupted run resumes; the old key can then be retired),
 * and the sweeper removes what a crashed upload left.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { backends, type TestDatabase } from '../../../test/support/db.ts';
import { makeSubject } from '../../../test/support/factories-applications.ts';
import { ClamdClient } from '../../platform/clamav/clamd-client.ts';
import { requireClamd, testClamdSettings } from '../../platform/clamav/test-clamd.ts';
import { createCtx, type Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import {
  generateKeyring,
  loadKeyring,
  retireKeyFromKeyringFile,
  rotateKeyringFile,
  writeKeyringFile,
} from '../../platform/crypto/keyring.ts';
import { HEADER_LENGTH } from '../../platform/crypto/segmented.ts';
import { FsBlobStore } from '../../platform/storage/fs-blob-store.ts';
import { ALL_RIGHTS } from '../access/rights.ts';
import { createProgramme } from '../programmes/create-programme.ts';
import type { DocumentServices } from './document.services.ts';
import { openDocumentFile } from './open-document-file.ts';
import { rewrapDataKeys } from './rotate-data-keys.ts';
import { sweepAbandonedUploads } from './sweep-blobs.ts';
import { uploadDocument } from './upload-document.ts';
import { verifyDocuments } from './verify-documents.ts';
import { insertPendingBlob } from './document.repository.ts';

const clamd = testClamdSettings();
const skip = clamd || requireClamd() ? false : 'no clamd (set DOSSIER_TEST_CLAMD)';
const SEG = 4096;
const STORED_SEG = SEG + 16;

/** Three full segments and a short one, each filled with its own letter. */
function lettered(): Buffer {
  return Buffer.concat([
    Buffer.from('%PDF-1.4\n'),
    Buffer.alloc(SEG - 9, 'A'),
    Buffer.alloc(SEG, 'B'),
    Buffer.alloc(SEG, 'C'),
    Buffer.from('DDDD\n%%EOF\n'),
  ]);
}

for (const backend of backends) {
  describe(`documents at rest [${backend.kind}]`, { skip }, () => {
    let database: TestDatabase;
    let dir: string;
    let ringFile: string;
    let ctx: Ctx;
    let services: DocumentServices;
    let programmeId: string;

    const newCtx = () =>
      createCtx({
        db: database.db,
        keyring: loadKeyring({ file: ringFile }),
        actor: { kind: 'system', label: 'test', rights: new Set(ALL_RIGHTS) },
      });

    before(async () => {
      database = await backend.open();
      dir = mkdtempSync(join(tmpdir(), 'dossier-docs-db-'));
      ringFile = join(dir, 'keyring.json');
      writeKeyringFile(ringFile, generateKeyring());
      ctx = newCtx();
      services = {
        store: new FsBlobStore(join(dir, 'store')),
        scanner: new ClamdClient(clamd!),
        settings: {
          maxUploadBytes: 10 * 1024 * 1024,
          segmentSize: SEG,
          archive: { maxEntries: 10, maxUnpackedBytes: 10 * 1024 * 1024, maxRatio: 100 },
          uploadLeaseSeconds: 60,
          retentionDays: 0,
          scannerFailOpen: false,
        },
      };
      programmeId = (
        await createProgramme(ctx, { name: `Docs ${backend.kind}`, allowedEntityTypes: ['person'] })
      ).id;
    });
    after(async () => {
      await database.dispose();
      rmSync(dir, { recursive: true, force: true });
    });

    const upload = async (content = lettered(), c = ctx) => {
      const subject = await makeSubject(database.db);
      const view = await uploadDocument(c, services, {
        subjectId: subject.id,
        fields: { type: 'other', programmeId },
        file: { filename: 'letters.pdf', source: Readable.from([content]) },
        ip: null,
      });
      const v = await database.db
        .selectFrom('document_versions')
        .select('blob_id')
        .where('document_id', '=', view.document.id)
        .executeTakeFirstOrThrow();
      return { id: view.document.id, blobId: v.blob_id, content };
    };
    const blobPath = (blobId: string) => join(dir, 'store', 'blobs', blobId.slice(0, 2), blobId);
    const rewrite = (blobId: string, fn: (b: Buffer) => Buffer) => {
      const p = blobPath(blobId);
      chmodSync(p, 0o600);
      writeFileSync(p, fn(readFileSync(p)));
    };
    const segmentAt = (i: number) => HEADER_LENGTH + i * STORED_SEG;

    /** Reads the file through the use case: the bytes received, and the error if any. */
    const read = async (id: string, c = ctx) => {
      const got: Buffer[] = [];
      try {
        const file = await openDocumentFile(c, services, { id, disposition: 'attachment', ip: '192.0.2.7' });
        for await (const chunk of file.body) got.push(chunk as Buffer);
        return { bytes: Buffer.concat(got), error: null };
      } catch (err) {
        return { bytes: Buffer.concat(got), error: err as Error };
      }
    };

    const integrityEvents = async (id: string) =>
      (
        await database.db
          .selectFrom('audit_events')
          .select('payload')
          .where('type', '=', 'document.integrity_failed')
          .where('target_id', '=', id)
          .execute()
      ).map((r) => (r.payload as { stage: string }).stage);

    it('an intact document reads back exactly', async () => {
      const doc = await upload();
      const r = await read(doc.id);
      assert.equal(r.error, null);
      assert.deepEqual(r.bytes, doc.content);
    });

    it('one flipped bit: an error, and no byte of the tampered segment', async () => {
      const doc = await upload();
      rewrite(doc.blobId, (b) => {
        b[segmentAt(2) + 100]! ^= 0x01;
        return b;
      });
      const r = await read(doc.id);
      assert.ok(r.error, 'fails');
      assert.ok(r.bytes.length <= 2 * SEG, 'at most the verified segments before it');
      assert.ok(!r.bytes.includes(Buffer.from('CCCC')), 'nothing of segment 2');
      assert.deepEqual(await integrityEvents(doc.id), ['content']);
    });

    it('a flipped bit in the first segment or the header: a clean error before any byte', async () => {
      for (const at of [3, segmentAt(0) + 10]) {
        const doc = await upload();
        rewrite(doc.blobId, (b) => {
          b[at]! ^= 0x80;
          return b;
        });
        const r = await read(doc.id);
        assert.ok(r.error instanceof AppError && r.error.code === 'integrity_failure', String(r.error));
        assert.equal(r.bytes.length, 0);
      }
    });

    it('a truncated file: refused by its recorded size, and by the cipher when the size is forged too', async () => {
      const doc = await upload();
      const p = blobPath(doc.blobId);
      chmodSync(p, 0o600);
      truncateSync(p, segmentAt(3));
      const r = await read(doc.id);
      assert.ok(r.error instanceof AppError && r.error.code === 'integrity_failure');
      assert.equal(r.bytes.length, 0);
      // An attacker who also edits the row: the missing last segment is still detected.
      await database.db
        .updateTable('document_blobs')
        .set({ stored_size: segmentAt(3), plain_size: 3 * SEG })
        .where('id', '=', doc.blobId)
        .execute();
      const forged = await read(doc.id);
      assert.ok(forged.error, 'the last segment is missing');
      assert.ok(!forged.bytes.includes(Buffer.from('DDDD')));
      assert.deepEqual(await integrityEvents(doc.id), ['size', 'content']);
    });

    it('two segments swapped: an error', async () => {
      const doc = await upload();
      rewrite(doc.blobId, (b) => {
        const s1 = Buffer.from(b.subarray(segmentAt(1), segmentAt(2)));
        b.copy(b, segmentAt(1), segmentAt(2), segmentAt(3));
        s1.copy(b, segmentAt(2));
        return b;
      });
      const r = await read(doc.id);
      assert.ok(r.error);
      assert.ok(r.bytes.length <= SEG && !r.bytes.includes(Buffer.from('CCCC')));
    });

    it('a segment from another document: an error', async () => {
      const a = await upload();
      const b = await upload();
      const other = readFileSync(blobPath(b.blobId));
      rewrite(a.blobId, (buf) => {
        other.copy(buf, segmentAt(1), segmentAt(1), segmentAt(2));
        return buf;
      });
      const r = await read(a.id);
      assert.ok(r.error);
      assert.ok(r.bytes.length <= SEG && !r.bytes.includes(Buffer.from('BBBB')));
    });

    it('a wrong key id: an error before any byte', async () => {
      const doc = await upload();
      const other = ctx.keyring.keyIds('field')[0]!;
      await database.db
        .updateTable('document_blobs')
        .set({ kek_id: other })
        .where('id', '=', doc.blobId)
        .execute();
      const r = await read(doc.id);
      assert.ok(r.error instanceof AppError && r.error.code === 'integrity_failure');
      assert.equal(r.bytes.length, 0);
      assert.deepEqual(await integrityEvents(doc.id), ['key']);
    });

    it('dossier documents verify finds every tampered document and nothing else', async () => {
      const report = await verifyDocuments(ctx, services);
      const failed = new Set(report.failures.map((f) => f.documentId));
      // Seven tampered above (the first-segment test made two); two intact.
      assert.equal(failed.size, 7, JSON.stringify(report.failures));
      assert.equal(report.checked, 9);
      assert.deepEqual(report.orphans, []);
    });

    it('key rotation: every data key re-wrapped, an interrupted run resumes, the old key retires', async () => {
      const docs = [];
      for (let i = 0; i < 5; i++) docs.push(await upload());
      const { newKeyId, previousKeyId } = rotateKeyringFile(ringFile, 'kek');
      // A run stopped after one batch (a kill between batches: each batch is its own transaction).
      const first = await rewrapDataKeys(newCtx(), { batchSize: 2, maxBatches: 1 });
      assert.equal(first.activeKeyId, newKeyId);
      assert.ok(first.rewrapped >= 1 && first.rewrapped <= 2, String(first.rewrapped));
      assert.ok(first.remaining > 0);
      // Meanwhile documents still open, whichever key wraps them.
      for (const d of docs) assert.deepEqual((await read(d.id, newCtx())).bytes, d.content);
      const resumed = await rewrapDataKeys(newCtx(), { batchSize: 2 });
      // The one blob given a wrong key id above cannot be unwrapped: reported, left alone.
      assert.equal(resumed.failed.length, 1);
      assert.equal(resumed.remaining, 1);
      const wrappedBy = await database.db
        .selectFrom('document_blobs')
        .select('kek_id')
        .distinct()
        .where('kek_id', 'is not', null)
        .where('id', 'not in', resumed.failed)
        .execute();
      assert.deepEqual(
        wrappedBy.map((r) => r.kek_id),
        [newKeyId],
      );
      retireKeyFromKeyringFile(ringFile, previousKeyId);
      const after = newCtx();
      assert.ok(!after.keyring.keyIds('kek').includes(previousKeyId));
      for (const d of docs) assert.deepEqual((await read(d.id, after)).bytes, d.content);
      // New uploads use the new key.
      const fresh = await upload(lettered(), after);
      const row = await database.db
        .selectFrom('document_blobs')
        .select('kek_id')
        .where('id', '=', fresh.blobId)
        .executeTakeFirstOrThrow();
      assert.equal(row.kek_id, newKeyId);
    });

    it('the sweeper removes an abandoned upload (lease run out), keeps a live one, and temporary leftovers', async () => {
      const mk = async (leaseMs: number) => {
        const id = crypto.randomUUID();
        const { kekId, wrapped } = ctx.keyring.wrapDataKey(Buffer.alloc(32, 1), id);
        await insertPendingBlob(database.db, {
          id,
          leaseExpiresAt: new Date(Date.now() + leaseMs),
          formatVersion: 1,
          segmentSize: SEG,
          kekId,
          wrappedKey: wrapped,
          now: new Date(),
        });
        const w = await services.store.createWriter(id);
        w.stream.write(Buffer.alloc(1000));
        return { id, w };
      };
      const dead = await mk(-1000);
      const live = await mk(60_000);
      const r = await sweepAbandonedUploads(ctx, services);
      assert.equal(r.blobs, 1);
      const rows = await database.db
        .selectFrom('document_blobs')
        .select('id')
        .where('id', 'in', [dead.id, live.id])
        .execute();
      assert.deepEqual(
        rows.map((x) => x.id),
        [live.id],
      );
      const temps: string[] = [];
      for await (const t of services.store.listTemporary()) temps.push(t.key);
      assert.ok(!temps.includes(dead.id) && temps.includes(live.id));
      // At start on the embedded database every pending upload is abandoned.
      await sweepAbandonedUploads(ctx, services, { all: true });
      assert.equal(
        (await database.db.selectFrom('document_blobs').select('id').where('id', '=', live.id).execute())
          .length,
        0,
      );
      await live.w.abort();
    });
  });
}
