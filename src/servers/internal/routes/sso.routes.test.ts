/**
 * Single sign-on against a real OpenID provider (oidc-provider on HTTPS with a test CA, see
 * test/support/oidc.ts): the full authorisation code flow through the HTTP API, and each attack the
 * flow must refuse (replayed state, login CSRF without the browser binding, tampered ID token, wrong
 * audience, replayed nonce, alg none and HS256), provisioning (just in time, pre-provisioned,
 * disabled, unmapped), the provider's MFA against Dossier's own second factor, and logout
 * (back-channel with replay and forgery refused, front-channel, RP-initiated).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { backends } from '../../../../test/support/db.ts';
import { startTestApp, type TestApp } from '../../../../test/support/app.ts';
import {
  auditOf,
  controlClock,
  cookieOf,
  createStaff,
  signInWithTotp,
  totpAt,
} from '../../../../test/support/auth.ts';
import { followProvider, startTestOp, type NextLogin, type TestOp } from '../../../../test/support/oidc.ts';
import { hashSessionToken } from '../../../modules/auth/sessions/index.ts';
import { disableStaffUser } from '../../../modules/auth/users/index.ts';
import { BUILT_IN_ROLE_IDS } from '../../../modules/roles/index.ts';
import { SESSION_COOKIE } from '../session-cookie.ts';
import { SSO_BINDING_COOKIE } from './sso.routes.ts';

const CB = (p: string) => `/api/v1/auth/sso/${p}/callback`;

for (const backend of backends) {
  describe(`single sign-on [${backend.kind}]`, () => {
    let t: TestApp;
    let op: TestOp;
    let clock: ReturnType<typeof controlClock>;
    let ipCounter = 10;

    before(async () => {
      op = await startTestOp({ providerIds: ['testidp', 'preidp'] });
      const config = op.configFile([
        {
          id: 'testidp',
          displayName: 'Test IdP',
          provisioning: 'jit',
          scopes: ['openid', 'email', 'profile', 'groups'],
          roleMappings: [
            { value: 'dossier-analysts', roles: ['Analyst'], programmes: [] },
            { value: 'dossier-auditors', roles: ['Auditor'], programmes: [] },
          ],
          mfa: { amr: ['mfa', 'hwk'], acr: ['urn:test:mfa'] },
          logout: { backChannel: true, frontChannel: true, rpInitiated: true },
        },
        {
          id: 'preidp',
          displayName: 'Pre-provisioned IdP',
          provisioning: 'preProvisioned',
          matchBy: 'email',
          requireMappedGroup: false,
        },
      ]);
      t = await startTestApp(backend, { env: { DOSSIER_CONFIG: config } });
      clock = controlClock(t);
    });
    after(async () => {
      await t.close();
      await op.close();
    });

    /** Each flow from its own address, so the per-address start limit never interferes. */
    const nextIp = () => `192.0.2.${ipCounter++}`;

    function get(url: string, o: { cookies?: Record<string, string>; ip?: string } = {}) {
      const cookie = Object.entries(o.cookies ?? {})
        .map(([k, v]) => `${k}=${v}`)
        .join('; ');
      return t.app.inject({
        method: 'GET',
        url,
        headers: cookie ? { cookie } : {},
        remoteAddress: o.ip ?? '127.0.0.1',
      });
    }

    function bindingOf(res: LightMyRequestResponse): string | null {
      const c = res.cookies.find((x) => x.name === SSO_BINDING_COOKIE);
      return c && c.value ? c.value : null;
    }

    /** Start at Dossier, go through the provider; returns the callback path and the binding cookie. */
    async function toCallback(provider: string, login: NextLogin, ip = nextIp()) {
      const start = await get(`/api/v1/auth/sso/${provider}/start`, { ip });
      assert.equal(start.statusCode, 302, start.body);
      const binding = bindingOf(start);
      assert.ok(binding);
      op.nextLogin = login;
      try {
        const back = await followProvider(op, start.headers.location as string);
        assert.equal(back.pathname, CB(provider));
        return { path: `${back.pathname}${back.search}`, binding, ip, start };
      } finally {
        op.nextLogin = null;
      }
    }

    async function callback(path: string, binding: string | null, ip = '127.0.0.1') {
      return get(path, { cookies: binding ? { [SSO_BINDING_COOKIE]: binding } : {}, ip });
    }

    async function signIn(provider: string, login: NextLogin) {
      const c = await toCallback(provider, login);
      const res = await callback(c.path, c.binding, c.ip);
      return { ...c, res, token: cookieOf(res) };
    }

    async function session(token: string | null) {
      return get('/api/v1/auth/session', { cookies: token ? { [SESSION_COOKIE]: token } : {} });
    }

    async function lastRefusal() {
      const rows = await auditOf(t, 'auth.sso_refused');
      return (rows.at(-1)?.payload as { reason: string } | undefined)?.reason;
    }

    let n = 0;
    function account(
      o: Partial<{ groups: string[]; verified: boolean; email: string; username: string }> = {},
    ) {
      n++;
      const sub = `sub-${n}-${Math.random().toString(36).slice(2, 8)}`;
      const username = o.username ?? `sso.user${n}${process.pid % 1000}`;
      op.accounts.set(sub, {
        sub,
        preferred_username: username,
        email: o.email ?? `${username}@idp.test`,
        email_verified: o.verified ?? true,
        name: `SSO User ${n}`,
        groups: o.groups ?? ['dossier-analysts'],
      });
      return { sub, username };
    }

    it('lists the providers for the sign-in page: ids and names only', async () => {
      const res = await get('/api/v1/auth/sso/providers');
      assert.equal(res.statusCode, 200);
      assert.deepEqual(res.json(), {
        items: [
          { id: 'testidp', displayName: 'Test IdP', startUrl: '/api/v1/auth/sso/testidp/start' },
          { id: 'preidp', displayName: 'Pre-provisioned IdP', startUrl: '/api/v1/auth/sso/preidp/start' },
        ],
      });
      assert.ok(!res.body.includes(op.clientSecret));
    });

    it('the full code flow: PKCE, state, nonce; a JIT user with the provider MFA gets an active session', async () => {
      const a = account();
      const before = op.authRequests.length;
      const r = await signIn('testidp', { accountId: a.sub, amr: ['pwd', 'mfa'] });
      // The authorisation request: code flow, PKCE S256, state and nonce.
      const q = op.authRequests[before]!;
      assert.equal(q.get('response_type'), 'code');
      assert.equal(q.get('code_challenge_method'), 'S256');
      assert.match(q.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/);
      assert.ok((q.get('state') ?? '').length >= 32);
      assert.ok((q.get('nonce') ?? '').length >= 32);
      assert.equal(q.get('redirect_uri'), `https://localhost:8443${CB('testidp')}`);
      assert.match(q.get('scope') ?? '', /\bopenid\b/);
      // The browser binding cookie.
      const bc = r.start.cookies.find((c) => c.name === SSO_BINDING_COOKIE)!;
      assert.equal(bc.httpOnly, true);
      assert.equal(bc.secure, true);
      assert.equal(bc.sameSite, 'Lax');
      assert.equal(bc.path, '/');
      // The callback: a session cookie, back to the back office.
      assert.equal(r.res.statusCode, 302);
      assert.equal(r.res.headers.location, '/');
      assert.match(String(r.res.headers['cache-control']), /no-store/);
      assert.ok(r.token);
      const s = await session(r.token);
      assert.equal(s.statusCode, 200);
      const view = s.json() as {
        user: { username: string; rights: string[] };
        session: { secondFactor: string };
      };
      assert.equal(view.user.username, a.username);
      assert.equal(view.session.secondFactor, 'sso');
      assert.ok(view.user.rights.includes('subject:read'), 'Analyst rights from the mapped group');
      const user = await t.database.db
        .selectFrom('staff_users')
        .selectAll()
        .where('username', '=', a.username)
        .executeTakeFirstOrThrow();
      assert.equal(user.password_hash, null);
      const roles = await t.database.db
        .selectFrom('staff_user_roles')
        .select('role_id')
        .where('user_id', '=', user.id)
        .execute();
      assert.deepEqual(
        roles.map((x) => x.role_id),
        [BUILT_IN_ROLE_IDS.analyst],
      );
      const signedIn = (await auditOf(t, 'auth.sso_signed_in')).at(-1)!;
      assert.equal(signedIn.target_id, user.id);
      assert.deepEqual(
        { ...(signedIn.payload as object), sessionId: undefined, subjectHash: undefined, ip: undefined },
        {
          provider: 'testidp',
          mfa: true,
          next: 'active',
          sessionId: undefined,
          subjectHash: undefined,
          ip: undefined,
        },
      );
      assert.ok((await auditOf(t, 'staff_user.sso_provisioned')).some((e) => e.target_id === user.id));
      assert.ok((await auditOf(t, 'staff_user.sso_grants_changed')).some((e) => e.target_id === user.id));
      // Nothing of the subject, name or e-mail in the trail.
      const trail = JSON.stringify(
        await t.database.db.selectFrom('audit_events').select('payload').execute(),
      );
      assert.ok(!trail.includes(a.sub) && !trail.includes(`${a.username}@idp.test`));
    });

    it("without an MFA assertion, Dossier's own second factor follows, as after the password", async () => {
      const a = account();
      const r = await signIn('testidp', { accountId: a.sub, amr: ['pwd'] });
      assert.equal(r.res.headers.location, '/sign-in?step=second-factor');
      assert.ok(r.token);
      // The pending session authorises nothing but the second step.
      assert.equal((await session(r.token)).statusCode, 401);
      const pending = await get('/api/v1/auth/sso/pending', { cookies: { [SESSION_COOKIE]: r.token! } });
      assert.equal(pending.statusCode, 200);
      assert.deepEqual(
        { ...(pending.json() as object), expiresAt: undefined },
        {
          status: 'second_factor_required',
          factors: [],
          enrolmentRequired: true,
          mobile: null,
          expiresAt: undefined,
        },
      );
      // Without the cookie, or with a password-step cookie of no SSO session: nothing.
      assert.equal((await get('/api/v1/auth/sso/pending')).statusCode, 401);
      const e = (await auditOf(t, 'auth.sso_signed_in')).at(-1)!.payload as { mfa: boolean; next: string };
      assert.deepEqual([e.mfa, e.next], [false, 'second_factor']);
    });

    it('a pre-provisioned user with an authenticator app: linked by verified e-mail, then the TOTP step', async () => {
      const staff = await createStaff(t, { totp: true });
      const sub = `pre-${staff.username}`;
      op.accounts.set(sub, { sub, email: `${staff.username}@firm.test`, email_verified: true, name: 'Pre' });
      const r = await signIn('preidp', { accountId: sub });
      assert.equal(r.res.headers.location, '/sign-in?step=second-factor');
      const pending = (
        await get('/api/v1/auth/sso/pending', { cookies: { [SESSION_COOKIE]: r.token! } })
      ).json() as {
        factors: string[];
      };
      assert.ok(pending.factors.includes('totp'));
      clock.advance(30_000);
      const done = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login/second-factor',
        headers: { cookie: `${SESSION_COOKIE}=${r.token}` },
        payload: { factor: 'totp', code: totpAt(staff.totpSecret!, clock.now()) },
      });
      assert.equal(done.statusCode, 200, done.body);
      const token = cookieOf(done)!;
      assert.notEqual(token, r.token, 'a new token after the second factor');
      const s = (await session(token)).json() as { user: { id: string }; session: { secondFactor: string } };
      assert.deepEqual([s.user.id, s.session.secondFactor], [staff.id, 'totp']);
      const link = await t.database.db
        .selectFrom('sso_identities')
        .selectAll()
        .where('user_id', '=', staff.id)
        .executeTakeFirstOrThrow();
      assert.deepEqual([link.provider, link.subject], ['preidp', sub]);
      assert.ok((await auditOf(t, 'staff_user.sso_linked')).some((x) => x.target_id === staff.id));
      // The administrator sees the link.
      const ids = await t.call('GET', `/api/v1/users/${staff.id}/sso-identities`);
      assert.equal(ids.statusCode, 200);
      assert.deepEqual(
        (ids.json() as { items: { provider: string; providerName: string }[] }).items.map((i) => [
          i.provider,
          i.providerName,
        ]),
        [['preidp', 'Pre-provisioned IdP']],
      );
    });

    it('pre-provisioned: unknown e-mail, unverified e-mail and a disabled user are refused', async () => {
      op.accounts.set('pre-unknown', { sub: 'pre-unknown', email: 'nobody@firm.test', email_verified: true });
      let r = await signIn('preidp', { accountId: 'pre-unknown' });
      assert.equal(r.res.headers.location, '/sign-in?sso_error=not_allowed');
      assert.equal(r.token, null);
      assert.equal(await lastRefusal(), 'not_provisioned');

      const staff = await createStaff(t);
      op.accounts.set('pre-unverified', {
        sub: 'pre-unverified',
        email: `${staff.username}@firm.test`,
        email_verified: false,
      });
      r = await signIn('preidp', { accountId: 'pre-unverified' });
      assert.equal(r.res.headers.location, '/sign-in?sso_error=not_allowed');
      assert.equal(await lastRefusal(), 'email_unverified');

      const disabled = await createStaff(t);
      await disableStaffUser(t.ctx, { userId: disabled.id });
      op.accounts.set('pre-disabled', {
        sub: 'pre-disabled',
        email: `${disabled.username}@firm.test`,
        email_verified: true,
      });
      r = await signIn('preidp', { accountId: 'pre-disabled', amr: ['mfa'] });
      assert.equal(r.res.headers.location, '/sign-in?sso_error=disabled');
      assert.equal(r.token, null);
      assert.equal(await lastRefusal(), 'user_disabled');
      // Nothing half-written: the refused link was rolled back.
      assert.equal(
        (
          await t.database.db
            .selectFrom('sso_identities')
            .select('subject')
            .where('user_id', '=', disabled.id)
            .execute()
        ).length,
        0,
      );
    });

    it('JIT: no mapped group is refused; a name taken by another user is never taken over', async () => {
      const a = account({ groups: ['someone-else'] });
      let r = await signIn('testidp', { accountId: a.sub, amr: ['mfa'] });
      assert.equal(r.res.headers.location, '/sign-in?sso_error=not_allowed');
      assert.equal(await lastRefusal(), 'no_mapped_group');
      const existing = await createStaff(t);
      const b = account({ username: existing.username });
      r = await signIn('testidp', { accountId: b.sub, amr: ['mfa'] });
      assert.equal(r.res.headers.location, '/sign-in?sso_error=not_allowed');
      assert.equal(await lastRefusal(), 'account_conflict');
      assert.equal(
        (
          await t.database.db
            .selectFrom('sso_identities')
            .select('user_id')
            .where('user_id', '=', existing.id)
            .execute()
        ).length,
        0,
      );
    });

    /** Signs a JIT user in with these groups; their id, and a way to give them a role by hand. */
    async function jitUser(groups: string[]) {
      const a = account({ groups });
      await signIn('testidp', { accountId: a.sub, amr: ['mfa'] });
      const { id } = await t.database.db
        .selectFrom('staff_users')
        .select('id')
        .where('username', '=', a.username)
        .executeTakeFirstOrThrow();
      const giveByHand = (roleId: string) =>
        t.database.db
          .insertInto('staff_user_roles')
          .values({ user_id: id, role_id: roleId, created_at: new Date(), created_by: 'test' })
          .execute();
      return { a, user: { id }, giveByHand };
    }

    it('groups map to roles at every sign-in; only what SSO gave is taken away', async () => {
      const { a, user, giveByHand } = await jitUser(['dossier-analysts']);
      // An administrator also gives the Auditor role by hand.
      await giveByHand(BUILT_IN_ROLE_IDS.auditor);
      op.accounts.get(a.sub)!.groups = ['dossier-auditors'];
      const r = await signIn('testidp', { accountId: a.sub, amr: ['mfa'] });
      assert.equal(r.res.headers.location, '/');
      const roles = (
        await t.database.db
          .selectFrom('staff_user_roles')
          .select('role_id')
          .where('user_id', '=', user.id)
          .execute()
      ).map((x) => x.role_id);
      assert.deepEqual(
        roles,
        [BUILT_IN_ROLE_IDS.auditor],
        'Analyst (from SSO) removed, Auditor (by hand) kept',
      );
      const changed = (await auditOf(t, 'staff_user.sso_grants_changed')).filter(
        (x) => x.target_id === user.id,
      );
      assert.deepEqual((changed.at(-1)!.payload as { rolesRemoved: string[] }).rolesRemoved, [
        BUILT_IN_ROLE_IDS.analyst,
      ]);
      // Auditor was held already (by hand): it stays the administrator's, so SSO never removes it.
      const rows = await t.database.db
        .selectFrom('staff_user_roles')
        .select(['role_id', 'source'])
        .where('user_id', '=', user.id)
        .execute();
      assert.deepEqual(rows, [{ role_id: BUILT_IN_ROLE_IDS.auditor, source: 'manual' }]);
    });

    it('a role set that would break separation of duties refuses the sign-in; nothing changes', async () => {
      const { a, user, giveByHand } = await jitUser(['dossier-auditors']);
      const held = () =>
        t.database.db
          .selectFrom('staff_user_roles')
          .select(['role_id', 'source'])
          .where('user_id', '=', user.id)
          .orderBy('role_id')
          .execute();
      assert.deepEqual(await held(), [{ role_id: BUILT_IN_ROLE_IDS.auditor, source: 'sso:testidp' }]);
      // An administrator gives Administrator (user:manage); Analyst (application:transition) would
      // then break a seeded rule.
      await giveByHand(BUILT_IN_ROLE_IDS.administrator);
      op.accounts.get(a.sub)!.groups = ['dossier-analysts'];
      const r = await signIn('testidp', { accountId: a.sub, amr: ['mfa'] });
      assert.equal(r.res.headers.location, '/sign-in?sso_error=not_allowed');
      assert.equal(r.token, null);
      assert.equal(await lastRefusal(), 'separation_of_duties');
      // Rolled back: the SSO Auditor grant is not removed either.
      assert.deepEqual(await held(), [
        { role_id: BUILT_IN_ROLE_IDS.administrator, source: 'manual' },
        { role_id: BUILT_IN_ROLE_IDS.auditor, source: 'sso:testidp' },
      ]);
    });

    it('a replayed state (the same callback twice) is refused and audited', async () => {
      const a = account();
      const c = await toCallback('testidp', { accountId: a.sub, amr: ['mfa'] });
      const first = await callback(c.path, c.binding, c.ip);
      assert.equal(first.headers.location, '/');
      const again = await callback(c.path, c.binding, c.ip);
      assert.equal(again.headers.location, '/sign-in?sso_error=expired');
      assert.equal(cookieOf(again), null);
      assert.equal(await lastRefusal(), 'state_replayed');
      // A state nobody issued.
      const forged = await callback(`${CB('testidp')}?code=x&state=${'A'.repeat(43)}`, c.binding);
      assert.equal(forged.headers.location, '/sign-in?sso_error=expired');
      assert.equal(await lastRefusal(), 'state_unknown');
    });

    it('login CSRF: a callback without the browser binding of its start is refused', async () => {
      const a = account();
      const c = await toCallback('testidp', { accountId: a.sub, amr: ['mfa'] });
      // The attacker's callback URL loaded in a victim's browser: the victim has no (or another) binding.
      const victim = await callback(c.path, null);
      assert.equal(victim.headers.location, '/sign-in?sso_error=expired');
      assert.equal(cookieOf(victim), null);
      assert.equal(await lastRefusal(), 'browser_mismatch');
      const other = await callback(c.path, 'B'.repeat(43));
      assert.equal(cookieOf(other), null);
    });

    it('an attempt older than 10 minutes is refused', async () => {
      const a = account();
      const c = await toCallback('testidp', { accountId: a.sub, amr: ['mfa'] });
      clock.advance(10 * 60_000 + 1000);
      const r = await callback(c.path, c.binding, c.ip);
      assert.equal(r.headers.location, '/sign-in?sso_error=expired');
      assert.equal(await lastRefusal(), 'state_expired');
    });

    it('a tampered ID token (signature or payload) is refused', async () => {
      const flip = (s: string, at: number) => s.slice(0, at) + (s[at] === 'A' ? 'B' : 'A') + s.slice(at + 1);
      for (const part of ['signature', 'payload'] as const) {
        const a = account();
        op.tokenHook = (body) => {
          const [h, p, sig] = body.id_token!.split('.');
          if (part === 'signature') return { ...body, id_token: `${h}.${p}.${flip(sig!, 10)}` };
          const claims = JSON.parse(Buffer.from(p!, 'base64url').toString()) as Record<string, unknown>;
          claims['groups'] = ['dossier-analysts', 'admins'];
          return {
            ...body,
            id_token: `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${sig}`,
          };
        };
        try {
          const r = await signIn('testidp', { accountId: a.sub, amr: ['mfa'] });
          assert.equal(r.res.headers.location, '/sign-in?sso_error=failed', part);
          assert.equal(r.token, null);
          assert.equal(await lastRefusal(), 'signature_invalid', part);
        } finally {
          op.tokenHook = null;
        }
      }
    });

    it('an ID token for another audience, from another issuer, expired or with a foreign azp is refused', async () => {
      const now = Math.floor(Date.now() / 1000);
      const cases: [string, (c: Record<string, unknown>) => Record<string, unknown>][] = [
        ['wrong_audience', (c) => ({ ...c, aud: 'another-app' })],
        ['wrong_audience', (c) => ({ ...c, aud: [op.clientId, 'another-app'], azp: 'another-app' })],
        ['wrong_issuer', (c) => ({ ...c, iss: 'https://evil.example' })],
        ['token_expired', (c) => ({ ...c, iat: now - 7200, exp: now - 3600 })],
      ];
      for (const [reason, change] of cases) {
        const a = account();
        op.tokenHook = async (body) => {
          const claims = JSON.parse(Buffer.from(body.id_token!.split('.')[1]!, 'base64url').toString());
          return { ...body, id_token: await op.sign(change(claims)) };
        };
        try {
          const r = await signIn('testidp', { accountId: a.sub, amr: ['mfa'] });
          assert.equal(r.res.headers.location, '/sign-in?sso_error=failed', reason);
          assert.equal(r.token, null);
          assert.equal(await lastRefusal(), reason);
        } finally {
          op.tokenHook = null;
        }
      }
    });

    it('a replayed nonce (an ID token of an earlier sign-in) is refused', async () => {
      const a = account();
      const first = await signIn('testidp', { accountId: a.sub, amr: ['mfa'] });
      assert.equal(first.res.headers.location, '/');
      const earlier = op.tokenAnswers.at(-1)!.id_token!;
      op.tokenHook = (body) => ({ ...body, id_token: earlier });
      try {
        const r = await signIn('testidp', { accountId: a.sub, amr: ['mfa'] });
        assert.equal(r.res.headers.location, '/sign-in?sso_error=failed');
        assert.equal(r.token, null);
        assert.equal(await lastRefusal(), 'nonce_replayed');
      } finally {
        op.tokenHook = null;
      }
    });

    it('ID tokens signed with alg none or HS256 (the client secret) are refused', async () => {
      for (const alg of ['none', 'HS256']) {
        const a = account();
        op.tokenHook = async (body) => {
          const claims = JSON.parse(Buffer.from(body.id_token!.split('.')[1]!, 'base64url').toString());
          return { ...body, id_token: await op.sign(claims, { alg }) };
        };
        try {
          const r = await signIn('testidp', { accountId: a.sub, amr: ['mfa'] });
          assert.equal(r.res.headers.location, '/sign-in?sso_error=failed', alg);
          assert.equal(r.token, null);
          assert.equal(await lastRefusal(), 'algorithm_refused', alg);
        } finally {
          op.tokenHook = null;
        }
      }
    });

    it('the provider refusing (user cancelled) gives a fixed code, never its text', async () => {
      const start = await get('/api/v1/auth/sso/testidp/start', { ip: nextIp() });
      const state = new URL(start.headers.location as string).searchParams.get('state')!;
      const r = await callback(
        `${CB('testidp')}?error=access_denied&error_description=%3Cscript%3Ealert(1)%3C%2Fscript%3E&state=${state}`,
        bindingOf(start),
      );
      assert.equal(r.headers.location, '/sign-in?sso_error=failed');
      assert.equal(await lastRefusal(), 'provider_error');
    });

    it('starting is limited per source address; an unknown provider is 404', async () => {
      const ip = '198.51.100.77';
      let last: LightMyRequestResponse | null = null;
      for (let i = 0; i < 31; i++) last = await get('/api/v1/auth/sso/testidp/start', { ip });
      assert.equal(last!.headers.location, '/sign-in?sso_error=rate_limited');
      assert.equal((await get('/api/v1/auth/sso/nope/start')).statusCode, 404);
      // Started by another site (an image or a link elsewhere): no attempt, the sign-in page instead.
      const attempts = async () =>
        Number(
          (
            await t.database.db
              .selectFrom('sso_login_attempts')
              .select((eb) => eb.fn.countAll<string>().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      const before = await attempts();
      const cross = await t.app.inject({
        method: 'GET',
        url: '/api/v1/auth/sso/testidp/start',
        headers: { 'sec-fetch-site': 'cross-site' },
        remoteAddress: nextIp(),
      });
      assert.equal(cross.headers.location, '/sign-in');
      assert.equal(await attempts(), before);
      const cb = await get(`${CB('nope')}?state=x&code=y`);
      assert.equal(cb.headers.location, '/sign-in?sso_error=failed');
    });

    async function activeSsoSession() {
      const a = account();
      const r = await signIn('testidp', { accountId: a.sub, amr: ['mfa'] });
      const row = await t.database.db
        .selectFrom('sessions')
        .select(['id', 'sso_sid', 'sso_subject', 'user_id'])
        .where('sso_provider', '=', 'testidp')
        .orderBy('created_at', 'desc')
        .executeTakeFirstOrThrow();
      assert.ok(row.sso_sid);
      return { token: r.token!, row, sub: a.sub };
    }

    function backchannel(token: string, provider = 'testidp') {
      return t.app.inject({
        method: 'POST',
        url: `/api/v1/auth/sso/${provider}/backchannel-logout`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ logout_token: token }).toString(),
      });
    }

    const logoutClaims = (o: { sid?: string; sub?: string }) => ({
      iss: op.issuer,
      aud: op.clientId,
      iat: Math.floor(Date.now() / 1000),
      jti: Math.random().toString(36).slice(2),
      events: { 'http://schemas.openid.net/event/backchannel-logout': {} },
      ...o,
    });

    it('back-channel logout ends the session; a replayed or wrongly signed token is refused', async () => {
      const s = await activeSsoSession();
      const token = await op.sign(logoutClaims({ sid: s.row.sso_sid!, sub: s.sub }), { typ: 'logout+jwt' });
      const res = await backchannel(token);
      assert.equal(res.statusCode, 200, res.body);
      assert.match(String(res.headers['cache-control']), /no-store/);
      assert.equal((await session(s.token)).statusCode, 401);
      const ended = await t.database.db
        .selectFrom('sessions')
        .select('end_reason')
        .where('id', '=', s.row.id)
        .executeTakeFirstOrThrow();
      assert.equal(ended.end_reason, 'sso_logout');
      assert.ok(
        (await auditOf(t, 'session.ended')).some(
          (e) => e.target_id === s.row.id && (e.payload as { reason: string }).reason === 'sso_logout',
        ),
      );
      // The same token again: replay.
      const replay = await backchannel(token);
      assert.equal(replay.statusCode, 400);
      assert.equal((replay.json() as { error: string }).error, 'invalid_request');
      const refusals = await auditOf(t, 'auth.sso_logout_refused');
      assert.equal((refusals.at(-1)!.payload as { reason: string }).reason, 'logout_token_replayed');

      // Signed by a key the provider does not publish (same kid): refused, session untouched.
      const s2 = await activeSsoSession();
      const forged = await op.sign(logoutClaims({ sid: s2.row.sso_sid! }), { key: op.foreignKey });
      assert.equal((await backchannel(forged)).statusCode, 400);
      assert.equal((await session(s2.token)).statusCode, 200);
      assert.equal(
        ((await auditOf(t, 'auth.sso_logout_refused')).at(-1)!.payload as { reason: string }).reason,
        'signature_invalid',
      );
      // Right key, but a nonce, no event, another audience, alg HS256 or too old: refused.
      const bad = [
        { ...logoutClaims({ sid: s2.row.sso_sid! }), nonce: 'n' },
        { ...logoutClaims({ sid: s2.row.sso_sid! }), events: {} },
        { ...logoutClaims({ sid: s2.row.sso_sid! }), aud: 'another-app' },
        { ...logoutClaims({ sid: s2.row.sso_sid! }), iat: Math.floor(Date.now() / 1000) - 3600 },
        { ...logoutClaims({}) },
      ];
      for (const claims of bad) assert.equal((await backchannel(await op.sign(claims))).statusCode, 400);
      assert.equal(
        (await backchannel(await op.sign(logoutClaims({ sid: s2.row.sso_sid! }), { alg: 'HS256' })))
          .statusCode,
        400,
      );
      assert.equal((await backchannel('not.a.jwt')).statusCode, 400);
      assert.equal(
        (
          await t.app.inject({
            method: 'POST',
            url: '/api/v1/auth/sso/testidp/backchannel-logout',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            payload: '',
          })
        ).statusCode,
        400,
      );
      assert.equal((await session(s2.token)).statusCode, 200, 'no refused token ended anything');
      // By subject alone: every session of that subject at this provider.
      const bySub = await backchannel(await op.sign(logoutClaims({ sub: s2.sub })));
      assert.equal(bySub.statusCode, 200);
      assert.equal((await session(s2.token)).statusCode, 401);
    });

    it("front-channel logout ends the session with that sid, only for the provider's issuer", async () => {
      const s = await activeSsoSession();
      const url = (iss: string) =>
        `/api/v1/auth/sso/testidp/frontchannel-logout?iss=${encodeURIComponent(iss)}&sid=${encodeURIComponent(s.row.sso_sid!)}`;
      const wrong = await get(url('https://evil.example'));
      assert.equal(wrong.statusCode, 200);
      assert.equal((await session(s.token)).statusCode, 200);
      const right = await get(url(op.issuer));
      assert.equal(right.statusCode, 200);
      assert.match(String(right.headers['cache-control']), /no-store/);
      assert.equal((await session(s.token)).statusCode, 401);
      // Not enabled for the other provider: nothing happens there.
      assert.equal(
        (await get(`/api/v1/auth/sso/preidp/frontchannel-logout?iss=${op.issuer}&sid=x`)).statusCode,
        200,
      );
    });

    it("signing out of an SSO session gives the provider's end-session URL", async () => {
      const s = await activeSsoSession();
      const csrf = ((await session(s.token)).json() as { session: { csrfToken: string } }).session.csrfToken;
      const out = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/sso/logout',
        headers: { cookie: `${SESSION_COOKIE}=${s.token}`, 'x-csrf-token': csrf },
      });
      assert.equal(out.statusCode, 200, out.body);
      const url = new URL((out.json() as { endSessionUrl: string }).endSessionUrl);
      assert.equal(url.origin, op.issuer);
      assert.equal(url.searchParams.get('client_id'), op.clientId);
      assert.equal(url.searchParams.get('post_logout_redirect_uri'), 'https://localhost:8443/sign-in');
      assert.equal(url.searchParams.get('id_token_hint')?.split('.').length, 3);
      assert.equal((await session(s.token)).statusCode, 401);
      // The provider accepts it (shows its sign-out confirmation).
      const ca = readFileSync(op.caFile, 'utf8');
      const status = await new Promise<number>((resolve, reject) =>
        https
          .get(url, { ca }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          })
          .on('error', reject),
      );
      assert.equal(status, 200);
      // A password session signs out the same way, with no provider URL.
      const staff = await createStaff(t, { totp: true });
      const pw = await signInWithTotp(t, staff, clock);
      const out2 = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/sso/logout',
        headers: { cookie: `${SESSION_COOKIE}=${pw.token}`, 'x-csrf-token': pw.csrf },
      });
      assert.deepEqual(out2.json(), { endSessionUrl: null });
      // Without the CSRF token: refused by the gate.
      const s3 = await activeSsoSession();
      const noCsrf = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/sso/logout',
        headers: { cookie: `${SESSION_COOKIE}=${s3.token}` },
      });
      assert.equal(noCsrf.statusCode, 403);
    });

    // ---- step-up by re-authentication at the provider ------------------------------------------

    /** An SSO session (provider MFA) whose step-up window after sign-in has passed. */
    async function ssoSessionNeedingStepUp() {
      // The provider's clock (auth_time) is wall time: the sign-in clock back to it.
      clock.advance(Date.now() - clock.now().getTime());
      const a = account();
      const r = await signIn('testidp', { accountId: a.sub, amr: ['mfa'] });
      // By its token: earlier tests moved the sign-in clock on, so "the latest" is not this one.
      const row = await t.database.db
        .selectFrom('sessions')
        .select(['id', 'user_id'])
        .where('token_hash', '=', hashSessionToken(r.token!))
        .executeTakeFirstOrThrow();
      const s = { token: r.token!, row, sub: a.sub };
      const csrf = ((await session(s.token)).json() as { session: { csrfToken: string } }).session.csrfToken;
      await t.database.db
        .updateTable('sessions')
        .set({ second_factor_at: new Date(Date.now() - 3_600_000) })
        .where('id', '=', s.row.id)
        .execute();
      return { ...s, csrf };
    }

    function post(url: string, o: { token: string; csrf?: string; body?: object; ip?: string }) {
      return t.app.inject({
        method: 'POST',
        url,
        headers: {
          cookie: `${SESSION_COOKIE}=${o.token}`,
          ...(o.csrf ? { 'x-csrf-token': o.csrf } : {}),
        },
        remoteAddress: o.ip ?? nextIp(),
        ...(o.body ? { payload: o.body } : {}),
      });
    }

    /** The sensitive call that needs a step-up: starting to enrol an authenticator app. */
    const enrolTotp = (token: string, csrf: string) =>
      post('/api/v1/auth/factors/totp', { token, csrf, ip: '127.0.0.1' });

    /** Starts the step-up and goes through the provider; the callback path and binding cookie. */
    async function stepUpToCallback(
      s: { token: string; csrf: string },
      login: NextLogin,
      returnTo = '/sessions',
    ) {
      const start = await post('/api/v1/auth/sso/step-up/start', {
        token: s.token,
        csrf: s.csrf,
        body: { returnTo },
      });
      assert.equal(start.statusCode, 200, start.body);
      const binding = bindingOf(start);
      assert.ok(binding);
      op.nextLogin = login;
      try {
        const back = await followProvider(op, (start.json() as { url: string }).url);
        assert.equal(back.pathname, CB('testidp'));
        return { path: `${back.pathname}${back.search}`, binding, start };
      } finally {
        op.nextLogin = null;
      }
    }

    async function refusedStepUp(
      s: { token: string; csrf: string; row: { id: string } },
      res: LightMyRequestResponse,
      reason: string,
      code: string,
    ) {
      assert.equal(res.statusCode, 302);
      assert.equal(res.headers.location, `/sessions?step_up_error=${code}`);
      assert.equal(cookieOf(res), null, 'no session cookie on a refusal');
      assert.equal(await lastRefusal(), reason);
      const refused = (await auditOf(t, 'auth.sso_refused')).at(-1)!.payload as { stepUpSessionId: string };
      assert.equal(refused.stepUpSessionId, s.row.id);
      // The session is as it was: live, still not stepped up.
      assert.equal((await session(s.token)).statusCode, 200);
      assert.equal((await enrolTotp(s.token, s.csrf)).statusCode, 403);
    }

    it('step-up at the provider: max_age=0, prompt=login; the session gets a fresh second factor', async () => {
      const s = await ssoSessionNeedingStepUp();
      const offer = await get('/api/v1/auth/sso/step-up', { cookies: { [SESSION_COOKIE]: s.token } });
      assert.deepEqual(offer.json(), { provider: { id: 'testidp', displayName: 'Test IdP' } });
      const refused = await enrolTotp(s.token, s.csrf);
      assert.equal(refused.statusCode, 403);
      assert.equal((refused.json() as { reason: string }).reason, 'step_up_required');

      const before = op.authRequests.length;
      const c = await stepUpToCallback(s, { accountId: s.sub, amr: ['pwd', 'mfa'] }, '/applications?tab=x');
      const q = op.authRequests[before]!;
      assert.equal(q.get('max_age'), '0');
      assert.equal(q.get('prompt'), 'login');
      assert.equal(q.get('code_challenge_method'), 'S256');
      assert.ok((q.get('state') ?? '').length >= 32 && (q.get('nonce') ?? '').length >= 32);
      assert.deepEqual((q.get('scope') ?? '').split(' ').sort(), ['email', 'groups', 'openid', 'profile']);
      assert.equal(typeof op.tokenAnswers.at(-1)!.id_token, 'string');
      const bc = c.start.cookies.find((x) => x.name === SSO_BINDING_COOKIE)!;
      assert.deepEqual([bc.httpOnly, bc.secure, bc.sameSite], [true, true, 'Lax']);

      const sessionsBefore = await t.database.db
        .selectFrom('sessions')
        .select('id')
        .where('user_id', '=', s.row.user_id)
        .execute();
      const done = await callback(c.path, c.binding);
      assert.equal(done.statusCode, 302, done.body);
      assert.equal(done.headers.location, '/applications?tab=x&step_up=done');
      // The same session with a new token (as every step-up); the old token is dead; no new session.
      const token = cookieOf(done)!;
      assert.ok(token && token !== s.token);
      assert.equal((await session(s.token)).statusCode, 401);
      const view = (await session(token)).json() as {
        session: { id: string; secondFactor: string; steppedUpUntil: string | null; csrfToken: string };
      };
      assert.equal(view.session.id, s.row.id);
      assert.equal(view.session.secondFactor, 'sso');
      assert.ok(view.session.steppedUpUntil);
      const sessionsAfter = await t.database.db
        .selectFrom('sessions')
        .select('id')
        .where('user_id', '=', s.row.user_id)
        .execute();
      assert.deepEqual(sessionsAfter, sessionsBefore);
      const stepped = (await auditOf(t, 'auth.stepped_up')).at(-1)!;
      assert.deepEqual(stepped.payload, { factor: 'sso', sessionId: s.row.id });
      assert.equal(stepped.target_id, s.row.user_id);
      assert.ok((await auditOf(t, 'auth.sso_step_up_started')).length > 0);
      // The call refused before now works.
      const ok = await enrolTotp(token, view.session.csrfToken);
      assert.equal(ok.statusCode, 200, ok.body);
      // A replayed state (the same callback again) is refused, back to the page with a coarse code.
      const again = await callback(c.path, c.binding);
      assert.equal(again.headers.location, '/applications?tab=x&step_up_error=expired');
      assert.equal(await lastRefusal(), 'state_replayed');
      assert.equal(cookieOf(again), null);
    });

    it('step-up: an ID token for another subject (another account at the provider) is refused', async () => {
      const s = await ssoSessionNeedingStepUp();
      const other = account();
      // Other is a real account of the provider (it may even have signed in to Dossier before).
      const c = await stepUpToCallback(s, { accountId: other.sub, amr: ['mfa'] });
      await refusedStepUp(s, await callback(c.path, c.binding), 'step_up_subject_mismatch', 'wrong_account');
    });

    it('step-up: a provider that did not authenticate again (old or no auth_time) is refused', async () => {
      const s = await ssoSessionNeedingStepUp();
      // The provider answers with its earlier login's time (as one ignoring max_age=0 would).
      op.tokenHook = async (body) => ({
        ...body,
        id_token: await op.reissue(body.id_token!, { auth_time: Math.floor(Date.now() / 1000) - 1800 }),
      });
      try {
        const c = await stepUpToCallback(s, { accountId: s.sub, amr: ['mfa'] });
        await refusedStepUp(s, await callback(c.path, c.binding), 'step_up_not_reauthenticated', 'failed');
        op.tokenHook = async (body) => ({
          ...body,
          id_token: await op.reissue(body.id_token!, { auth_time: undefined }),
        });
        const c2 = await stepUpToCallback(s, { accountId: s.sub, amr: ['mfa'] });
        await refusedStepUp(s, await callback(c2.path, c2.binding), 'step_up_not_reauthenticated', 'failed');
      } finally {
        op.tokenHook = null;
      }
    });

    it('step-up: without an accepted MFA amr/acr from the provider it is refused', async () => {
      const s = await ssoSessionNeedingStepUp();
      const c = await stepUpToCallback(s, { accountId: s.sub, amr: ['pwd'] });
      await refusedStepUp(s, await callback(c.path, c.binding), 'step_up_no_mfa', 'no_mfa');
    });

    it('step-up: from another browser (no or another binding cookie) it is refused', async () => {
      const s = await ssoSessionNeedingStepUp();
      const c = await stepUpToCallback(s, { accountId: s.sub, amr: ['mfa'] });
      await refusedStepUp(s, await callback(c.path, null), 'browser_mismatch', 'expired');
      const c2 = await stepUpToCallback(s, { accountId: s.sub, amr: ['mfa'] });
      const another = await get(`/api/v1/auth/sso/testidp/start`, { ip: nextIp() });
      await refusedStepUp(s, await callback(c2.path, bindingOf(another)), 'browser_mismatch', 'expired');
    });

    it('step-up: the session ended meanwhile, or the browser presents another session: refused', async () => {
      const s = await ssoSessionNeedingStepUp();
      const other = await ssoSessionNeedingStepUp();
      const c = await stepUpToCallback(s, { accountId: s.sub, amr: ['mfa'] });
      const res = await get(c.path, {
        cookies: { [SSO_BINDING_COOKIE]: c.binding, [SESSION_COOKIE]: other.token },
      });
      await refusedStepUp(s, res, 'step_up_session_ended', 'expired');
      const c2 = await stepUpToCallback(s, { accountId: s.sub, amr: ['mfa'] });
      await t.database.db
        .updateTable('sessions')
        .set({ ended_at: new Date(), end_reason: 'logout' })
        .where('id', '=', s.row.id)
        .execute();
      const ended = await callback(c2.path, c2.binding);
      assert.equal(ended.headers.location, '/sessions?step_up_error=expired');
      assert.equal(await lastRefusal(), 'step_up_session_ended');
      assert.equal(cookieOf(ended), null);
    });

    it('step-up start: only for SSO sessions, with the CSRF token and a relative return path', async () => {
      const staff = await createStaff(t, { totp: true });
      const pw = await signInWithTotp(t, staff, clock);
      const offer = await get('/api/v1/auth/sso/step-up', { cookies: { [SESSION_COOKIE]: pw.token } });
      assert.deepEqual(offer.json(), { provider: null });
      const attempts = async () =>
        Number(
          (
            await t.database.db
              .selectFrom('sso_login_attempts')
              .select((eb) => eb.fn.countAll<string>().as('n'))
              .where('purpose', '=', 'step_up')
              .executeTakeFirstOrThrow()
          ).n,
        );
      const n0 = await attempts();
      const notSso = await post('/api/v1/auth/sso/step-up/start', {
        token: pw.token,
        csrf: pw.csrf,
        body: { returnTo: '/sessions' },
      });
      assert.equal(notSso.statusCode, 403);
      assert.equal((notSso.json() as { reason: string }).reason, 'not_sso_session');

      const s = await ssoSessionNeedingStepUp();
      const noCsrf = await post('/api/v1/auth/sso/step-up/start', {
        token: s.token,
        body: { returnTo: '/sessions' },
      });
      assert.equal(noCsrf.statusCode, 403);
      for (const returnTo of [
        'https://evil.test/x',
        '//evil.test/x',
        '/\\evil.test',
        '/%2F%2Fevil.test',
        'javascript:alert(1)',
        '/api/v1/auth/session',
        '/a/../api/v1/x',
        '/sessions#x',
        'sessions',
      ]) {
        const res = await post('/api/v1/auth/sso/step-up/start', {
          token: s.token,
          csrf: s.csrf,
          body: { returnTo },
        });
        assert.equal(res.statusCode, 400, `${returnTo}: ${res.body}`);
      }
      assert.equal(await attempts(), n0, 'no attempt was recorded');
      // Not signed in at all: 401.
      const anon = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/sso/step-up/start',
        payload: { returnTo: '/sessions' },
      });
      assert.equal(anon.statusCode, 401);
    });

    it('housekeeping purges attempts and logout-token records past their use', async () => {
      const { purgeAuthState } = await import('../../../modules/auth/housekeeping.ts');
      const r = await purgeAuthState(t.database.db, {
        now: new Date(Date.now() + 3 * 24 * 3_600_000),
        throttle: t.auth.signIn.throttle,
      });
      assert.ok(r.sso > 0);
      const left = await t.database.db
        .selectFrom('sso_login_attempts')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow();
      assert.equal(Number(left.n), 0);
    });
  });
}
