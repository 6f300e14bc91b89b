/**
 * Hostile uploads, over HTTP, against the real clamd: every one refused with a clear error, audited,
 * and nothing stored (no document, no blob row, no object, no temporary file). Also: clamd stopped
 * (a private clamd started and stopped by this test) → refused, fail-closed; the documented
 * fail-open setting → accepted unscanned and audited.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { backends } from '../support/db.ts';
import { startTestApp, UNREACHABLE_SCANNER, type TestApp } from '../support/app.ts';
import { freePort } from '../support/cli.ts';
import {
  documentFixture,
  eicar,
  largePdf,
  leftovers,
  samplePdf,
  sampleExe,
  uploadTo,
} from '../support/documents.ts';
import { buildZip } from '../../src/modules/documents/inspection/test-zip.ts';
import { requireClamd, testClamdSettings } from '../../src/platform/clamav/test-clamd.ts';

const clamd = testClamdSettings();
const skip = clamd || requireClamd() ? false : 'no clamd (set DOSSIER_TEST_CLAMD)';
const CLAMD_SCRIPT = fileURLToPath(new URL('../../scripts/clamd-offline.sh', import.meta.url));

const backend = backends[0]!;

/** Starts the private clamd; once more if the first start fails (a busy machine), with its output on failure. */
function startClamd(env: NodeJS.ProcessEnv): void {
  for (let attempt = 1; ; attempt++) {
    try {
      execFileSync('bash', [CLAMD_SCRIPT, 'start'], { env, stdio: 'pipe', timeout: 60_000 });
      return;
    } catch (err) {
      const e = err as { status: number; stdout?: Buffer; stderr?: Buffer };
      execFileSync('bash', [CLAMD_SCRIPT, 'stop'], { env, stdio: 'ignore' });
      if (attempt >= 2)
        throw new Error(
          `clamd did not start (exit ${e.status}): ${String(e.stdout ?? '')} ${String(e.stderr ?? '')}`,
          { cause: err },
        );
    }
  }
}

describe('hostile uploads are refused and leave nothing', { skip }, () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp(backend, { env: { DOSSIER_DOCUMENTS_MAX_UPLOAD_BYTES: String(64 * 1024) } });
  });
  after(() => t.close());

  const cases: [string, string, Buffer, string][] = [
    ['EICAR inside a zip', 'papers.zip', buildZip([{ name: 'readme.txt', data: eicar() }]), 'virus_detected'],
    ['a .pdf that is really an executable', 'statement.pdf', sampleExe(), 'type_mismatch|active_content'],
    [
      'a .jpg that is HTML',
      'photo.jpg',
      Buffer.from('<html><body><script>alert(document.cookie)</script></body></html>'),
      'type_mismatch|active_content',
    ],
    [
      'an SVG with script',
      'logo.svg',
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
      'type_not_allowed|active_content',
    ],
    [
      'a .png that is SVG',
      'logo.png',
      Buffer.from('<svg onload="alert(1)"/>'),
      'type_mismatch|active_content',
    ],
    ['a path-traversal file name', '../../etc/cron.d/evil.pdf', samplePdf(), 'filename_invalid'],
    ['a Windows path file name', '..\\..\\boot.pdf', samplePdf(), 'filename_invalid'],
    ['a bidi-spoofed file name', 'invoice\u202Efdp.exe', samplePdf(), 'filename_invalid'],
    [
      'a PDF with JavaScript',
      'form.pdf',
      Buffer.from(
        samplePdf()
          .toString('latin1')
          .replace('/Type /Catalog', '/Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >>'),
        'latin1',
      ),
      'active_content',
    ],
    [
      'a zip bomb (50 MB of zeros in one entry)',
      'bomb.zip',
      buildZip([{ name: 'zeros.txt', data: Buffer.alloc(50 * 1024 * 1024) }]),
      'archive_ratio|archive_too_large',
    ],
    [
      'a zip with a nested archive',
      'nested.zip',
      buildZip([{ name: 'inner.zip', data: buildZip([{ name: 'a.txt', data: Buffer.from('hello') }]) }]),
      'archive_nested',
    ],
  ];

  for (const [label, name, content, reason] of cases) {
    it(`${label}: 422 ${reason}`, async () => {
      const before = await leftovers(t);
      const f = await documentFixture(t);
      const res = await uploadTo(t, f.url, { type: 'other' }, { name, content });
      assert.equal(res.statusCode, 422, res.body);
      const body = res.json() as { code: string; reason: string; detail: string };
      assert.equal(body.code, 'file_refused');
      assert.match(body.reason, new RegExp(`^(${reason})$`));
      assert.ok(body.detail.length > 10, 'a clear message');
      const after = await leftovers(t);
      assert.equal(after.documents, before.documents);
      assert.deepEqual(after.blobs, before.blobs);
      assert.deepEqual(after.objects, before.objects);
      assert.deepEqual(after.temporary, []);
      const refused = await t.database.db
        .selectFrom('audit_events')
        .select('payload')
        .where('type', '=', 'document.upload_refused')
        .where('target_id', '=', f.subject.id)
        .execute();
      assert.equal(refused.length, 1);
      assert.equal((refused[0]!.payload as { reason: string }).reason, body.reason);
    });
  }

  it('an oversized file: 413 (declared length, and while streaming), nothing stored', async () => {
    const before = await leftovers(t);
    const f = await documentFixture(t);
    const big = await uploadTo(
      t,
      f.url,
      { type: 'other' },
      { name: 'big.pdf', content: Buffer.alloc(200 * 1024, 0x25) },
    );
    assert.equal(big.statusCode, 413);
    assert.equal(big.json().reason, 'file_too_large');
    // Just over the limit: passes the declared-length check, stopped by the streaming limit.
    const edge = await uploadTo(
      t,
      f.url,
      { type: 'other' },
      { name: 'edge.pdf', content: largePdf(64 * 1024 + 10) },
    );
    assert.equal(edge.statusCode, 413, edge.body);
    const after = await leftovers(t);
    assert.equal(after.documents, before.documents);
    assert.deepEqual(after.blobs, before.blobs);
    assert.deepEqual(after.temporary, []);
  });
});

