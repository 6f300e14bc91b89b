/** Staff-user administration over HTTP: links by e-mail only, sessions, factors, rights and step-up. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../../../../test/support/db.ts';
import { startTestApp, type TestApp } from '../../../../test/support/app.ts';
import {
  auditOf,
  browser,
  controlClock,
  createStaff,
  signInWithTotp,
} from '../../../../test/support/auth.ts';

const UNKNOWN = '00000000-0000-4000-8000-000000000000';

for (const backend of backends) {
  describe(`staff-user administration routes [${backend.kind}]`, () => {
    let t: TestApp;
    let clock: ReturnType<typeof controlClock>;

    before(async () => {
      t = await startTestApp(backend);
      clock = controlClock(t);
    });
    after(() => t.close());

    it('401 without credentials, 403 without user:manage, 404 for an unknown user', async () => {
      assert.equal((await t.call('GET', '/api/v1/users', { token: null })).statusCode, 401);
      const key = await t.tokenWith(['subject:read']);
      assert.equal((await t.call('GET', '/api/v1/users', { token: key })).statusCode, 403);
      assert.equal((await t.call('GET', `/api/v1/users/${UNKNOWN}`)).statusCode, 404);
      assert.equal(
        (await t.call('POST', `/api/v1/users/${UNKNOWN}/password-reset`, { body: {} })).statusCode,
        404,
      );
    });

    it('refuses unknown fields and a password in the create body (mass assignment)', async () => {
      const res = await t.call('POST', '/api/v1/users', {
        body: { username: 'mallory', displayName: 'M', email: 'm@firm.test', password: 'chosen by admin' },
      });
      assert.equal(res.statusCode, 400);
      const status = await t.call('POST', '/api/v1/users', {
        body: { username: 'mallory', displayName: 'M', email: 'm@firm.test', status: 'active' },
      });
      assert.equal(status.statusCode, 400);
    });

    it('a reset link goes to the user by e-mail only; completing it ends their sessions', async () => {
      const u = await createStaff(t, { totp: true });
      const s = await signInWithTotp(t, u, clock);
      t.mailOutbox.clear();
      const res = await t.call('POST', `/api/v1/users/${u.id}/password-reset`, { body: {} });
      assert.equal(res.statusCode, 202, res.body);
      assert.equal(res.json().emailed, true);
      assert.deepEqual(Object.keys(res.json()).sort(), ['emailed', 'expiresAt']);
      const mail = t.mailOutbox.messages()[0]!;
      assert.equal(mail.to, `${u.username}@firm.test`);
      const token = /#token=([A-Za-z0-9_-]+)/.exec(mail.text)![1]!;
      const done = await browser(t, 'POST', '/api/v1/auth/password-reset', {
        body: { token, password: 'an entirely fresh passphrase 9' },
      });
      assert.equal(done.statusCode, 204, done.body);
      assert.equal((await browser(t, 'GET', '/api/v1/auth/session', { cookie: s.token })).statusCode, 401);
      assert.ok((await auditOf(t, 'staff_user.mail_sent')).some((e) => e.target_id === u.id));
    });

    it('administrators list and end a user’s sessions, and everyone’s but their own', async () => {
      const admin = await createStaff(t, { totp: true, rights: ['user:manage'] });
      const a = await signInWithTotp(t, admin, clock);
      const u = await createStaff(t, { totp: true });
      const s1 = await signInWithTotp(t, u, clock);
      const list = await browser(t, 'GET', `/api/v1/users/${u.id}/sessions`, { cookie: a.token });
      assert.equal(list.statusCode, 200);
      assert.equal(list.json().items.length, 1);
      const end = await browser(t, 'DELETE', `/api/v1/users/${u.id}/sessions`, {
        cookie: a.token,
        csrf: a.csrf,
      });
      assert.equal(end.statusCode, 200);
      assert.equal(end.json().ended, 1);
      assert.equal((await browser(t, 'GET', '/api/v1/auth/session', { cookie: s1.token })).statusCode, 401);

      const s2 = await signInWithTotp(t, u, clock);
      const all = await browser(t, 'DELETE', '/api/v1/sessions', { cookie: a.token, csrf: a.csrf });
      assert.equal(all.statusCode, 200);
      assert.ok(all.json().ended >= 1);
      assert.equal((await browser(t, 'GET', '/api/v1/auth/session', { cookie: s2.token })).statusCode, 401);
      assert.equal((await browser(t, 'GET', '/api/v1/auth/session', { cookie: a.token })).statusCode, 200);
      const ended = await auditOf(t, 'session.ended');
      assert.ok(ended.some((e) => (e.payload as { reason: string }).reason === 'ended_by_admin'));
      // An administrator cannot disable themselves (nobody would be left to undo it).
      const self = await browser(t, 'POST', `/api/v1/users/${admin.id}/disable`, {
        cookie: a.token,
        csrf: a.csrf,
      });
      assert.equal(self.statusCode, 409);
    });

    it('removing a user’s authenticator and changing their phone notify the user', async () => {
      const u = await createStaff(t, { totp: true });
      t.mailOutbox.clear();
      const rm = await t.call('DELETE', `/api/v1/users/${u.id}/factors/totp`);
      assert.equal(rm.statusCode, 204);
      assert.equal((await t.call('DELETE', `/api/v1/users/${u.id}/factors/totp`)).statusCode, 404);
      const view = await t.call('GET', `/api/v1/users/${u.id}`);
      const patch = await t.call('PATCH', `/api/v1/users/${u.id}`, {
        body: { version: view.json().version, mobile: '+447700900999' },
      });
      assert.equal(patch.statusCode, 200, patch.body);
      const subjects = t.mailOutbox.messages().map((m) => m.subject);
      assert.ok(
        subjects.some((x) => /authenticator app was removed/.test(x)),
        subjects.join(),
      );
      assert.ok(
        subjects.some((x) => /mobile number was changed/.test(x)),
        subjects.join(),
      );
      assert.ok((await auditOf(t, 'auth.factor_removed')).some((e) => e.target_id === u.id));
    });

    it('shows whether a user has an authenticator app (never its secret), before and after its removal', async () => {
      const key = await t.tokenWith(['subject:read']);
      const u = await createStaff(t, { totp: true });
      const url = `/api/v1/users/${u.id}/factors`;
      assert.equal((await t.call('GET', url, { token: null })).statusCode, 401);
      assert.equal((await t.call('GET', url, { token: key })).statusCode, 403);
      assert.equal((await t.call('GET', `/api/v1/users/${UNKNOWN}/factors`)).statusCode, 404);
      const before = await t.call('GET', url);
      assert.equal(before.statusCode, 200, before.body);
      assert.deepEqual(Object.keys(before.json()).sort(), ['recoveryCodesRemaining', 'totp', 'totpPending']);
      assert.ok(Date.parse(before.json().totp.confirmedAt) <= Date.now());
      assert.equal(before.json().totpPending, false);
      assert.ok(!before.body.includes(u.totpSecret!), 'the secret never leaves the server');
      assert.equal((await t.call('DELETE', `/api/v1/users/${u.id}/factors/totp`)).statusCode, 204);
      assert.deepEqual((await t.call('GET', url)).json(), {
        totp: null,
        totpPending: false,
        recoveryCodesRemaining: 0,
      });
      // Reading needs no step-up, even when the session's second factor is old.
      const admin = await createStaff(t, { totp: true, rights: ['user:manage'] });
      const a = await signInWithTotp(t, admin, clock);
      await t.database.db
        .updateTable('sessions')
        .set({ second_factor_at: new Date(Date.now() - t.auth.session.stepUpWindowMs - 1000) })
        .where('user_id', '=', admin.id)
        .execute();
      assert.equal((await browser(t, 'GET', url, { cookie: a.token })).statusCode, 200);
    });

    it('a staff session without user:manage is refused (403, audited); reading needs no step-up', async () => {
      const u = await createStaff(t, { totp: true, rights: ['subject:read'] });
      const s = await signInWithTotp(t, u, clock);
      const res = await browser(t, 'GET', '/api/v1/users', { cookie: s.token });
      assert.equal(res.statusCode, 403);
      const denied = await auditOf(t, 'access.denied');
      assert.ok(denied.some((e) => e.actor === `staff:${u.id}`));
    });
  });
}
