/**
 * A client user's own account on the portal: adding an authenticator app needs a recent second
 * factor (step-up), the app then works for sign-in, and it can be removed only while a phone
 * remains; the password change; invitations naming an application with an SMS notice; invitation
 * links behind the block-delay guard per source address, and refused once expired.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PORTAL_COOKIE } from '../../src/servers/portal/client-routes.ts';
import { controlClock, totpAt } from '../support/auth.ts';
import { backends } from '../support/db.ts';
import {
  CLIENT_PASSWORD,
  startPortalStack,
  type ClientSession,
  type PortalStack,
} from '../support/portal.ts';

for (const backend of backends) {
  describe(`client account on the portal (${backend.kind})`, () => {
    let s: PortalStack;
    let client: ClientSession & { email: string };
    let username: string;
    let secret: string;
    let clock: ReturnType<typeof controlClock>;

    before(async () => {
      s = await startPortalStack(backend);
      clock = controlClock(s.t);
      client = await s.newClient('Factor Test Ltd');
      const me = await s.portalCall('GET', '/api/v1/me', { as: client });
      username = me.json().username;
    });
    after(async () => s?.close());

    it('lists the factors: the phone, no authenticator yet', async () => {
      const r = await s.portalCall('GET', '/api/v1/me/factors', { as: client });
      assert.equal(r.statusCode, 200, r.body);
      assert.equal(r.json().totp, null);
      assert.match(r.json().sms.mobile, /^••••\d{4}$/);
    });

    it('adding an authenticator needs a recent second factor', async () => {
      // The session's second factor is older than the step-up window.
      await s.t.database.db
        .updateTable('sessions')
        .set({ second_factor_at: new Date(Date.now() - 3_600_000) })
        .where('realm', '=', 'client')
        .where('user_id', '=', client.userId)
        .where('ended_at', 'is', null)
        .execute();
      const refused = await s.portalCall('POST', '/api/v1/me/factors/totp', { as: client });
      assert.equal(refused.statusCode, 403, refused.body);
      assert.equal(refused.json().reason, 'step_up_required');
      // Without the CSRF token the step-up itself is refused.
      const noCsrf = await s.portalCall('POST', '/api/v1/auth/step-up/sms', { cookie: client.cookie });
      assert.equal(noCsrf.statusCode, 403);

      clock.advance(61_000); // past the cooldown of the invitation's SMS
      const sms = await s.portalCall('POST', '/api/v1/auth/step-up/sms', { as: client });
      assert.equal(sms.statusCode, 200, sms.body);
      const code = s.t.smsOutbox
        .messages()
        .at(-1)!
        .body.match(/(\d{6})/)![1]!;
      const wrong = await s.portalCall('POST', '/api/v1/auth/step-up', {
        as: client,
        body: { factor: 'sms', code: code === '000000' ? '111111' : '000000' },
      });
      assert.equal(wrong.statusCode, 401, wrong.body);
      const stepped = await s.portalCall('POST', '/api/v1/auth/step-up', {
        as: client,
        body: { factor: 'sms', code },
      });
      assert.equal(stepped.statusCode, 200, stepped.body);
      assert.equal('token' in stepped.json(), false, 'the new token stays in the cookie');
      const cookie = s.cookieOf(stepped);
      assert.ok(cookie && cookie !== client.cookie, 'a new session token after the step-up');
      assert.equal(
        (await s.portalCall('GET', '/api/v1/me', { cookie: client.cookie })).statusCode,
        401,
        'the old token is dead',
      );
      client = { ...client, cookie, csrf: stepped.json().csrfToken };

      const started = await s.portalCall('POST', '/api/v1/me/factors/totp', { as: client });
      assert.equal(started.statusCode, 200, started.body);
      assert.match(started.json().otpauthUri, /^otpauth:\/\/totp\//);
      secret = started.json().secret;
      const bad = await s.portalCall('POST', '/api/v1/me/factors/totp/confirm', {
        as: client,
        body: { code: '000000' === totpAt(secret, new Date()) ? '111111' : '000000' },
      });
      assert.equal(bad.statusCode, 400, bad.body);
      const ok = await s.portalCall('POST', '/api/v1/me/factors/totp/confirm', {
        as: client,
        body: { code: totpAt(secret, new Date()) },
      });
      assert.equal(ok.statusCode, 204, ok.body);
      const factors = await s.portalCall('GET', '/api/v1/me/factors', { as: client });
      assert.ok(factors.json().totp);
      const audited = await s.t.database.db
        .selectFrom('audit_events')
        .select(['type', 'target_type'])
        .where('target_id', '=', client.userId)
        .where('type', 'in', ['auth.stepped_up', 'auth.factor_enrolled'])
        .execute();
      assert.ok(audited.some((e) => e.type === 'auth.stepped_up' && e.target_type === 'client_user'));
    });

    it('the authenticator then signs the client in', async () => {
      const first = await s.portalCall('POST', '/api/v1/auth/login', {
        body: { username, password: CLIENT_PASSWORD },
      });
      assert.equal(first.statusCode, 200, first.body);
      assert.ok(first.json().factors.includes('totp'));
      const pending = s.cookieOf(first)!;
      // The sign-in clock is ahead of the enrolment's, so this is a later time step (codes are single-use).
      const done = await s.portalCall('POST', '/api/v1/auth/login/second-factor', {
        cookie: pending,
        body: { factor: 'totp', code: totpAt(secret, clock.now()) },
      });
      assert.equal(done.statusCode, 200, done.body);
      const me = await s.portalCall('GET', '/api/v1/me', { cookie: s.cookieOf(done)! });
      assert.equal(me.statusCode, 200);
    });

    it('a read-only session cannot remove factors without CSRF; with it, the app is removed (a phone remains)', async () => {
      assert.equal(
        (await s.portalCall('DELETE', '/api/v1/me/factors/totp', { cookie: client.cookie })).statusCode,
        403,
      );
      const del = await s.portalCall('DELETE', '/api/v1/me/factors/totp', { as: client });
      assert.equal(del.statusCode, 204, del.body);
      assert.equal((await s.portalCall('GET', '/api/v1/me/factors', { as: client })).json().totp, null);
    });

    it('changing the password needs the current one, ends the other sessions and tells the client', async () => {
      // A second session of the same user, by SMS (past the code cooldown).
      clock.advance(61_000);
      const first = await s.portalCall('POST', '/api/v1/auth/login', {
        body: { username, password: CLIENT_PASSWORD },
      });
      const pending = s.cookieOf(first)!;
      assert.equal(
        (await s.portalCall('POST', '/api/v1/auth/login/sms', { cookie: pending })).statusCode,
        200,
      );
      const code = s.t.smsOutbox
        .messages()
        .at(-1)!
        .body.match(/(\d{6})/)![1]!;
      const other = await s.portalCall('POST', '/api/v1/auth/login/second-factor', {
        cookie: pending,
        body: { factor: 'sms', code },
      });
      assert.equal(other.statusCode, 200, other.body);
      const otherCookie = s.cookieOf(other)!;

      const wrong = await s.portalCall('POST', '/api/v1/me/password', {
        as: client,
        body: { currentPassword: 'not my password', newPassword: 'copper kettle morning 77' },
      });
      assert.equal(wrong.statusCode, 403, wrong.body);
      const weak = await s.portalCall('POST', '/api/v1/me/password', {
        as: client,
        body: { currentPassword: CLIENT_PASSWORD, newPassword: 'password' },
      });
      assert.equal(weak.statusCode, 400, weak.body);
      const mails = s.t.mailOutbox.messages().length;
      const ok = await s.portalCall('POST', '/api/v1/me/password', {
        as: client,
        body: { currentPassword: CLIENT_PASSWORD, newPassword: 'copper kettle morning 77' },
      });
      assert.equal(ok.statusCode, 204, ok.body);
      assert.equal(
        (await s.portalCall('GET', '/api/v1/me', { as: client })).statusCode,
        200,
        'this session stays',
      );
      assert.equal(
        (await s.portalCall('GET', '/api/v1/me', { cookie: otherCookie })).statusCode,
        401,
        'the other session ended',
      );
      const notice = s.t.mailOutbox.messages().slice(mails);
      assert.ok(notice.some((m) => m.to === client.email && /password .* was changed/.test(m.text)));
      const relogin = await s.portalCall('POST', '/api/v1/auth/login', {
        body: { username, password: CLIENT_PASSWORD },
      });
      assert.equal(relogin.statusCode, 401, 'the old password no longer works');
      const audit = await s.t.database.db
        .selectFrom('audit_events')
        .select('type')
        .where('target_id', '=', client.userId)
        .where('type', 'in', ['client_user.password_changed', 'client_user.password_change_failed'])
        .execute();
      assert.deepEqual(audit.map((a) => a.type).sort(), [
        'client_user.password_change_failed',
        'client_user.password_changed',
      ]);
    });

    it('an invitation can name an application of the organisation, with an SMS notice that carries no link', async () => {
      const orgId = await s.createOrganisation('Task Ltd');
      const other = await s.createOrganisation('Elsewhere Ltd');
      const appId = await s.applicationFor(orgId);
      const foreignApp = await s.applicationFor(other);
      const userId = await s.createClientUser(orgId, {
        username: 'task.client',
        email: 'task@task.test',
        mobile: '+447700900999',
      });
      const refused = await s.staffCall('POST', `/api/v1/client-users/${userId}/invitations`, {
        applicationId: foreignApp,
      });
      assert.equal(refused.statusCode, 400, refused.body);
      assert.equal(refused.json().reason, 'application_not_of_organisation');
      const before = s.t.smsOutbox.messages().length;
      const sent = await s.staffCall('POST', `/api/v1/client-users/${userId}/invitations`, {
        applicationId: appId,
        sms: true,
      });
      assert.equal(sent.statusCode, 201, sent.body);
      assert.equal(sent.json().smsSent, true);
      const notice = s.t.smsOutbox.messages().slice(before);
      assert.equal(notice.length, 1);
      assert.equal(notice[0]!.to, '+447700900999');
      assert.doesNotMatch(notice[0]!.body, /https?:|token/i, 'the SMS never carries the link');
      const mail = [...s.t.mailOutbox.messages()].reverse().find((m) => m.to === 'task@task.test')!;
      const reference = (await s.staffCall('GET', `/api/v1/applications/${appId}`)).json().reference;
      assert.ok(mail.text.includes(reference), 'the e-mail names the application');
      const session = await s.acceptInvitationToken(mail.text.match(/#token=([A-Za-z0-9_-]+)/)![1]!);
      assert.equal(session.applicationId, appId, 'the portal is told which application to open');
    });

    it('invitation links are behind the block-delay guard of the source address', async () => {
      const attacker = '203.0.113.77';
      const open = (token: string, ip: string) =>
        s.portal.inject({
          method: 'POST',
          url: '/api/v1/invitations/open',
          remoteAddress: ip,
          payload: { invitationToken: token },
        });
      const orgId = await s.createOrganisation('Throttle Ltd');
      const userId = await s.createClientUser(orgId, { username: 'thr.client', email: 'thr@throttle.test' });
      const sent = await s.staffCall('POST', `/api/v1/client-users/${userId}/invitations`);
      assert.equal(sent.statusCode, 201);
      const mail = [...s.t.mailOutbox.messages()].reverse().find((m) => m.to === 'thr@throttle.test')!;
      const token = mail.text.match(/#token=([A-Za-z0-9_-]+)/)![1]!;
      for (let i = 0; i < 60; i++) {
        const bogus = `${'A'.repeat(40)}${String(i).padStart(3, '0')}`;
        assert.equal((await open(bogus, attacker)).statusCode, 401);
      }
      const blocked = await open(token, attacker);
      assert.equal(blocked.statusCode, 401, 'even a good link is refused from the delayed source');
      const reasons = await s.t.database.db
        .selectFrom('audit_events')
        .select('payload')
        .where('type', '=', 'client_invitation.refused')
        .execute();
      assert.ok(reasons.some((r) => (r.payload as { reason: string }).reason === 'delayed'));
      const delays = await s.t.database.db
        .selectFrom('audit_events')
        .select('id')
        .where('type', '=', 'auth.delay_imposed')
        .execute();
      assert.ok(delays.length > 0, 'the delay is audited');
      // The invited client, from their own address, is not affected.
      const fine = await open(token, '198.51.100.20');
      assert.equal(fine.statusCode, 200, fine.body);
      assert.ok(fine.cookies.some((c) => c.name === PORTAL_COOKIE));
    });

    it('an invitation link past its 72 hours is refused, and the refusal says why in the trail', async () => {
      const orgId = await s.createOrganisation('Late Ltd');
      const userId = await s.createClientUser(orgId, { username: 'late.client', email: 'late@late.test' });
      assert.equal((await s.staffCall('POST', `/api/v1/client-users/${userId}/invitations`)).statusCode, 201);
      const mail = [...s.t.mailOutbox.messages()].reverse().find((m) => m.to === 'late@late.test')!;
      const token = mail.text.match(/#token=([A-Za-z0-9_-]+)/)![1]!;
      clock.advance(72 * 3_600_000 + 60_000);
      const late = await s.portalCall('POST', '/api/v1/invitations/open', {
        body: { invitationToken: token },
      });
      assert.equal(late.statusCode, 401, late.body);
      assert.equal(late.json().reason, 'invitation_invalid');
      const refused = await s.t.database.db
        .selectFrom('audit_events')
        .select('payload')
        .where('type', '=', 'client_invitation.refused')
        .where('target_id', '=', userId)
        .execute();
      assert.deepEqual(
        refused.map((r) => (r.payload as { reason: string }).reason),
        ['expired'],
      );
    });
  });
}
