/**
 * The mTLS link over real TLS on loopback: who may connect, who is refused and where (handshake or
 * HTTP), and the portal's health probe through the real link client. Lives next to the link app
 * because the portal's own folder may not import the internal server.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type { SecureVersion } from 'node:tls';
import pino from 'pino';
import { backends, type TestDatabase } from '../../../../test/support/db.ts';
import { testConfig, UNREACHABLE_SCANNER } from '../../../../test/support/app.ts';
import { testKeyring } from '../../../../test/support/keyring.ts';
import { createPki, issueCertificate, type PkiFiles } from '../../../platform/crypto/pki.ts';
import { createLinkClient } from '../../portal/link-client.ts';
import { startPortalServer } from '../../portal/main.ts';
import type { App } from '../../shared/create-http-app.ts';
import type { InternalDeps } from '../deps.ts';
import { createAuthServices } from '../auth-services.ts';
import { createDocumentServices } from '../document-services.ts';
import { createDevOutboxGateway } from '../../../platform/sms/index.ts';
import { createDevOutboxMailer } from '../../../platform/mail/index.ts';
import { buildLinkApp } from './build-link-app.ts';

type Outcome = { status: number; body: unknown } | { error: string; message: string };

interface CallOptions {
  port: number;
  host?: string;
  path?: string;
  cert?: string;
  key?: string;
  /** Trust anchors; undefined = Node's public roots (which do not include the private CA). */
  ca?: string;
  minVersion?: SecureVersion;
  maxVersion?: SecureVersion;
  ciphers?: string;
}

/** One HTTPS GET on a fresh connection: the HTTP answer, or the socket/TLS error that replaced it. */
function call(o: CallOptions): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = https.request(
      {
        host: o.host ?? '127.0.0.1',
        port: o.port,
        path: o.path ?? '/link/v1/ping',
        agent: false,
        cert: o.cert,
        key: o.key,
        ca: o.ca,
        minVersion: o.minVersion,
        maxVersion: o.maxVersion,
        ciphers: o.ciphers,
        timeout: 5000,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : null }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('client timeout')));
    req.on('error', (err: NodeJS.ErrnoException) =>
      resolve({ error: err.code ?? 'none', message: err.message }),
    );
    req.end();
  });
}

function refusedBeforeHttp(outcome: Outcome): string {
  assert.ok('error' in outcome, `expected a TLS/socket error, got HTTP ${JSON.stringify(outcome)}`);
  return outcome.error;
}

/** A TLS alert from the server: OpenSSL reports it as EPROTO with the alert in the message. */
function assertAlert(outcome: Outcome, alert: RegExp): void {
  assert.equal(refusedBeforeHttp(outcome), 'EPROTO');
  assert.match((outcome as { message: string }).message, alert);
}

function read(path: string): string {
  return readFileSync(path, 'utf8');
}

interface LogLine {
  level: number;
  msg: string;
  [k: string]: unknown;
}

