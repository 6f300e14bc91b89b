/**
 * The access matrix, generated from the route table of the production app: every route is tried
 * without credentials (401), with a key holding every right except the route's own (403, and the
 * denial audited), and public routes are listed explicitly. A new route is covered automatically;
 * a new public route fails this test until it is added to PUBLIC below.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ADMINISTRATIVE_RIGHTS, ALL_RIGHTS, isRight } from '../../src/modules/access/rights.ts';
import { backends } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';

// Sign-in runs before there is a session; activation and reset carry their own single-use token.
const PUBLIC = new Set([
  'GET /healthz',
  'GET /readyz',
  'POST /api/v1/auth/login',
  'POST /api/v1/auth/login/sms',
  'POST /api/v1/auth/login/enrolment',
  'POST /api/v1/auth/login/second-factor',
  'POST /api/v1/auth/login/cancel',
  'POST /api/v1/auth/activate',
  'POST /api/v1/auth/password-reset',
  // Passkey sign-in: the passwordless and second-factor ceremonies (behind the block-delay guard).
  'POST /api/v1/auth/passkeys/sign-in/options',
  'POST /api/v1/auth/passkeys/sign-in',
  'POST /api/v1/auth/login/passkey/options',
  'POST /api/v1/auth/login/passkey',
  // Single sign-on: the sign-in page's list, the redirects to and from the provider (state bound to
  // the browser), the pending second factor (its own cookie), and the provider's logout calls.
  'GET /api/v1/auth/sso/providers',
  'GET /api/v1/auth/sso/:provider/start',
  'GET /api/v1/auth/sso/:provider/callback',
  'GET /api/v1/auth/sso/pending',
  'POST /api/v1/auth/sso/:provider/backchannel-logout',
  'GET /api/v1/auth/sso/:provider/frontchannel-logout',
  // The back office's pages and hashed assets (no data; the API behind them is not public).
  'GET /',
  'GET /*',
  'GET /assets/:name',
]);
const SAMPLE_ID = '00000000-0000-4000-8000-000000000000';

interface RouteEntry {
  method: string;
  url: string;
  access: string;
  stepUp: boolean;
}

function concreteUrl(url: string): string {
  return url.replace(/:([A-Za-z]+)/g, (_m, name: string) => (name === 'role' ? 'director' : SAMPLE_ID));
}

describe('access matrix', () => {
  let t: TestApp;
  const routes: RouteEntry[] = [];

  before(async () => {
    t = await startTestApp(backends[0]!, {
      onRoute: (r) => {
        const methods = Array.isArray(r.method) ? r.method : [r.method];
        // Routes of the API documentation plugin are public by prefix (see build-app).
        for (const m of methods)
          if (m !== 'HEAD')
            routes.push({
              method: m,
              url: r.url,
              access: String(r.config?.access),
              stepUp: r.config?.stepUp === true,
            });
      },
    });
  });
  after(() => t.close());

  it('every route declares its access; only the expected ones are public', () => {
    const api = routes.filter((r) => !r.url.startsWith('/api/docs'));
    assert.ok(api.length >= 25, `found ${api.length} routes`);
    for (const r of api) {
      assert.ok(
        r.access === 'public' || r.access === 'authenticated' || isRight(r.access),
        `${r.method} ${r.url}: ${r.access}`,
      );
      if (r.access === 'public')
        assert.ok(PUBLIC.has(`${r.method} ${r.url}`), `unexpected public route ${r.method} ${r.url}`);
    }
  });

  it('every state-changing route that administers the system needs a recent second factor (step-up)', () => {
    const admin = routes.filter(
      (r) => r.method !== 'GET' && isRight(r.access) && ADMINISTRATIVE_RIGHTS.has(r.access),
    );
    assert.ok(admin.length >= 10, `found ${admin.length}`);
    for (const r of admin) assert.ok(r.stepUp, `${r.method} ${r.url} (${r.access}) does not require step-up`);
  });

  it('every protected route answers 401 without credentials and 403 without its right', async () => {
    const protectedRoutes = routes.filter((r) => r.access !== 'public' && !r.url.startsWith('/api/docs'));
    for (const r of protectedRoutes) {
      const url = concreteUrl(r.url);
      const anon = await t.call(r.method, url, {
        token: null,
        body: r.method === 'GET' || r.method === 'DELETE' ? undefined : {},
      });
      assert.equal(anon.statusCode, 401, `${r.method} ${r.url} without credentials`);
      if (!isRight(r.access)) continue;
      const others = ALL_RIGHTS.filter((x) => x !== r.access);
      const token = await t.tokenWith(others);
      const denied = await t.call(r.method, url, {
        token,
        body: r.method === 'GET' || r.method === 'DELETE' ? undefined : {},
      });
      assert.equal(denied.statusCode, 403, `${r.method} ${r.url} without ${r.access}`);
      const audited = await t.database.db
        .selectFrom('audit_events')
        .select('payload')
        .where('type', '=', 'access.denied')
        .orderBy('seq', 'desc')
        .executeTakeFirstOrThrow();
      assert.deepEqual(audited.payload, { method: r.method, route: r.url, right: r.access });
    }
  });
});
