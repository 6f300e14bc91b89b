import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createHttpApp, type App } from './create-http-app.ts';
import { registerWebApp, WEB_CSP } from './web-app.ts';

describe('serving a built web app', () => {
  let dir: string;
  let app: App;
  let bare: App;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dossier-web-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(
      join(dir, 'index.html'),
      '<!doctype html><script type="module" src="/assets/app-AbC123.js"></script>',
    );
    writeFileSync(join(dir, 'assets', 'app-AbC123.js'), 'console.log(1)');
    writeFileSync(join(dir, 'secret.txt'), 'not an asset');
    app = await createHttpApp({ logger: false, trustProxy: false });
    await registerWebApp(app, { dir, reservedPrefixes: ['/api', '/healthz'] });
    await app.ready();
    bare = await createHttpApp({ logger: false, trustProxy: false });
    await registerWebApp(bare, { dir: join(dir, 'missing'), reservedPrefixes: ['/api'] });
    await bare.ready();
  });
  after(async () => {
    await app.close();
    await bare.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the page for any client-side route, uncached, under a CSP without inline script or style', async () => {
    for (const url of ['/', '/applications/123', '/sign-in?next=%2F']) {
      const res = await app.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 200, url);
      assert.match(String(res.headers['content-type']), /^text\/html/);
      assert.equal(res.headers['cache-control'], 'no-store');
      assert.equal(res.headers['content-security-policy'], WEB_CSP);
      assert.equal(res.headers['x-frame-options'], 'DENY');
    }
    assert.doesNotMatch(WEB_CSP, /unsafe-inline|unsafe-eval/);
    assert.match(WEB_CSP, /script-src 'self'/);
    assert.match(WEB_CSP, /frame-ancestors 'none'/);
  });

  it('serves hashed assets from the build with immutable caching and ETags', async () => {
    const res = await app.inject({ method: 'GET', url: '/assets/app-AbC123.js' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.body, 'console.log(1)');
    assert.match(String(res.headers['content-type']), /^text\/javascript/);
    assert.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable');
    const again = await app.inject({
      method: 'GET',
      url: '/assets/app-AbC123.js',
      headers: { 'if-none-match': String(res.headers['etag']) },
    });
    assert.equal(again.statusCode, 304);
  });

  it('serves nothing outside the allow-list of built assets', async () => {
    for (const url of [
      '/assets/unknown.js',
      '/assets/..%2Fsecret.txt',
      '/assets/%2e%2e%2findex.html',
      '/assets/',
    ]) {
      const res = await app.inject({ method: 'GET', url });
      assert.notEqual(res.statusCode, 200, url);
      assert.doesNotMatch(res.body, /not an asset/, url);
    }
  });

  it('leaves the API prefixes alone: unknown API paths stay JSON 404s', async () => {
    for (const url of ['/api/v1/nothing', '/api', '/healthz/x']) {
      const res = await app.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 404, url);
      assert.match(String(res.headers['content-type']), /json/, url);
      assert.match(String(res.headers['content-security-policy']), /^default-src 'none'/, url);
    }
  });

  it('without a build, the pages say so (503) and nothing else changes', async () => {
    const res = await bare.inject({ method: 'GET', url: '/' });
    assert.equal(res.statusCode, 503);
    assert.match(res.body, /npm run build/);
    assert.equal((await bare.inject({ method: 'GET', url: '/assets/app-AbC123.js' })).statusCode, 404);
  });
});