function memoryLogger() {
  const lines: LogLine[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString('utf8').split('\n')) if (l) lines.push(JSON.parse(l) as LogLine);
      cb();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

/** Log lines are written asynchronously after the socket closes; give them a moment. */
async function waitForLog(lines: LogLine[], pred: (l: LogLine) => boolean): Promise<LogLine> {
  for (let i = 0; i < 50; i++) {
    const hit = lines.find(pred);
    if (hit) return hit;
    await sleep(20);
  }
  assert.fail(`expected log line not found; have: ${JSON.stringify(lines)}`);
}

function portOf(app: App): number {
  const a = app.server.address();
  assert.ok(a && typeof a === 'object');
  return a.port;
}

describe('mTLS link', () => {
  let root: string;
  let pki: PkiFiles;
  let other: PkiFiles;
  let database: TestDatabase;
  let deps: Omit<InternalDeps, 'screening'>;
  let link: App;
  let linkPort: number;
  let log: ReturnType<typeof memoryLogger>;
  let requestsSeen = 0;
  const linkTls = (p: PkiFiles) => ({
    cert: read(p.internalCert),
    key: read(p.internalKey),
    ca: read(p.caCert),
  });

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'dossier-link-'));
    pki = await createPki(join(root, 'data', 'pki'));
    other = await createPki(join(root, 'other-ca'));
    database = await backends[0]!.open();
    const config = testConfig({ DOSSIER_DATA_DIR: join(root, 'data') });
    const keyring = testKeyring();
    const auth = createAuthServices(config, database, keyring, {
      sms: createDevOutboxGateway({}),
      mailer: createDevOutboxMailer({}),
    });
    const documents = createDocumentServices(config, {
      storageDir: join(root, 'documents'),
      scanner: UNREACHABLE_SCANNER,
    });
    deps = { config, database, keyring, auth, documents };
    log = memoryLogger();
    link = await buildLinkApp(deps, { logger: log.logger, tls: linkTls(pki) });
    link.addHook('onRequest', async () => {
      requestsSeen++;
    });
    await link.listen({ host: '127.0.0.1', port: 0 });
    linkPort = portOf(link);
  });

  after(async () => {
    await link?.close();
    await database?.dispose();
    rmSync(root, { recursive: true, force: true });
  });

  const portalLink = () => ({
    cert: read(pki.portalLinkCert),
    key: read(pki.portalLinkKey),
    ca: read(pki.caCert),
  });

  it('(a) accepts the portal-link certificate', async () => {
    const res = await call({ port: linkPort, ...portalLink() });
    assert.ok('status' in res, JSON.stringify(res));
    assert.equal(res.status, 200);
    const body = res.body as { ok: boolean; service: string; time: string };
    assert.equal(body.ok, true);
    assert.equal(body.service, 'dossier-internal');
    assert.ok(Math.abs(Date.parse(body.time) - Date.now()) < 60_000);
  });

  it('(b) refuses a client without a certificate in the TLS handshake, and logs it', async () => {
    const before = requestsSeen;
    log.lines.length = 0;
    const res = await call({ port: linkPort, ca: read(pki.caCert) });
    // TLS 1.3: the server sends the "certificate required" alert (116).
    assert.equal(refusedBeforeHttp(res), 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED');
    assert.equal(requestsSeen, before, 'no HTTP request may reach the app');
    const line = await waitForLog(log.lines, (l) => l.msg === 'link TLS handshake refused');
    assert.equal(line.level, 40);
    assert.equal(line['remoteAddress'], '127.0.0.1');
    assert.match(String(line['code']), /PEER_DID_NOT_RETURN_A_CERTIFICATE/);
  });

  it('(b) also over TLS 1.2', async () => {
    const res = await call({ port: linkPort, ca: read(pki.caCert), maxVersion: 'TLSv1.2' });
    assertAlert(res, /alert handshake failure.*SSL alert number 40/);
  });

  it('(c) refuses a client certificate from another CA at the TLS layer, before any HTTP', async () => {
    const before = requestsSeen;
    log.lines.length = 0;
    const res = await call({
      port: linkPort,
      cert: read(other.portalLinkCert),
      key: read(other.portalLinkKey),
      ca: read(pki.caCert),
    });
    // Node verifies the client chain as the handshake completes and destroys the socket before
    // reading a byte of HTTP; the client sees the connection reset instead of an answer.
    assert.equal(refusedBeforeHttp(res), 'ECONNRESET');
    assert.equal(requestsSeen, before, 'no HTTP request may reach the app');
    const line = await waitForLog(log.lines, (l) => l.msg === 'link TLS handshake refused');
    assert.equal(line['authorizationError'], 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  });

  it("(d) refuses the internal server's own certificate (serverAuth only) as a client, at the TLS layer", async () => {
    const before = requestsSeen;
    log.lines.length = 0;
    const res = await call({
      port: linkPort,
      cert: read(pki.internalCert),
      key: read(pki.internalKey),
      ca: read(pki.caCert),
    });
    // Same CA, valid chain, but OpenSSL checks the purpose: an EKU without clientAuth is refused
    // before HTTP. (Were it to get through, the app's CN/EKU check would answer 403.)
    assert.equal(refusedBeforeHttp(res), 'ECONNRESET');
    assert.equal(requestsSeen, before);
    const line = await waitForLog(log.lines, (l) => l.msg === 'link TLS handshake refused');
    assert.equal(line['authorizationError'], 'INVALID_PURPOSE');
  });

  it("(d) refuses the portal's public server certificate as a link client too", async () => {
    const res = await call({
      port: linkPort,
      cert: read(pki.portalCert),
      key: read(pki.portalKey),
      ca: read(pki.caCert),
    });
    assert.equal(refusedBeforeHttp(res), 'ECONNRESET');
  });

  it('403 for a client certificate of the private CA that is not the portal-link certificate', async () => {
    // Passes OpenSSL (right CA, clientAuth) so the app's own check must catch it.
    const stranger = await issueCertificate(
      { cert: read(pki.caCert), key: read(pki.caKey) },
      { cn: 'dossier-stranger', usage: 'client' },
    );
    const before = requestsSeen;
    log.lines.length = 0;
    const res = await call({ port: linkPort, ...stranger, ca: read(pki.caCert) });
    assert.ok('status' in res, JSON.stringify(res));
    assert.equal(res.status, 403);
    assert.equal((res.body as { code: string }).code, 'forbidden');
    assert.equal(requestsSeen, before, 'the link check runs first and stops the request');
    const line = await waitForLog(log.lines, (l) => l.msg === 'link call refused');
    assert.equal(line.level, 40);
    assert.equal(line['reason'], 'wrong_subject');
    assert.equal(line['subject'], 'dossier-stranger');
  });

  it('(e) a client that does not trust the private CA cannot connect (server verification)', async () => {
    const res = await call({ port: linkPort, cert: read(pki.portalLinkCert), key: read(pki.portalLinkKey) });
    // The server sends its chain up to the private CA, which is in no public root store.
    assert.equal(refusedBeforeHttp(res), 'SELF_SIGNED_CERT_IN_CHAIN');
  });

  it('(g) refuses TLS 1.1 and older, accepts TLS 1.2 and 1.3', async () => {
    log.lines.length = 0;
    // SECLEVEL=0 lets this client actually offer TLS 1.1, so the refusal is the server's.
    const old = await call({
      port: linkPort,
      ...portalLink(),
      minVersion: 'TLSv1',
      maxVersion: 'TLSv1.1',
      ciphers: 'DEFAULT@SECLEVEL=0',
    });
    assertAlert(old, /alert protocol version.*SSL alert number 70/);
    await waitForLog(
      log.lines,
      (l) => l.msg === 'link TLS handshake refused' && /UNSUPPORTED_PROTOCOL/.test(String(l['code'])),
    );
    for (const v of ['TLSv1.2', 'TLSv1.3'] as const) {
      const res = await call({ port: linkPort, ...portalLink(), minVersion: v, maxVersion: v });
      assert.ok('status' in res && res.status === 200, `${v}: ${JSON.stringify(res)}`);
    }
  });

  it('404 problem for an unknown link path (still only for the portal certificate)', async () => {
    const res = await call({ port: linkPort, ...portalLink(), path: '/api/v1/subjects' });
    assert.ok('status' in res);
    assert.equal(res.status, 404);
  });

  it('refuses to start with a route that is not declared as a link route', async () => {
    const app = await buildLinkApp(deps, { logger: false, tls: linkTls(pki) });
    try {
      assert.throws(
        () => app.get('/link/v1/undeclared', async () => ({ ok: true })),
        /not declared as a link route/,
      );
      assert.throws(
        () => app.get('/link/v1/public', { config: { access: 'public' } }, async () => ({ ok: true })),
        /not declared as a link route/,
      );
    } finally {
      await app.close();
    }
  });

  describe('(e) the portal link client verifies the link server', () => {
    const apps: App[] = [];
    after(async () => {
      for (const a of apps) await a.close();
    });
    const clientFor = (url: string) => createLinkClient({ url, ...portalLink(), timeoutMs: 3000 });

    it('succeeds against the real link server', async () => {
      const client = clientFor(`https://localhost:${linkPort}`);
      const res = await client.ping();
      client.close();
      assert.equal(res.ok, true, res.error);
      assert.equal(typeof res.latencyMs, 'number');
    });

    it('refuses a link server whose certificate comes from another CA (an impostor that would accept the portal)', async () => {
      // The impostor trusts our CA, so it would accept the portal's client certificate; only the
      // portal's own verification of the server stops the call.
      const impostor = await buildLinkApp(deps, {
        logger: false,
        tls: { cert: read(other.internalCert), key: read(other.internalKey), ca: read(pki.caCert) },
      });
      apps.push(impostor);
      await impostor.listen({ host: '127.0.0.1', port: 0 });
      const client = clientFor(`https://localhost:${portOf(impostor)}`);
      const res = await client.ping();
      client.close();
      assert.deepEqual(
        { ok: res.ok, error: res.error },
        { ok: false, error: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' },
      );
    });

    it('refuses a server whose certificate does not name the URL host', async () => {
      const wrongHost = await buildLinkApp(deps, { logger: false, tls: linkTls(pki) });
      apps.push(wrongHost);
      // 127.0.0.2 is loopback on Linux but not in the certificate's SANs.
      await wrongHost.listen({ host: '127.0.0.2', port: 0 });
      const client = clientFor(`https://127.0.0.2:${portOf(wrongHost)}`);
      const res = await client.ping();
      client.close();
      assert.deepEqual(
        { ok: res.ok, error: res.error },
        { ok: false, error: 'ERR_TLS_CERT_ALTNAME_INVALID' },
      );
    });

    it('refuses a plain-http link URL', () => {
      assert.throws(() => clientFor(`http://localhost:${linkPort}`), /must use https/);
    });
  });

  describe('(f) portal /healthz over HTTPS', () => {
    it('reports the link up while the link server runs and 503 down once it stops', async () => {
      const portalLinkApp = await buildLinkApp(deps, { logger: false, tls: linkTls(pki) });
      await portalLinkApp.listen({ host: '127.0.0.1', port: 0 });
      const config = testConfig({
        DOSSIER_DATA_DIR: join(root, 'data'),
        DOSSIER_PORTAL_PORT: '0',
        DOSSIER_PORTAL_LINK_URL: `https://localhost:${portOf(portalLinkApp)}`,
      });
      const portalLog = memoryLogger();
      const portal = await startPortalServer(config, portalLog.logger);
      try {
        const url = new URL(portal.url);
        assert.equal(url.protocol, 'https:');
        const get = () =>
          call({ host: url.hostname, port: Number(url.port), path: '/healthz', ca: read(pki.caCert) });

        const up = await get();
        assert.ok('status' in up, JSON.stringify(up));
        assert.equal(up.status, 200);
        const upBody = up.body as { status: string; link: string; linkLatencyMs: number };
        assert.equal(upBody.status, 'ok');
        assert.equal(upBody.link, 'up');
        assert.equal(typeof upBody.linkLatencyMs, 'number');

        await portalLinkApp.close();
        await sleep(1100); // past the probe cache
        const down = await get();
        assert.ok('status' in down, JSON.stringify(down));
        assert.equal(down.status, 503);
        assert.deepEqual(down.body, { status: 'degraded', link: 'down' });
        const warn = await waitForLog(portalLog.lines, (l) => l.msg === 'link probe failed');
        assert.equal(warn['error'], 'ECONNREFUSED');

        // The portal's own HTTPS refuses TLS 1.1 as well.
        const old = await call({
          host: url.hostname,
          port: Number(url.port),
          path: '/healthz',
          ca: read(pki.caCert),
          minVersion: 'TLSv1',
          maxVersion: 'TLSv1.1',
          ciphers: 'DEFAULT@SECLEVEL=0',
        });
        assertAlert(old, /alert protocol version/);
      } finally {
        await portal.close();
        await portalLinkApp.close();
      }
    });
  });
});
