/**
 * Staff sign-in over HTTP: the two steps, the session cookie and its rotation, logout, expiry,
 * disablement, CSRF, step-up, self-service factors and the audit trail of each.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../../../../test/support/db.ts';
import { startTestApp, type TestApp } from '../../../../test/support/app.ts';
import {
  auditOf,
  browser,
  controlClock,
  cookieOf,
  createStaff,
  login,
  signInWithTotp,
  totpAt,
  type TestStaff,
} from '../../../../test/support/auth.ts';

for (const backend of backends) {
  describe(`staff sign-in routes [${backend.kind}]`, () => {
    let t: TestApp;
    let clock: ReturnType<typeof controlClock>;
    let ada: TestStaff;

    before(async () => {
      t = await startTestApp(backend);
      clock = controlClock(t);
      ada = await createStaff(t, { totp: true, rights: ['subject:read', 'programme:manage'] });
    });
    after(() => t.close());

    it('the cookie is __Host-, Secure, HttpOnly, SameSite=Strict, Path=/ and has no Domain', async () => {
      const res = await login(t, ada.username, ada.password);
      assert.equal(res.statusCode, 200);
      const raw = String(res.headers['set-cookie']);
      assert.match(raw, /^__Host-dossier_session=[A-Za-z0-9_-]{43};/);
      for (const attr of ['Secure', 'HttpOnly', 'SameSite=Strict', 'Path=/'])
        assert.ok(raw.includes(attr), raw);
      assert.doesNotMatch(raw, /Domain=/i);
      assert.equal(res.json().status, 'second_factor_required');
      assert.deepEqual(res.json().factors, ['totp']);
    });

    it('a new token at login and after the second factor; every earlier token is dead', async () => {
      const planted = 'A'.repeat(43);
      const first = await login(t, ada.username, ada.password, { cookie: planted });
      const pending = cookieOf(first)!;
      assert.notEqual(pending, planted);
      // The pending session authorises nothing but the second-factor step.
      assert.equal((await browser(t, 'GET', '/api/v1/auth/session', { cookie: pending })).statusCode, 401);
      assert.equal((await browser(t, 'GET', '/api/v1/programmes', { cookie: pending })).statusCode, 401);

      clock.advance(30_000);
      const second = await browser(t, 'POST', '/api/v1/auth/login/second-factor', {
        cookie: pending,
        body: { factor: 'totp', code: totpAt(ada.totpSecret!, clock.now()) },
      });
      assert.equal(second.statusCode, 200, second.body);
      const active = cookieOf(second)!;
      assert.notEqual(active, pending);
      const body = second.json();
      assert.equal(body.status, 'signed_in');
      assert.deepEqual(body.user.rights, ['programme:manage', 'subject:read']);
      assert.equal(body.session.secondFactor, 'totp');

      assert.equal((await browser(t, 'GET', '/api/v1/auth/session', { cookie: active })).statusCode, 200);
      assert.equal((await browser(t, 'GET', '/api/v1/programmes', { cookie: active })).statusCode, 403);
      for (const dead of [planted, pending])
        assert.equal((await browser(t, 'GET', '/api/v1/auth/session', { cookie: dead })).statusCode, 401);
      // The pending token cannot be used for the second step again either.
      clock.advance(30_000);
      const again = await browser(t, 'POST', '/api/v1/auth/login/second-factor', {
        cookie: pending,
        body: { factor: 'totp', code: totpAt(ada.totpSecret!, clock.now()) },
      });
      assert.equal(again.statusCode, 401);
      assert.equal(again.json().reason, 'sign_in_expired');

      const signedIn = await auditOf(t, 'auth.signed_in');
      assert.ok(signedIn.some((e) => (e.payload as { sessionId: string }).sessionId === body.session.id));
      const rotated = await auditOf(t, 'session.rotated');
      assert.ok(rotated.length >= 1);
    });

    it('a TOTP step accepted once is refused the second time', async () => {
      clock.advance(30_000);
      const code = totpAt(ada.totpSecret!, clock.now());
      const a = await login(t, ada.username, ada.password);
      const ok = await browser(t, 'POST', '/api/v1/auth/login/second-factor', {
        cookie: cookieOf(a),
        body: { factor: 'totp', code },
      });
      assert.equal(ok.statusCode, 200);
      const b = await login(t, ada.username, ada.password);
      const replay = await browser(t, 'POST', '/api/v1/auth/login/second-factor', {
        cookie: cookieOf(b),
        body: { factor: 'totp', code },
      });
      assert.equal(replay.statusCode, 401);
      assert.equal(replay.json().reason, 'second_factor_failed');
      const failed = await auditOf(t, 'auth.sign_in_failed');
      assert.ok(failed.some((e) => (e.payload as { reason: string }).reason === 'replayed'));
    });

    it('CSRF: a state-changing request with the cookie but without the token is refused and audited', async () => {
      const s = await signInWithTotp(t, ada, clock);
      const noToken = await browser(t, 'POST', '/api/v1/programmes', {
        cookie: s.token,
        body: { name: 'CSRF victim', allowedEntityTypes: ['person'] },
      });
      assert.equal(noToken.statusCode, 403);
      assert.equal(noToken.json().reason, 'csrf');
      const wrong = await browser(t, 'POST', '/api/v1/programmes', {
        cookie: s.token,
        csrf: 'x'.repeat(43),
        body: { name: 'CSRF victim', allowedEntityTypes: ['person'] },
      });
      assert.equal(wrong.statusCode, 403);
      const programmes = await t.database.db
        .selectFrom('programmes')
        .select('id')
        .where('name', '=', 'CSRF victim')
        .execute();
      assert.equal(programmes.length, 0);
      assert.ok((await auditOf(t, 'auth.csrf_refused')).length >= 2);
      const good = await browser(t, 'POST', '/api/v1/programmes', {
        cookie: s.token,
        csrf: s.csrf,
        body: { name: 'Made with CSRF token', allowedEntityTypes: ['person'] },
      });
      assert.equal(good.statusCode, 201, good.body);
      // Logout is state-changing too.
      assert.equal((await browser(t, 'POST', '/api/v1/auth/logout', { cookie: s.token })).statusCode, 403);
    });

    it('logout ends the session; the cookie is cleared', async () => {
      const s = await signInWithTotp(t, ada, clock);
      const out = await browser(t, 'POST', '/api/v1/auth/logout', { cookie: s.token, csrf: s.csrf });
      assert.equal(out.statusCode, 204, out.body);
      assert.match(String(out.headers['set-cookie']), /__Host-dossier_session=;/);
      assert.equal((await browser(t, 'GET', '/api/v1/auth/session', { cookie: s.token })).statusCode, 401);
      const ended = await auditOf(t, 'session.ended');
      assert.ok(ended.some((e) => (e.payload as { reason: string }).reason === 'logout'));
    });

    it('idle expiry and absolute expiry end the session', async () => {
      const idle = await signInWithTotp(t, ada, clock);
      const idleId = (await browser(t, 'GET', '/api/v1/auth/session', { cookie: idle.token })).json().session
        .id;
      await t.database.db
        .updateTable('sessions')
        .set({ last_seen_at: new Date(Date.now() - t.auth.session.idleTimeoutMs - 1000) })
        .where('id', '=', idleId)
        .execute();
      assert.equal((await browser(t, 'GET', '/api/v1/auth/session', { cookie: idle.token })).statusCode, 401);

      const old = await signInWithTotp(t, ada, clock);
      const oldId = (await browser(t, 'GET', '/api/v1/auth/session', { cookie: old.token })).json().session
        .id;
      await t.database.db
        .updateTable('sessions')
        .set({ expires_at: new Date(Date.now() - 1000) })
        .where('id', '=', oldId)
        .execute();
      assert.equal((await browser(t, 'GET', '/api/v1/auth/session', { cookie: old.token })).statusCode, 401);

      const rows = await t.database.db
        .selectFrom('sessions')
        .select(['id', 'end_reason'])
        .where('id', 'in', [idleId, oldId])
        .execute();
      const reasons = Object.fromEntries(rows.map((r) => [r.id, r.end_reason]));
      assert.equal(reasons[idleId], 'idle');
      assert.equal(reasons[oldId], 'expired');
    });

    it('disabling a user ends their sessions at once', async () => {
      const bob = await createStaff(t, { totp: true, rights: ['subject:read'] });
      const s = await signInWithTotp(t, bob, clock);
      assert.equal((await browser(t, 'GET', '/api/v1/auth/session', { cookie: s.token })).statusCode, 200);
      const res = await t.call('POST', `/api/v1/users/${bob.id}/disable`, { body: {} });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal((await browser(t, 'GET', '/api/v1/auth/session', { cookie: s.token })).statusCode, 401);
      const ended = await auditOf(t, 'session.ended');
      assert.ok(
        ended.some(
          (e) =>
            (e.payload as { userId: string; reason: string }).userId === bob.id &&
            (e.payload as { reason: string }).reason === 'user_disabled',
        ),
      );
      // And the right password of a disabled user gets the one failure answer.
      const again = await login(t, bob.username, bob.password);
      assert.equal(again.statusCode, 401);
      assert.equal(again.json().reason, 'sign_in_failed');
    });

    it('users list and end their own sessions; another user’s session is not found', async () => {
      const s1 = await signInWithTotp(t, ada, clock);
      const s2 = await signInWithTotp(t, ada, clock);
      const list = await browser(t, 'GET', '/api/v1/auth/sessions', { cookie: s1.token });
      assert.equal(list.statusCode, 200);
      const items = list.json().items as { id: string; current: boolean }[];
      const current = items.find((i) => i.current)!;
      const other = (await browser(t, 'GET', '/api/v1/auth/session', { cookie: s2.token })).json().session.id;
      assert.ok(items.some((i) => i.id === other));
      const end = await browser(t, 'DELETE', `/api/v1/auth/sessions/${other}`, {
        cookie: s1.token,
        csrf: s1.csrf,
      });
      assert.equal(end.statusCode, 204);
      assert.equal((await browser(t, 'GET', '/api/v1/auth/session', { cookie: s2.token })).statusCode, 401);
      assert.equal((await browser(t, 'GET', '/api/v1/auth/session', { cookie: s1.token })).statusCode, 200);

      const carol = await createStaff(t, { totp: true });
      const c = await signInWithTotp(t, carol, clock);
      const foreign = await browser(t, 'DELETE', `/api/v1/auth/sessions/${current.id}`, {
        cookie: c.token,
        csrf: c.csrf,
      });
      assert.equal(foreign.statusCode, 404);
      assert.equal((await browser(t, 'GET', '/api/v1/auth/session', { cookie: s1.token })).statusCode, 200);
    });

    it('step-up: sensitive actions need a recent second factor; step-up rotates the token', async () => {
      const admin = await createStaff(t, { totp: true, rights: ['user:manage'] });
      const s = await signInWithTotp(t, admin, clock);
      // Fresh from sign-in: stepped up.
      const ok = await browser(t, 'POST', `/api/v1/users/${ada.id}/enable`, {
        cookie: s.token,
        csrf: s.csrf,
      });
      assert.equal(ok.statusCode, 200, ok.body);
      // Age the second factor beyond the window.
      const sid = (await browser(t, 'GET', '/api/v1/auth/session', { cookie: s.token })).json().session.id;
      await t.database.db
        .updateTable('sessions')
        .set({ second_factor_at: new Date(Date.now() - t.auth.session.stepUpWindowMs - 1000) })
        .where('id', '=', sid)
        .execute();
      const refused = await browser(t, 'POST', `/api/v1/users/${ada.id}/enable`, {
        cookie: s.token,
        csrf: s.csrf,
      });
      assert.equal(refused.statusCode, 403);
      assert.equal(refused.json().reason, 'step_up_required');
      // Reading needs no step-up.
      assert.equal((await browser(t, 'GET', '/api/v1/users', { cookie: s.token })).statusCode, 200);

      clock.advance(30_000);
      const up = await browser(t, 'POST', '/api/v1/auth/step-up', {
        cookie: s.token,
        csrf: s.csrf,
        body: { factor: 'totp', code: totpAt(admin.totpSecret!, clock.now()) },
      });
      assert.equal(up.statusCode, 200, up.body);
      const token2 = cookieOf(up)!;
      const csrf2 = up.json().session.csrfToken as string;
      assert.notEqual(token2, s.token);
      assert.equal((await browser(t, 'GET', '/api/v1/auth/session', { cookie: s.token })).statusCode, 401);
      const after = await browser(t, 'POST', `/api/v1/users/${ada.id}/enable`, {
        cookie: token2,
        csrf: csrf2,
      });
      assert.equal(after.statusCode, 200);
      assert.ok((await auditOf(t, 'auth.stepped_up')).length >= 1);
    });

    it('first sign-in without any factor enrols an authenticator app and gets recovery codes', async () => {
      const newbie = await createStaff(t, {});
      const first = await login(t, newbie.username, newbie.password);
      assert.equal(first.statusCode, 200);
      assert.equal(first.json().enrolmentRequired, true);
      const pending = cookieOf(first)!;
      const enrol = await browser(t, 'POST', '/api/v1/auth/login/enrolment', { cookie: pending, body: {} });
      assert.equal(enrol.statusCode, 200, enrol.body);
      assert.match(enrol.json().otpauthUri, /^otpauth:\/\/totp\//);
      const secret = enrol.json().secret as string;
      clock.advance(30_000);
      const done = await browser(t, 'POST', '/api/v1/auth/login/second-factor', {
        cookie: pending,
        body: { factor: 'totp', code: totpAt(secret, clock.now()) },
      });
      assert.equal(done.statusCode, 200, done.body);
      assert.equal(done.json().recoveryCodes.length, 10);
      // A user who has a factor cannot enrol another at sign-in.
      const again = await login(t, newbie.username, newbie.password);
      const refused = await browser(t, 'POST', '/api/v1/auth/login/enrolment', {
        cookie: cookieOf(again),
        body: {},
      });
      assert.equal(refused.statusCode, 409);
      // A recovery code signs in once.
      const code = done.json().recoveryCodes[0] as string;
      const r1 = await browser(t, 'POST', '/api/v1/auth/login/second-factor', {
        cookie: cookieOf(again),
        body: { factor: 'recovery', code },
      });
      assert.equal(r1.statusCode, 200, r1.body);
      assert.equal(r1.json().recoveryCodesRemaining, 9);
      const third = await login(t, newbie.username, newbie.password);
      const r2 = await browser(t, 'POST', '/api/v1/auth/login/second-factor', {
        cookie: cookieOf(third),
        body: { factor: 'recovery', code },
      });
      assert.equal(r2.statusCode, 401);
      assert.ok((await auditOf(t, 'auth.factor_enrolled')).length >= 1);
    });

    it('password change requires the current password, ends other sessions and notifies the user', async () => {
      const dan = await createStaff(t, { totp: true });
      const keep = await signInWithTotp(t, dan, clock);
      const other = await signInWithTotp(t, dan, clock);
      t.mailOutbox.clear();
      const wrong = await browser(t, 'POST', '/api/v1/auth/password', {
        cookie: keep.token,
        csrf: keep.csrf,
        body: { currentPassword: 'not my password at all', newPassword: 'a brand new long passphrase 7' },
      });
      assert.equal(wrong.statusCode, 403);
      const ok = await browser(t, 'POST', '/api/v1/auth/password', {
        cookie: keep.token,
        csrf: keep.csrf,
        body: { currentPassword: dan.password, newPassword: 'a brand new long passphrase 7' },
      });
      assert.equal(ok.statusCode, 204, ok.body);
      assert.equal((await browser(t, 'GET', '/api/v1/auth/session', { cookie: keep.token })).statusCode, 200);
      assert.equal(
        (await browser(t, 'GET', '/api/v1/auth/session', { cookie: other.token })).statusCode,
        401,
      );
      const mails = t.mailOutbox.messages();
      assert.equal(mails.length, 1);
      assert.match(mails[0]!.subject, /password was changed/);
      assert.doesNotMatch(mails[0]!.text, /brand new/);
      assert.equal((await login(t, dan.username, dan.password)).statusCode, 401);
      assert.equal((await login(t, dan.username, 'a brand new long passphrase 7')).statusCode, 200);
    });

    it('an administrator creates a user: the link goes by e-mail only; the user activates and signs in', async () => {
      t.mailOutbox.clear();
      const res = await t.call('POST', '/api/v1/users', {
        body: { username: 'erin.new', displayName: 'Erin New', email: 'erin@firm.test' },
      });
      assert.equal(res.statusCode, 201, res.body);
      assert.equal(res.json().activation.emailed, true);
      assert.doesNotMatch(res.body, /token/i);
      const mail = t.mailOutbox.messages().at(-1)!;
      assert.equal(mail.to, 'erin@firm.test');
      const token = /#token=([A-Za-z0-9_-]+)/.exec(mail.text)![1]!;
      const weak = await browser(t, 'POST', '/api/v1/auth/activate', {
        body: { token, password: 'password' },
      });
      assert.equal(weak.statusCode, 400);
      const act = await browser(t, 'POST', '/api/v1/auth/activate', {
        body: { token, password: 'Violet skies over quiet harbours' },
      });
      assert.equal(act.statusCode, 204, act.body);
      const reuse = await browser(t, 'POST', '/api/v1/auth/activate', {
        body: { token, password: 'Another violet sky over harbours' },
      });
      assert.equal(reuse.statusCode, 400);
      assert.equal((await login(t, 'erin.new', 'Violet skies over quiet harbours')).statusCode, 200);
    });

    it('a cross-site sign-in request is refused', async () => {
      const res = await login(t, ada.username, ada.password, { headers: { 'sec-fetch-site': 'cross-site' } });
      assert.equal(res.statusCode, 403);
      assert.equal(cookieOf(res), null);
    });

    it('the flows above left every sign-in event in the audit trail', async () => {
      const types = new Set(
        (await t.database.db.selectFrom('audit_events').select('type').distinct().execute()).map(
          (r) => r.type,
        ),
      );
      for (const type of [
        'auth.password_accepted',
        'auth.signed_in',
        'auth.sign_in_failed',
        'auth.stepped_up',
        'auth.csrf_refused',
        'auth.factor_enrolled',
        'auth.recovery_codes_generated',
        'auth.recovery_code_used',
        'session.started',
        'session.rotated',
        'session.ended',
        'staff_user.created',
        'staff_user.activated',
        'staff_user.disabled',
        'staff_user.password_changed',
        'staff_user.password_change_failed',
        'staff_user.mail_sent',
      ])
        assert.ok(types.has(type), `${type} missing`);
    });

    it('no password, code or token is ever written to the audit trail', async () => {
      const rows = await t.database.db.selectFrom('audit_events').select(['payload']).execute();
      const text = JSON.stringify(rows);
      assert.doesNotMatch(text, /correct horse/);
      assert.doesNotMatch(text, /passphrase/);
    });
  });
}
