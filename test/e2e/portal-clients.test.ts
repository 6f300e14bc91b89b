/**
 * Client users on the portal, end to end over the real mTLS link: staff create organisations and
 * users and send invitations; a client opens the invitation, passes the SMS code sent to the invited
 * phone, chooses a password, signs in again with password and second factor, sees only their own
 * organisation's applications. Attacks: reused, tampered and expired-by-replacement invitations; a
 * code from the wrong phone; CSRF-less sign-out; a staff session on the portal; a client session on
 * the internal API; a link call with the portal certificate but no client session.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { createPki, type PkiFiles } from '../../src/platform/crypto/pki.ts';
import { buildLinkApp } from '../../src/servers/internal/link/build-link-app.ts';
import { PORTAL_COOKIE } from '../../src/servers/portal/client-routes.ts';
import { buildPortalApp } from '../../src/servers/portal/build-app.ts';
import { createLinkClient, type LinkClient } from '../../src/servers/portal/link-client.ts';
import type { App } from '../../src/servers/shared/create-http-app.ts';
import { startTestApp, testConfig, type TestApp } from '../support/app.ts';
import { createStaff, controlClock, signInWithTotp } from '../support/auth.ts';
import { backends } from '../support/db.ts';
import { makeApplication } from '../support/factories-applications.ts';

const PASSWORD = 'amber lantern quietly 29';

for (const backend of backends) {
  describe(`client portal over the link (${backend.kind})`, () => {
    let t: TestApp;
    let root: string;
    let pki: PkiFiles;
    let link: App;
    let portal: App;
    let linkClient: LinkClient;
    let orgA: string;
    let orgB: string;
    let userA: string;
    let appA: string;
    let appB: string;

    const read = (p: string) => readFileSync(p, 'utf8');
    const portalCall = (
      method: 'GET' | 'POST',
      url: string,
      o: { cookie?: string | null; csrf?: string; body?: unknown; headers?: Record<string, string> } = {},
    ) =>
      portal.inject({
        method,
        url,
        headers: {
          ...o.headers,
          ...(o.cookie ? { cookie: `${PORTAL_COOKIE}=${o.cookie}` } : {}),
          ...(o.csrf ? { 'x-csrf-token': o.csrf } : {}),
        },
        ...(o.body !== undefined ? { payload: o.body as object } : method === 'POST' ? { payload: {} } : {}),
      });
    const cookieOf = (res: LightMyRequestResponse) =>
      res.cookies.find((c) => c.name === PORTAL_COOKIE)?.value ?? null;
    const invitationToken = (email: string) => {
      const mail = [...t.mailOutbox.messages()].reverse().find((m) => m.to === email);
      const m = mail?.text.match(/#token=([A-Za-z0-9_-]+)/);
      assert.ok(m, `an invitation e-mail to ${email}`);
      return m[1]!;
    };
    const lastSmsCode = () => {
      const msgs = t.smsOutbox.messages();
      const m = msgs.at(-1)?.body.match(/(\d{6})/);
      assert.ok(m, 'an SMS code');
      return m[1]!;
    };
    const staffCall = (method: string, url: string, body?: unknown) =>
      t.call(method, url, { token: t.adminToken, ...(body !== undefined ? { body } : {}) });

    before(async () => {
      t = await startTestApp(backend);
      root = mkdtempSync(join(tmpdir(), 'dossier-portal-'));
      pki = await createPki(join(root, 'pki'));
      const config = testConfig({ DOSSIER_DATA_DIR: root });
      link = await buildLinkApp(
        { config, database: t.database, keyring: t.ctx.keyring, auth: t.auth, documents: t.documents },
        {
          logger: false,
          tls: { cert: read(pki.internalCert), key: read(pki.internalKey), ca: read(pki.caCert) },
        },
      );
      await link.listen({ host: '127.0.0.1', port: 0 });
      const port = (link.server.address() as { port: number }).port;
      linkClient = createLinkClient({
        url: `https://localhost:${port}`,
        cert: read(pki.portalLinkCert),
        key: read(pki.portalLinkKey),
        ca: read(pki.caCert),
        timeoutMs: 5000,
      });
      portal = await buildPortalApp({
        config: testConfig({ DOSSIER_DATA_DIR: root, DOSSIER_PORTAL_TLS: 'false' }),
        logger: false,
        linkClient,
      });
      await portal.ready();

      // Staff arrange two organisations with one user and one application each.
      const a = await staffCall('POST', '/api/v1/client-organisations', { name: 'Acme Holdings' });
      assert.equal(a.statusCode, 201, a.body);
      orgA = a.json().id;
      const b = await staffCall('POST', '/api/v1/client-organisations', { name: 'Borealis Ltd' });
      orgB = b.json().id;
      const ua = await staffCall('POST', `/api/v1/client-organisations/${orgA}/users`, {
        username: 'ana.client',
        email: 'ana@acme.test',
        displayName: 'Ana Client',
        role: 'owner',
        mobile: '+447700900123',
      });
      assert.equal(ua.statusCode, 201, ua.body);
      userA = ua.json().id;
      assert.equal(ua.json().status, 'invited');
      const ub = await staffCall('POST', `/api/v1/client-organisations/${orgB}/users`, {
        username: 'bob.client',
        email: 'bob@borealis.test',
        displayName: 'Bob Client',
        role: 'contributor',
        mobile: '+447700900456',
      });
      assert.equal(ub.statusCode, 201, ub.body);
      appA = (await makeApplication(t.ctx)).id;
      appB = (await makeApplication(t.ctx)).id;
      assert.equal(
        (await staffCall('PUT', `/api/v1/applications/${appA}/client-organisation`, { organisationId: orgA }))
          .statusCode,
        200,
      );
      assert.equal(
        (await staffCall('PUT', `/api/v1/applications/${appB}/client-organisation`, { organisationId: orgB }))
          .statusCode,
        200,
      );
    });

    after(async () => {
      await portal?.close();
      linkClient?.close();
      await link?.close();
      await t?.close();
      rmSync(root, { recursive: true, force: true });
    });

    let clientCookie: string;
    let clientCsrf: string;

    it('an invitation needs the code sent to the invited phone, then sets the password and signs in', async () => {
      const sent = await staffCall('POST', `/api/v1/client-users/${userA}/invitations`);
      assert.equal(sent.statusCode, 201, sent.body);
      assert.equal(sent.json().mailed, true);
      assert.equal(JSON.stringify(sent.json()).includes('token'), false, 'the API never returns the token');
      const token = invitationToken('ana@acme.test');

      const opened = await portalCall('POST', '/api/v1/invitations/open', {
        body: { invitationToken: token },
      });
      assert.equal(opened.statusCode, 200, opened.body);
      assert.deepEqual(opened.json().factors, ['sms']);
      assert.equal(opened.json().mobile, '••••0123');
      assert.equal('token' in opened.json(), false, 'the session token stays in the cookie');
      const pending = cookieOf(opened)!;
      assert.ok(pending);
      // Nothing about the client is shown before the second factor.
      assert.equal((await portalCall('GET', '/api/v1/me', { cookie: pending })).statusCode, 401);

      const sms = await portalCall('POST', '/api/v1/invitations/sms', {
        cookie: pending,
        body: { invitationToken: token },
      });
      assert.equal(sms.statusCode, 200, sms.body);
      assert.equal(t.smsOutbox.messages().at(-1)!.to, '+447700900123', 'only to the invited phone');
      const code = lastSmsCode();

      // A wrong code (someone with the link but another phone) is refused.
      const wrong = await portalCall('POST', '/api/v1/invitations/accept', {
        cookie: pending,
        body: {
          invitationToken: token,
          factor: 'sms',
          code: code === '000000' ? '111111' : '000000',
          password: PASSWORD,
        },
      });
      assert.equal(wrong.statusCode, 401, wrong.body);

      const accepted = await portalCall('POST', '/api/v1/invitations/accept', {
        cookie: pending,
        body: { invitationToken: token, factor: 'sms', code, password: PASSWORD },
      });
      assert.equal(accepted.statusCode, 200, accepted.body);
      clientCookie = cookieOf(accepted)!;
      clientCsrf = accepted.json().csrfToken;
      assert.notEqual(clientCookie, pending, 'a new token after the second factor');
      const me = await portalCall('GET', '/api/v1/me', { cookie: clientCookie });
      assert.equal(me.statusCode, 200, me.body);
      assert.equal(me.json().organisation.id, orgA);
      assert.equal(me.json().role, 'owner');

      // Reused: refused, and audited.
      const again = await portalCall('POST', '/api/v1/invitations/open', {
        body: { invitationToken: token },
      });
      assert.equal(again.statusCode, 401);
      assert.equal(again.json().reason, 'invitation_invalid');
      const tampered = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
      assert.equal(
        (await portalCall('POST', '/api/v1/invitations/open', { body: { invitationToken: tampered } }))
          .statusCode,
        401,
      );
      const refused = await t.database.db
        .selectFrom('audit_events')
        .select('payload')
        .where('type', '=', 'client_invitation.refused')
        .execute();
      const reasons = refused.map((r) => (r.payload as { reason: string }).reason);
      assert.ok(reasons.includes('used') && reasons.includes('unknown'), reasons.join(','));
    });

    it('a replaced invitation is refused', async () => {
      const ub = await staffCall('GET', `/api/v1/client-organisations/${orgB}/users`);
      const bob = ub.json().items[0].id;
      await staffCall('POST', `/api/v1/client-users/${bob}/invitations`);
      const first = invitationToken('bob@borealis.test');
      await staffCall('POST', `/api/v1/client-users/${bob}/invitations`);
      const second = invitationToken('bob@borealis.test');
      assert.notEqual(first, second);
      assert.equal(
        (await portalCall('POST', '/api/v1/invitations/open', { body: { invitationToken: first } }))
          .statusCode,
        401,
      );
      assert.equal(
        (await portalCall('POST', '/api/v1/invitations/open', { body: { invitationToken: second } }))
          .statusCode,
        200,
      );
    });

    it("a client sees only their own organisation's applications", async () => {
      const list = await portalCall('GET', '/api/v1/applications', { cookie: clientCookie });
      assert.equal(list.statusCode, 200, list.body);
      assert.deepEqual(
        list.json().items.map((i: { id: string }) => i.id),
        [appA],
      );
      assert.equal(
        (await portalCall('GET', `/api/v1/applications/${appA}`, { cookie: clientCookie })).statusCode,
        200,
      );
      const other = await portalCall('GET', `/api/v1/applications/${appB}`, { cookie: clientCookie });
      assert.equal(
        other.statusCode,
        404,
        "another organisation's application does not exist for this client",
      );
    });

    it('sign-out needs the CSRF token; afterwards the session is dead', async () => {
      const noCsrf = await portalCall('POST', '/api/v1/auth/logout', { cookie: clientCookie });
      assert.equal(noCsrf.statusCode, 403);
      assert.equal((await portalCall('GET', '/api/v1/me', { cookie: clientCookie })).statusCode, 200);
      const out = await portalCall('POST', '/api/v1/auth/logout', { cookie: clientCookie, csrf: clientCsrf });
      assert.equal(out.statusCode, 204, out.body);
      assert.equal((await portalCall('GET', '/api/v1/me', { cookie: clientCookie })).statusCode, 401);
    });

    it('signs in with username or e-mail, password and the SMS code; never without the second factor', async () => {
      const clock = controlClock(t);
      for (const name of ['ana.client', 'ANA@acme.test']) {
        clock.advance(61_000); // past the SMS cooldown
        const first = await portalCall('POST', '/api/v1/auth/login', {
          body: { username: name, password: PASSWORD },
        });
        assert.equal(first.statusCode, 200, first.body);
        assert.equal(first.json().status, 'second_factor');
        const pending = cookieOf(first)!;
        assert.equal((await portalCall('GET', '/api/v1/me', { cookie: pending })).statusCode, 401);
        assert.equal(
          (await portalCall('POST', '/api/v1/auth/login/sms', { cookie: pending })).statusCode,
          200,
        );
        const done = await portalCall('POST', '/api/v1/auth/login/second-factor', {
          cookie: pending,
          body: { factor: 'sms', code: lastSmsCode() },
        });
        assert.equal(done.statusCode, 200, done.body);
        assert.equal((await portalCall('GET', '/api/v1/me', { cookie: cookieOf(done)! })).statusCode, 200);
        clientCookie = cookieOf(done)!;
      }
      const bad = await portalCall('POST', '/api/v1/auth/login', {
        body: { username: 'ana.client', password: 'wrong' },
      });
      assert.equal(bad.statusCode, 401);
    });

    it('client and staff sessions cannot stand in for each other', async () => {
      // A client session on the internal staff API.
      const asStaff = await t.app.inject({
        method: 'GET',
        url: '/api/v1/auth/session',
        headers: { cookie: `__Host-dossier_session=${clientCookie}` },
      });
      assert.equal(asStaff.statusCode, 401);
      // A staff session on the portal.
      const staff = await createStaff(t, { totp: true, rights: ['client:manage'] });
      const clock = controlClock(t);
      const s = await signInWithTotp(t, staff, clock);
      assert.equal((await portalCall('GET', '/api/v1/me', { cookie: s.token })).statusCode, 401);
    });

    it('the link refuses client operations with the portal certificate but no client session', async () => {
      const res = await linkClient.request('GET', '/link/v1/me');
      assert.equal(res.status, 401);
      const apps = await linkClient.request('GET', '/link/v1/applications', undefined, {
        'x-dossier-client-session': 'x'.repeat(43),
      });
      assert.equal(apps.status, 401);
      // And nothing of the staff API exists on the link.
      const staffRoute = await linkClient.request('GET', '/api/v1/client-organisations');
      assert.equal(staffRoute.status, 404);
    });

    it('disabling the user ends their sessions at once', async () => {
      assert.equal((await portalCall('GET', '/api/v1/me', { cookie: clientCookie })).statusCode, 200);
      const off = await staffCall('POST', `/api/v1/client-users/${userA}/disable`);
      assert.equal(off.statusCode, 200, off.body);
      assert.equal((await portalCall('GET', '/api/v1/me', { cookie: clientCookie })).statusCode, 401);
    });

    it('with the internal server gone, the portal answers 503 and keeps running', async () => {
      await link.close();
      linkClient.close();
      for (const url of ['/api/v1/me', '/api/v1/applications']) {
        const res = await portalCall('GET', url, { cookie: clientCookie });
        assert.equal(res.statusCode, 503, res.body);
        assert.equal(res.json().reason, 'link_unavailable');
      }
      const login = await portalCall('POST', '/api/v1/auth/login', {
        body: { username: 'x', password: 'y' },
      });
      assert.equal(login.statusCode, 503);
    });
  });
}
