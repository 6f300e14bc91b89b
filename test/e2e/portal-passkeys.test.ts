/**
 * Client passkeys through the portal and the real mTLS link, with a software authenticator for the
 * portal's origin: registration only after a step-up, sign-in with a passkey as the second factor
 * and passwordless, step-up with a passkey, rename and removal (never the client's last factor),
 * e-mail notices; a client's passkey is useless on the staff side and a staff passkey on the portal;
 * a client of a disabled organisation cannot sign in with one.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { auditOf, browser, controlClock, createStaff, signInWithTotp } from '../support/auth.ts';
import { backends } from '../support/db.ts';
import {
  CLIENT_PASSWORD,
  startPortalStack,
  type ClientSession,
  type PortalStack,
} from '../support/portal.ts';
import { SoftAuthenticator } from '../support/webauthn.ts';

for (const backend of backends) {
  describe(`client passkeys on the portal (${backend.kind})`, () => {
    let s: PortalStack;
    let clock: ReturnType<typeof controlClock>;
    let portalOrigin: string;
    let staffOrigin: string;

    before(async () => {
      s = await startPortalStack(backend);
      clock = controlClock(s.t);
      portalOrigin = s.t.auth.clientSignIn.passkeys!.origin;
      staffOrigin = s.t.auth.signIn.passkeys!.origin;
    });
    after(async () => s?.close());

    async function registerOn(client: ClientSession, auth: SoftAuthenticator, name = 'phone') {
      const opts = await s.portalCall('POST', '/api/v1/me/passkeys/options', { as: client });
      assert.equal(opts.statusCode, 200, opts.body);
      return s.portalCall('POST', '/api/v1/me/passkeys', {
        as: client,
        body: { name, response: auth.register(opts.json()) },
      });
    }

    async function passwordless(auth: SoftAuthenticator) {
      const opts = await s.portalCall('POST', '/api/v1/auth/passkeys/sign-in/options');
      assert.equal(opts.statusCode, 200, opts.body);
      return s.portalCall('POST', '/api/v1/auth/passkeys/sign-in', {
        body: { response: auth.assert(opts.json()) },
      });
    }

    async function lastFailure() {
      return (await auditOf(s.t, 'auth.sign_in_failed')).at(-1)!.payload as { reason: string; step: string };
    }

    it('registers after a step-up only, signs in with it as the second factor and passwordless', async () => {
      const client = await s.newClient('Passkey One Ltd');
      const me = (await s.portalCall('GET', '/api/v1/me', { as: client })).json();
      const auth = new SoftAuthenticator({ origin: portalOrigin });
      assert.equal(auth.rpId, 'localhost');

      // A stale session must step up first.
      await s.t.database.db
        .updateTable('sessions')
        .set({ second_factor_at: new Date(Date.now() - 3_600_000) })
        .where('user_id', '=', client.userId)
        .where('ended_at', 'is', null)
        .execute();
      const stale = await s.portalCall('POST', '/api/v1/me/passkeys/options', { as: client });
      assert.equal(stale.statusCode, 403, stale.body);
      assert.equal(stale.json().reason, 'step_up_required');
      const fresh = await s.portalCall('POST', '/api/v1/auth/login', {
        body: { username: me.username, password: CLIENT_PASSWORD },
      });
      assert.equal(fresh.statusCode, 200, fresh.body);
      assert.deepEqual(fresh.json().factors, ['sms']);
      clock.advance(61_000);
      await s.portalCall('POST', '/api/v1/auth/login/sms', { cookie: s.cookieOf(fresh) });
      const code = s.t.smsOutbox
        .messages()
        .at(-1)!
        .body.match(/(\d{6})/)![1]!;
      const done = await s.portalCall('POST', '/api/v1/auth/login/second-factor', {
        cookie: s.cookieOf(fresh),
        body: { factor: 'sms', code },
      });
      assert.equal(done.statusCode, 200, done.body);
      const session: ClientSession = { ...client, cookie: s.cookieOf(done)!, csrf: done.json().csrfToken };

      s.t.mailOutbox.clear();
      const reg = await registerOn(session, auth);
      assert.equal(reg.statusCode, 201, reg.body);
      assert.equal(reg.json().passwordless, true);
      assert.match(s.t.mailOutbox.messages().at(-1)!.text, /A passkey was added/);
      const list = await s.portalCall('GET', '/api/v1/me/passkeys', { as: session });
      assert.equal(list.json().items.length, 1);
      assert.equal(list.json().passwordlessAllowed, true);

      // Second factor after the password.
      const first = await s.portalCall('POST', '/api/v1/auth/login', {
        body: { username: me.username, password: CLIENT_PASSWORD },
      });
      assert.deepEqual(first.json().factors, ['passkey', 'sms']);
      const pending = s.cookieOf(first)!;
      const opts = await s.portalCall('POST', '/api/v1/auth/login/passkey/options', { cookie: pending });
      assert.equal(opts.statusCode, 200, opts.body);
      const second = await s.portalCall('POST', '/api/v1/auth/login/passkey', {
        cookie: pending,
        body: { response: auth.assert(opts.json()) },
      });
      assert.equal(second.statusCode, 200, second.body);
      assert.equal('token' in second.json(), false, 'the token stays in the cookie');
      const cookie = s.cookieOf(second)!;
      assert.notEqual(cookie, pending);
      assert.equal((await s.portalCall('GET', '/api/v1/me', { cookie })).statusCode, 200);

      // Passwordless.
      const pl = await passwordless(auth);
      assert.equal(pl.statusCode, 200, pl.body);
      const plCookie = s.cookieOf(pl)!;
      assert.equal((await s.portalCall('GET', '/api/v1/me', { cookie: plCookie })).json().id, client.userId);
      const ev = (await auditOf(s.t, 'auth.signed_in')).at(-1)!;
      assert.equal(ev.target_id, client.userId);
      assert.equal((ev.payload as { passwordless: boolean }).passwordless, true);

      // Step-up with the passkey, then rename.
      const stepOpts = await s.portalCall('POST', '/api/v1/auth/step-up/passkey/options', {
        cookie: plCookie,
        csrf: pl.json().csrfToken,
      });
      assert.equal(stepOpts.statusCode, 200, stepOpts.body);
      const up = await s.portalCall('POST', '/api/v1/auth/step-up/passkey', {
        cookie: plCookie,
        csrf: pl.json().csrfToken,
        body: { response: auth.assert(stepOpts.json()) },
      });
      assert.equal(up.statusCode, 200, up.body);
      const upSession: ClientSession = { ...client, cookie: s.cookieOf(up)!, csrf: up.json().csrfToken };
      const id = reg.json().id as string;
      const renamed = await s.portalCall('PATCH', `/api/v1/me/passkeys/${id}`, {
        as: upSession,
        body: { name: 'work phone' },
      });
      assert.equal(renamed.statusCode, 200, renamed.body);
      assert.equal(renamed.json().name, 'work phone');

      // The phone remains, so the passkey may go.
      const removed = await s.portalCall('DELETE', `/api/v1/me/passkeys/${id}`, { as: upSession });
      assert.equal(removed.statusCode, 204, removed.body);
      assert.match(s.t.mailOutbox.messages().at(-1)!.text, /A passkey was removed/);
      const gone = await passwordless(auth);
      assert.equal(gone.statusCode, 401);
      assert.equal((await lastFailure()).reason, 'unknown_credential');
    });

    it("a client's passkey is unknown on the staff side, and a staff passkey on the portal", async () => {
      const client = await s.newClient('Passkey Two Ltd');
      const clientAuth = new SoftAuthenticator({ origin: portalOrigin });
      assert.equal((await registerOn(client, clientAuth)).statusCode, 201);

      const staff = await createStaff(s.t, { totp: true });
      const staffSession = await signInWithTotp(s.t, staff, clock);
      const staffAuth = new SoftAuthenticator({ origin: staffOrigin });
      const sOpts = await browser(s.t, 'POST', '/api/v1/auth/passkeys/options', {
        cookie: staffSession.token,
        csrf: staffSession.csrf,
      });
      const sReg = await browser(s.t, 'POST', '/api/v1/auth/passkeys', {
        cookie: staffSession.token,
        csrf: staffSession.csrf,
        body: { name: 'staff key', response: staffAuth.register(sOpts.json()) },
      });
      assert.equal(sReg.statusCode, 201, sReg.body);

      // The client's passkey, answering a staff challenge (even with the staff origin): unknown.
      const staffChallenge = await browser(s.t, 'POST', '/api/v1/auth/passkeys/sign-in/options', {
        ip: '10.20.0.1',
      });
      const onStaff = await browser(s.t, 'POST', '/api/v1/auth/passkeys/sign-in', {
        ip: '10.20.0.1',
        body: { response: clientAuth.assert(staffChallenge.json(), { origin: staffOrigin }) },
      });
      assert.equal(onStaff.statusCode, 401);
      assert.equal((await lastFailure()).reason, 'unknown_credential');

      // The staff passkey on the portal (from the portal's origin): unknown in the client realm.
      const portalChallenge = await s.portalCall('POST', '/api/v1/auth/passkeys/sign-in/options');
      const onPortal = await s.portalCall('POST', '/api/v1/auth/passkeys/sign-in', {
        body: { response: staffAuth.assert(portalChallenge.json(), { origin: portalOrigin }) },
      });
      assert.equal(onPortal.statusCode, 401);
      assert.equal((await lastFailure()).reason, 'unknown_credential');
    });

    it('a client of a disabled organisation cannot sign in with a passkey; its last factor stays', async () => {
      const client = await s.newClient('Passkey Three Ltd');
      const auth = new SoftAuthenticator({ origin: portalOrigin });
      const reg = await registerOn(client, auth);
      assert.equal(reg.statusCode, 201, reg.body);

      // Without a phone and an authenticator, the passkey is the last factor: it stays.
      await s.t.database.db
        .updateTable('client_users')
        .set({ mobile_enc: null, mobile_last4: null })
        .where('id', '=', client.userId)
        .execute();
      const last = await s.portalCall('DELETE', `/api/v1/me/passkeys/${reg.json().id}`, { as: client });
      assert.equal(last.statusCode, 409, last.body);
      assert.equal(last.json().reason, 'last_factor');

      await s.t.database.db
        .updateTable('client_organisations')
        .set({ status: 'disabled' })
        .where('id', '=', client.organisationId)
        .execute();
      const r = await passwordless(auth);
      assert.equal(r.statusCode, 401);
      assert.equal((await lastFailure()).reason, 'user_disabled');
    });
  });
}
