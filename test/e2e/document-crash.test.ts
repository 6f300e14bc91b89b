/**
 * The document store end to end, as an operator runs it (real `dossier serve internal` over TLS,
 * embedded database, the test clamd):
 *  - the server killed (SIGKILL) in the middle of a 200 MB upload leaves, after restart, no visible
 *    document, no blob row and no object or temporary file;
 *  - `dossier keys rotate` re-wraps every data key, `dossier documents verify` opens every document,
 *    the old key retires, and the documents still open.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, existsSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openDatabase } from '../../src/db/connect.ts';
import { requireClamd, testClamdSettings } from '../../src/platform/clamav/test-clamd.ts';
import { cliEnv, freePort, runCli, startCli, stopChild } from '../support/cli.ts';
import { multipart, samplePdf } from '../support/documents.ts';

const clamd = testClamdSettings();
const skip = clamd || requireClamd() ? false : 'no clamd (set DOSSIER_TEST_CLAMD)';

function call(
  url: string,
  ca: string,
  opts: { method?: string; token: string; body?: Buffer; headers?: Record<string, string> },
): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        ca,
        method: opts.method ?? 'GET',
        headers: {
          authorization: `Bearer ${opts.token}`,
          ...(opts.body ? { 'content-length': String(opts.body.length) } : {}),
          ...opts.headers,
        },
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (d: Buffer) => parts.push(d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts) }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => e.name);
}

async function until(what: string, fn: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`timed out waiting for ${what}`);
}

describe('document store end to end (embedded database, real server)', { skip }, () => {
  const root = mkdtempSync(join(tmpdir(), 'dossier-docs-e2e-'));
  const dataDir = join(root, 'data');
  const store = join(dataDir, 'documents');
  let env: NodeJS.ProcessEnv;
  let token = '';
  let ca = '';
  let subjectId = '';
  let programmeId = '';

  before(async () => {
    const [api, link] = [await freePort(), await freePort()];
    const scanner: Record<string, string> = clamd!.socket
      ? { DOSSIER_CLAMD_SOCKET: clamd!.socket }
      : { DOSSIER_CLAMD_HOST: clamd!.host!, DOSSIER_CLAMD_PORT: String(clamd!.port) };
    env = cliEnv({
      DOSSIER_DATA_DIR: dataDir,
      DOSSIER_LOG_LEVEL: 'warn',
      DOSSIER_INTERNAL_PORT: String(api),
      DOSSIER_LINK_PORT: String(link),
      DOSSIER_DOCUMENTS_MAX_UPLOAD_BYTES: String(300 * 1024 * 1024),
      ...scanner,
    });
    const init = await runCli(['init'], env);
    assert.equal(init.code, 0, init.stderr);
    token = /(dsk_\S+)/.exec(init.stdout)![1]!;
    const { readFileSync } = await import('node:fs');
    ca = readFileSync(join(dataDir, 'pki', 'ca.crt'), 'utf8');
    assert.equal((await runCli(['seed', 'demo'], env)).code, 0);
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  const serve = () => startCli(['serve', 'internal'], env, /Internal API listening on (\S+);/);
  const apiOf = (stdout: string) => /Internal API listening on (\S+);/.exec(stdout)![1]!;

  it('a server killed during a 200 MB upload leaves nothing after restart', async () => {
    let server = await serve();
    let api = apiOf(server.stdout());
    const subjects = JSON.parse(
      (await call(`${api}/api/v1/subjects?limit=1`, ca, { token })).body.toString(),
    ) as {
      items: { id: string }[];
    };
    subjectId = subjects.items[0]!.id;
    const programmes = JSON.parse(
      (await call(`${api}/api/v1/programmes`, ca, { token })).body.toString(),
    ) as {
      items: { id: string }[];
    };
    programmeId = programmes.items[0]!.id;

    // A 200 MB PDF, streamed: the form head, then random megabytes; the server dies part-way.
    const size = 200 * 1024 * 1024;
    const head = samplePdf();
    const form = multipart({ type: 'other', programmeId }, { name: 'big.pdf', content: Buffer.alloc(0) });
    const boundaryAt = form.payload.lastIndexOf(Buffer.from('\r\n--'));
    const pre = form.payload.subarray(0, boundaryAt);
    const post = form.payload.subarray(boundaryAt);
    const total = pre.length + size + post.length;
    const req = request(`${api}/api/v1/subjects/${subjectId}/documents`, {
      ca,
      method: 'POST',
      headers: { ...form.headers, authorization: `Bearer ${token}`, 'content-length': String(total) },
    });
    const outcome = new Promise<string>((resolve) => {
      req.on('error', (e) => resolve(`error ${e.message}`));
      req.on('response', (res) => resolve(`response ${res.statusCode}`));
    });
    req.write(pre);
    req.write(head);
    let sent = head.length;
    const chunk = randomBytes(1024 * 1024);
    while (sent < 60 * 1024 * 1024) {
      if (!req.write(chunk)) await new Promise((r) => req.once('drain', r));
      sent += chunk.length;
    }
    // The upload is in flight: its temporary object exists.
    await until('a temporary object', () => files(join(store, 'tmp')).length > 0);
    server.child.kill('SIGKILL');
    await new Promise((r) => server.child.once('exit', r));
    const result = await outcome;
    assert.match(result, /^error/, 'the upload did not complete');
    assert.ok(files(join(store, 'tmp')).length > 0, 'the kill left a temporary object');

    server = await serve();
    api = apiOf(server.stdout());
    try {
      await until(
        'the store to be empty',
        () => files(join(store, 'tmp')).length === 0 && files(join(store, 'blobs')).length === 0,
      );
      const list = JSON.parse((await call(`${api}/api/v1/documents`, ca, { token })).body.toString()) as {
        items: unknown[];
      };
      assert.deepEqual(list.items, []);
    } finally {
      await stopChild(server.child);
    }
    const db = await openDatabase({ dataDir });
    try {
      assert.equal((await db.db.selectFrom('document_blobs').select('id').execute()).length, 0);
      const swept = await db.db
        .selectFrom('audit_events')
        .select('payload')
        .where('type', '=', 'document.uploads_swept')
        .execute();
      assert.equal(swept.length, 1);
    } finally {
      await db.close();
    }
  });

  it('dossier keys rotate, documents verify, keys retire: every document still opens', async () => {
    const server = await serve();
    const api = apiOf(server.stdout());
    const ids: string[] = [];
    try {
      for (let i = 0; i < 3; i++) {
        const form = multipart(
          { type: 'other', programmeId },
          { name: `d${i}.pdf`, content: samplePdf(`doc ${i}`) },
        );
        const r = await call(`${api}/api/v1/subjects/${subjectId}/documents`, ca, {
          method: 'POST',
          token,
          body: form.payload,
          headers: form.headers,
        });
        assert.equal(r.status, 201, r.body.toString());
        ids.push((JSON.parse(r.body.toString()) as { document: { id: string } }).document.id);
      }
    } finally {
      await stopChild(server.child);
    }
    const before = await runCli(['keys', 'list'], env);
    const oldKey = /^(kek-\S+)\s+\(active\)/m.exec(before.stdout)![1]!;
    const rotated = await runCli(['keys', 'rotate'], env);
    assert.equal(rotated.code, 0, rotated.stdout + rotated.stderr);
    assert.match(rotated.stdout, /Re-wrapped 3 data key\(s\)/);
    const list = await runCli(['keys', 'list'], env);
    assert.match(list.stdout, new RegExp(`${oldKey}\\s+wraps 0 data key`));
    const verified = await runCli(['documents', 'verify'], env);
    assert.equal(verified.code, 0, verified.stdout);
    assert.match(verified.stdout, /Checked 3 stored document file\(s\): 0 failed, 0 orphan/);
    const retired = await runCli(['keys', 'retire', oldKey], env);
    assert.equal(retired.code, 0, retired.stdout + retired.stderr);
    assert.match((await runCli(['documents', 'verify'], env)).stdout, /0 failed/);
    const again = await serve();
    try {
      const a = apiOf(again.stdout());
      for (const [i, id] of ids.entries()) {
        const r = await call(`${a}/api/v1/documents/${id}/download`, ca, { token });
        assert.equal(r.status, 200);
        assert.deepEqual(r.body, samplePdf(`doc ${i}`));
      }
    } finally {
      await stopChild(again.child);
    }
  });
});
