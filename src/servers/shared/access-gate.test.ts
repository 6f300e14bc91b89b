import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openDatabase } from '../../db/connect.ts';
import { testKeyring } from '../../../test/support/keyring.ts';
import { accessGate } from './access-gate.ts';
import { createHttpApp } from './create-http-app.ts';

async function appWith(register: (app: Awaited<ReturnType<typeof createHttpApp>>) => void) {
  const database = await openDatabase({ memory: true });
  const app = await createHttpApp({ logger: false, trustProxy: false });
  await app.register(accessGate, {
    db: database.db,
    keyring: testKeyring(),
    resolveActor: async () => null,
    stepUpWindowMs: 600_000,
  });
  register(app);
  return {
    app,
    close: async () => {
      await app.close();
      await database.close();
    },
  };
}

describe('access gate', () => {
  it('refuses to start when a route declares no access', async () => {
    await assert.rejects(
      appWith((a) => a.get('/open', async () => 'oops')),
      /GET \/open declares no access/,
    );
  });

  it('refuses to start when a route declares an unknown right', async () => {
    await assert.rejects(
      appWith((a) => a.get('/x', { config: { access: 'subject:destroy' as never } }, async () => 'x')),
      /unknown right "subject:destroy"/,
    );
  });

  it('public routes pass, protected ones answer 401 with a problem document and WWW-Authenticate', async () => {
    const { app, close } = await appWith((a) => {
      a.get('/pub', { config: { access: 'public' } }, async () => ({ ok: true }));
      a.get('/priv', { config: { access: 'authenticated' } }, async () => ({ ok: true }));
    });
    assert.equal((await app.inject({ url: '/pub' })).statusCode, 200);
    const res = await app.inject({ url: '/priv' });
    assert.equal(res.statusCode, 401);
    assert.equal(res.headers['www-authenticate'], 'Bearer realm="dossier"');
    assert.equal(res.json().type, 'urn:dossier:problem:unauthenticated');
    assert.equal(res.json().requestId, res.headers['x-request-id']);
    await close();
  });

  it('sets security headers, refuses TRACE and answers unknown paths with a problem 404', async () => {
    const { app, close } = await appWith((a) =>
      a.get('/pub', { config: { access: 'public' } }, async () => ({ ok: true })),
    );
    const res = await app.inject({ url: '/pub' });
    assert.match(String(res.headers['content-security-policy']), /default-src 'none'/);
    assert.match(String(res.headers['content-security-policy']), /frame-ancestors 'none'/);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.equal(res.headers['referrer-policy'], 'no-referrer');
    assert.match(String(res.headers['strict-transport-security']), /max-age=31536000/);
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.equal((await app.inject({ method: 'TRACE', url: '/pub' })).statusCode, 404);
    const missing = await app.inject({ url: '/nope' });
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().code, 'not_found');
    await close();
  });

  it('refuses oversized bodies (413) and non-JSON bodies (415) with problem documents', async () => {
    const { app, close } = await appWith((a) =>
      a.post('/echo', { config: { access: 'public' } }, async (req) => ({ got: typeof req.body })),
    );
    const big = await app.inject({
      method: 'POST',
      url: '/echo',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ a: 'x'.repeat(2 * 1024 * 1024) }),
    });
    assert.equal(big.statusCode, 413);
    assert.equal(big.json().code, 'payload_too_large');
    const xml = await app.inject({
      method: 'POST',
      url: '/echo',
      headers: { 'content-type': 'application/xml' },
      payload: '<a/>',
    });
    assert.equal(xml.statusCode, 415);
    assert.equal(xml.json().code, 'unsupported_media_type');
    const broken = await app.inject({
      method: 'POST',
      url: '/echo',
      headers: { 'content-type': 'application/json' },
      payload: '{"a":',
    });
    assert.equal(broken.statusCode, 400);
    assert.equal(broken.json().code, 'validation');
    await close();
  });

  it('X-Forwarded-For is ignored unless the peer is a configured proxy', async () => {
    const database = await openDatabase({ memory: true });
    for (const [trustProxy, expected] of [
      [false, '198.51.100.5'],
      [['192.0.2.1'], '198.51.100.5'],
      [['198.51.100.5'], '10.9.9.9'],
    ] as const) {
      const app = await createHttpApp({
        logger: false,
        trustProxy: trustProxy === false ? false : [...trustProxy],
      });
      await app.register(accessGate, {
        db: database.db,
        keyring: testKeyring(),
        resolveActor: async () => null,
        stepUpWindowMs: 600_000,
      });
      app.get('/ip', { config: { access: 'public' } }, async (req) => ({ ip: req.ip }));
      const res = await app.inject({
        url: '/ip',
        remoteAddress: '198.51.100.5',
        headers: { 'x-forwarded-for': '10.9.9.9' },
      });
      assert.equal(res.json().ip, expected, `trustProxy ${JSON.stringify(trustProxy)}`);
      await app.close();
    }
    await database.close();
  });
});