describe('the virus scanner unavailable', { skip }, () => {
  it('clamd stopped: uploads are refused with a clear error (fail closed), audited, nothing stored', async (ctx) => {
    let clamdBinary = true;
    try {
      execFileSync('bash', ['-c', 'command -v clamd'], { stdio: 'ignore' });
    } catch {
      clamdBinary = false;
    }
    if (!clamdBinary && !requireClamd()) return ctx.skip('clamd binary not installed');
    const dir = mkdtempSync(join(tmpdir(), 'dossier-clamd-'));
    const port = await freePort();
    const env = { ...process.env, CLAMD_DIR: dir, CLAMD_PORT: String(port) };
    startClamd(env);
    const t = await startTestApp(backend, {
      scanner: {
        ...UNREACHABLE_SCANNER,
        port,
        connectTimeoutMs: 2000,
        idleTimeoutMs: 10000,
        scanTimeoutMs: 20000,
      },
    });
    try {
      const f = await documentFixture(t);
      const ok = await uploadTo(t, f.url, { type: 'other' }, { name: 'a.pdf', content: samplePdf() });
      assert.equal(ok.statusCode, 201, ok.body);
      execFileSync('bash', [CLAMD_SCRIPT, 'stop'], { env, stdio: 'ignore' });
      for (let i = 0; i < 50; i++) {
        try {
          execFileSync('bash', ['-c', `exec 3<>/dev/tcp/127.0.0.1/${port}`], { stdio: 'ignore' });
          await new Promise((r) => setTimeout(r, 100));
        } catch {
          break;
        }
      }
      const before = await leftovers(t);
      const res = await uploadTo(t, f.url, { type: 'other' }, { name: 'b.pdf', content: samplePdf() });
      assert.equal(res.statusCode, 503, res.body);
      assert.equal(res.json().reason, 'scanner_unavailable');
      assert.match(res.json().detail, /virus scanner is unavailable/);
      const after = await leftovers(t);
      assert.equal(after.documents, before.documents);
      assert.deepEqual(after.blobs, before.blobs);
      assert.deepEqual(after.temporary, []);
      const refused = await t.database.db
        .selectFrom('audit_events')
        .select('payload')
        .where('type', '=', 'document.upload_refused')
        .execute();
      assert.equal((refused.at(-1)!.payload as { reason: string }).reason, 'unreachable');
    } finally {
      execFileSync('bash', [CLAMD_SCRIPT, 'stop'], { env, stdio: 'ignore' });
      await t.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('with the documented fail-open setting: accepted unscanned, marked so, and audited', async () => {
    const t = await startTestApp(backend, {
      scanner: UNREACHABLE_SCANNER,
      env: { DOSSIER_SCANNER_FAIL_OPEN: 'true' },
    });
    try {
      const f = await documentFixture(t);
      const res = await uploadTo(t, f.url, { type: 'other' }, { name: 'a.pdf', content: samplePdf() });
      assert.equal(res.statusCode, 201, res.body);
      assert.equal(res.json().document.file.scan, 'not_scanned');
      const skipped = await t.database.db
        .selectFrom('audit_events')
        .select(['payload', 'target_id'])
        .where('type', '=', 'document.scan_skipped')
        .execute();
      assert.equal(skipped.length, 1);
      assert.equal(skipped[0]!.target_id, res.json().document.id);
      // Content checks still apply when the scanner is skipped.
      const exe = await uploadTo(t, f.url, { type: 'other' }, { name: 'x.pdf', content: sampleExe() });
      assert.equal(exe.statusCode, 422);
    } finally {
      await t.close();
    }
  });
});
