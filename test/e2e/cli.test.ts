/**
 * The CLI end to end, as an operator uses it: init on a fresh data directory, the first
 * administrator key, API key management, audit verification that catches tampering, and
 * `serve all` running the internal server and the portal over real TLS with the mTLS link.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { openDatabase } from '../../src/db/connect.ts';
import { cliEnv, freePort, runCli, startCli, stopChild } from '../support/cli.ts';

function httpsGet(
  url: string,
  ca: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, headers }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function httpsPost(
  url: string,
  ca: string,
  body: unknown,
): Promise<{ status: number; body: string; setCookie: string[] }> {
  return new Promise((resolve, reject) => {
    const raw = JSON.stringify(body);
    const req = request(
      url,
      {
        ca,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(raw) },
      },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: text, setCookie: res.headers['set-cookie'] ?? [] }),
        );
      },
    );
    req.on('error', reject);
    req.end(raw);
  });
}

describe('dossier CLI (embedded database)', () => {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'dossier-cli-')), 'data');
  let env: NodeJS.ProcessEnv;
  let adminToken = '';
  let activationToken = '';

  before(async () => {
    const [api, link, portal] = [await freePort(), await freePort(), await freePort()];
    env = cliEnv({
      DOSSIER_DATA_DIR: dataDir,
      DOSSIER_LOG_LEVEL: 'warn',
      DOSSIER_INTERNAL_PORT: String(api),
      DOSSIER_LINK_PORT: String(link),
      DOSSIER_PORTAL_PORT: String(portal),
      DOSSIER_PORTAL_LINK_URL: `https://localhost:${link}`,
    });
  });

  it('--help on each command', async () => {
    for (const args of [
      [],
      ['init'],
      ['serve'],
      ['audit', 'verify'],
      ['api-keys', 'create'],
      ['users', 'create-admin'],
      ['seed', 'demo'],
      ['migrate'],
      ['keys', 'rotate'],
      ['documents', 'verify'],
      ['lists', 'import'],
    ]) {
      const r = await runCli([...args, '--help'], env);
      assert.equal(r.code, 0, `${args.join(' ')} --help`);
      assert.match(r.stdout, /Usage: dossier/);
    }
  });

  it('init creates the key ring, the PKI and the first administrator key, once', async () => {
    const r = await runCli(['init'], env);
    assert.equal(r.code, 0, r.stderr);
    const m = /(dsk_[0-9a-f]{16}_[A-Za-z0-9_-]{43})/.exec(r.stdout);
    assert.ok(m, r.stdout);
    adminToken = m[1]!;
    assert.equal(statSync(join(dataDir, 'keyring.json')).mode & 0o777, 0o600);
    assert.equal(statSync(join(dataDir, 'pki', 'ca.key')).mode & 0o777, 0o600);
    assert.equal(statSync(dataDir).mode & 0o777, 0o700);
    const again = await runCli(['init'], env);
    assert.equal(again.code, 0, again.stderr);
    assert.doesNotMatch(again.stdout, /dsk_/, 'the administrator key is printed once');
  });

  it('api-keys create, list and revoke', async () => {
    const bad = await runCli(['api-keys', 'create', '--name', 'x', '--rights', 'root'], env);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /unknown right/);
    const created = await runCli(
      ['api-keys', 'create', '--name', 'reporting', '--rights', 'audit:read'],
      env,
    );
    assert.equal(created.code, 0, created.stderr);
    const id = /Created API key ([0-9a-f-]{36})/.exec(created.stdout)![1]!;
    const list = await runCli(['api-keys', 'list'], env);
    assert.match(list.stdout, /reporting/);
    assert.doesNotMatch(list.stdout, /dsk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}/, 'secrets are never listed');
    const revoked = await runCli(['api-keys', 'revoke', id], env);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.match((await runCli(['api-keys', 'list'], env)).stdout, /revoked/);
  });

  it('seed demo loads the demo data', async () => {
    const r = await runCli(['seed', 'demo'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Demo data loaded/);
  });

  it('users create-admin: a staff administrator whose activation link goes by e-mail (the development outbox prints it)', async () => {
    const r = await runCli(
      ['users', 'create-admin', '--username', 'ada.admin', '--email', 'ada@firm.test', '--name', 'Ada Admin'],
      env,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Created staff user ada\.admin .* with role Administrator/);
    assert.doesNotMatch(r.stdout, /#token=/, 'the token is not printed as output, only e-mailed');
    activationToken = /#token=([A-Za-z0-9_-]{43})/.exec(r.stderr)![1]!;
    const again = await runCli(
      ['users', 'create-admin', '--username', 'ada.admin', '--email', 'other@firm.test', '--name', 'Ada'],
      env,
    );
    assert.notEqual(again.code, 0);
    assert.match(again.stderr, /already in use/);
  });

  it('serve all: internal API and portal over TLS, the portal reaching the internal server over the mTLS link', async () => {
    const ca = readFileSync(join(dataDir, 'pki', 'ca.crt'), 'utf8');
    const { child, stdout } = await startCli(['serve', 'all'], env, /Link \(mTLS\)/);
    try {
      const apiUrl = /Internal API\s+(\S+)\/api\/v1/.exec(stdout())![1]!;
      const portalUrl = /Portal\s+(https:\S+)/.exec(stdout())![1]!;
      const unauth = await httpsGet(`${apiUrl}/api/v1/subjects`, ca);
      assert.equal(unauth.status, 401);
      const subjects = await httpsGet(`${apiUrl}/api/v1/subjects`, ca, {
        authorization: `Bearer ${adminToken}`,
      });
      assert.equal(subjects.status, 200, subjects.body);
      assert.ok((JSON.parse(subjects.body) as { items: unknown[] }).items.length >= 4);
      const health = await httpsGet(`${portalUrl}/healthz`, ca);
      assert.equal(health.status, 200, health.body);
      assert.equal((JSON.parse(health.body) as { link: string }).link, 'up');
      // The administrator created above activates and signs in over real TLS.
      const activated = await httpsPost(`${apiUrl}/api/v1/auth/activate`, ca, {
        token: activationToken,
        password: 'orange kites above the quiet bay',
      });
      assert.equal(activated.status, 204, activated.body);
      const login = await httpsPost(`${apiUrl}/api/v1/auth/login`, ca, {
        username: 'ada.admin',
        password: 'orange kites above the quiet bay',
      });
      assert.equal(login.status, 200, login.body);
      assert.equal((JSON.parse(login.body) as { enrolmentRequired: boolean }).enrolmentRequired, true);
      assert.match(
        login.setCookie[0] ?? '',
        /^__Host-dossier_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; Secure; SameSite=Strict$/,
      );
      const docs = await httpsGet(`${apiUrl}/api/docs/json`, ca);
      assert.equal(docs.status, 200);
      assert.ok((JSON.parse(docs.body) as { paths: Record<string, unknown> }).paths['/api/v1/subjects/{id}']);
    } finally {
      assert.equal(await stopChild(child), 0, 'graceful shutdown exits 0');
    }
  });

  it('audit verify names the first altered, removed or reordered event, and passes again once repaired', async () => {
    const ok = await runCli(['audit', 'verify'], env);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /Audit trail intact/);

    /** Runs SQL on the embedded database with the append-only triggers disabled, as its owner could. */
    const tamper = async (...statements: string[]) => {
      const database = await openDatabase({ dataDir });
      try {
        await sql.raw('ALTER TABLE audit_events DISABLE TRIGGER USER').execute(database.db);
        for (const statement of statements) await sql.raw(statement).execute(database.db);
        await sql.raw('ALTER TABLE audit_events ENABLE TRIGGER USER').execute(database.db);
      } finally {
        await database.close();
      }
    };
    const expectBroken = async (seq: number) => {
      const r = await runCli(['audit', 'verify'], env);
      assert.equal(r.code, 1, r.stdout);
      assert.match(r.stdout, new RegExp(`AUDIT TRAIL BROKEN at event ${seq}:`));
    };
    const expectIntact = async () => assert.equal((await runCli(['audit', 'verify'], env)).code, 0);

    // A row changed behind the triggers' back (as a superuser could).
    await tamper('CREATE TABLE audit_backup AS SELECT * FROM audit_events WHERE seq IN (2, 3, 4, 5)');
    await tamper(`UPDATE audit_events SET payload = '{"name":"forged"}' WHERE seq = 2`);
    await expectBroken(2);
    await tamper(
      'UPDATE audit_events a SET payload = b.payload FROM audit_backup b WHERE a.seq = 2 AND b.seq = 2',
    );
    await expectIntact();

    // A row deleted.
    await tamper('DELETE FROM audit_events WHERE seq = 3');
    await expectBroken(3);
    await tamper('INSERT INTO audit_events SELECT * FROM audit_backup WHERE seq = 3');
    await expectIntact();

    // Two rows swapped.
    await tamper(
      'UPDATE audit_events SET seq = seq + 1000 WHERE seq IN (4, 5)',
      'UPDATE audit_events SET seq = CASE seq WHEN 1004 THEN 5 ELSE 4 END WHERE seq IN (1004, 1005)',
    );
    await expectBroken(4);
  });

  it('a production profile refuses to start on insecure settings, naming them', async () => {
    const r = await runCli(['serve', 'internal'], {
      ...env,
      DOSSIER_PROFILE: 'production',
      DOSSIER_INTERNAL_TLS: 'false',
      DOSSIER_TRUST_PROXY: 'true',
    });
    assert.equal(r.code, 2);
    for (const s of [
      'DOSSIER_INTERNAL_TLS',
      'DOSSIER_TRUST_PROXY',
      'DOSSIER_SMS_TRANSPORT',
      'DOSSIER_DATABASE_URL',
    ])
      assert.match(r.stderr, new RegExp(s));
  });

  after(() => undefined);
});
