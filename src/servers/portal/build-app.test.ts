/**
 * The portal app on its own (no internal server): declarations, what it does not serve, and the
 * health probe against an unreachable link. The full link round trip is in
 * src/servers/internal/link/link.tls.test.ts (this folder may not import the internal server).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createPki, type PkiFiles } from '../../platform/crypto/pki.ts';
import { loadConfig, type Config } from '../../platform/config.ts';
import type { App } from '../shared/create-http-app.ts';
import { buildPortalApp } from './build-app.ts';
import { createLinkClient, type LinkClient } from './link-client.ts';

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('portal app', () => {
  let root: string;
  let pki: PkiFiles;
  let config: Config;
  let linkClient: LinkClient;
  let pings = 0;
  let app: App;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'dossier-portal-'));
    pki = await createPki(join(root, 'pki'));
    // loadConfig directly: test/support/app.ts would pull in the internal server and the database.
    config = loadConfig({
      DOSSIER_DATA_DIR: root,
      DOSSIER_PORTAL_LINK_URL: `https://localhost:${await closedPort()}`,
    });
    linkClient = createLinkClient({
      url: config.portal.link.url,
      cert: readFileSync(pki.portalLinkCert, 'utf8'),
      key: readFileSync(pki.portalLinkKey, 'utf8'),
      ca: readFileSync(pki.caCert, 'utf8'),
      timeoutMs: 2000,
    });
    const counting = {
      ping: () => {
        pings++;
        return linkClient.ping();
      },
      request: linkClient.request,
    };
    app = await buildPortalApp({ config, logger: false, linkClient: counting, healthCacheMs: 60_000 });
    await app.ready();
  });
  after(async () => {
    await app?.close();
    linkClient?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('answers 503 "down" without any detail when the link is unreachable, and shares one probe', async () => {
    const results = await Promise.all(
      [1, 2, 3, 4, 5].map(() => app.inject({ method: 'GET', url: '/healthz' })),
    );
    for (const res of results) {
      assert.equal(res.statusCode, 503);
      assert.deepEqual(res.json(), { status: 'degraded', link: 'down' });
    }
    // Five concurrent requests and a sixth within the cache window: one link call.
    await app.inject({ method: 'GET', url: '/healthz' });
    assert.equal(pings, 1);
  });

  it('the link client reports the failure reason (for the log) and a latency', async () => {
    const res = await linkClient.ping();
    assert.equal(res.ok, false);
    assert.equal(res.error, 'ECONNREFUSED');
    assert.equal(typeof res.latencyMs, 'number');
  });

  it('serves no API documentation and no TRACE', async () => {
    for (const url of ['/api/docs', '/api/docs/json', '/api/v1/subjects', '/link/v1/ping']) {
      assert.equal((await app.inject({ method: 'GET', url })).statusCode, 404, url);
    }
    // Other paths are the web app's pages (its client-side routes), never an API description.
    for (const url of ['/documentation', '/openapi.json']) {
      const res = await app.inject({ method: 'GET', url });
      assert.doesNotMatch(res.body, /swagger|openapi/i, url);
      assert.notEqual(res.headers['content-type'], 'application/json', url);
    }
    const trace = await app.inject({ method: 'TRACE', url: '/healthz', headers: { 'x-secret': 'echo-me' } });
    assert.equal(trace.statusCode, 404);
    assert.doesNotMatch(trace.body, /echo-me/);
  });

  it('sends the security headers', async () => {
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    assert.match(String(res.headers['strict-transport-security']), /max-age=31536000/);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.equal(res.headers['cache-control'], 'no-store');
  });

  it('refuses to start with a route that declares no access, or an access it cannot enforce', async () => {
    const other = await buildPortalApp({ config, logger: false, linkClient });
    try {
      assert.throws(() => other.get('/undeclared', async () => 'x'), /declares no access/);
      assert.throws(
        () => other.get('/staff-only', { config: { access: 'user:manage' } }, async () => 'x'),
        /cannot enforce/,
      );
    } finally {
      await other.close();
    }
  });

  it('gives up on a link that accepts TCP but never answers, after timeoutMs', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((sock) => sockets.push(sock));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const client = createLinkClient({
      url: `https://localhost:${(silent.address() as { port: number }).port}`,
      cert: readFileSync(pki.portalLinkCert, 'utf8'),
      key: readFileSync(pki.portalLinkKey, 'utf8'),
      ca: readFileSync(pki.caCert, 'utf8'),
      timeoutMs: 300,
    });
    try {
      const res = await client.ping();
      assert.equal(res.ok, false);
      assert.equal(res.error, 'timeout');
      assert.ok(res.latencyMs >= 290 && res.latencyMs < 2000, String(res.latencyMs));
    } finally {
      client.close();
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => silent.close(() => r()));
    }
  });

  it('refuses a link client that is not https', () => {
    assert.throws(
      () => createLinkClient({ url: 'http://localhost:8444', cert: '', key: '', ca: '', timeoutMs: 1000 }),
      /must use https/,
    );
  });
});
