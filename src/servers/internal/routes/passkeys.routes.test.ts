/**
 * Staff passkeys over HTTP with a software authenticator: registration (only after a step-up),
 * several per user, rename and removal, sign-in with a passkey as the second factor and
 * passwordless, step-up with a passkey, administrators' view and removal; and the attacks: a
 * replayed challenge, another origin, another RP id, a cloned authenticator (counter regression),
 * no user verification for passwordless, another user's credential, a disabled user, an expired
 * challenge, passwordless switched off.
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
} from '../../../../test/support/auth.ts';
import { SoftAuthenticator, type CeremonyOverrides } from '../../../../test/support/webauthn.ts';
import { disableStaffUser } from '../../../modules/auth/users/index.ts';

type Session = { token: string; csrf: string };

for (const backend of backends) {
  describe(`staff passkeys [${backend.kind}]`, () => {
    let t: TestApp;
    let clock: ReturnType<typeof controlClock>;
    let origin: string;
    let ipSeq = 0;
    /** A fresh source address per attack, so the block-delay of one test does not shape the next. */
    const nextIp = () => `10.9.${Math.floor(++ipSeq / 250)}.${(ipSeq % 250) + 1}`;

    before(async () => {
      t = await startTestApp(backend);
      clock = controlClock(t);
      origin = t.auth.signIn.passkeys!.origin;
    });
    after(() => t.close());

    async function newUser(rights: Parameters<typeof createStaff>[1] = {}) {
      const staff = await createStaff(t, { totp: true, ...rights });
      const session = await signInWithTotp(t, staff, clock);
      return { staff, session };
    }

    async function register(
      s: Session,
      auth: SoftAuthenticator,
      name = 'work laptop',
      o: CeremonyOverrides = {},
    ) {
      const opts = await browser(t, 'POST', '/api/v1/auth/passkeys/options', {
        cookie: s.token,
        csrf: s.csrf,
      });
      assert.equal(opts.statusCode, 200, opts.body);
      return browser(t, 'POST', '/api/v1/auth/passkeys', {
        cookie: s.token,
        csrf: s.csrf,
        body: { name, response: auth.register(opts.json(), o) },
      });
    }

    async function passwordless(auth: SoftAuthenticator, o: CeremonyOverrides = {}, ip = nextIp()) {
      const opts = await browser(t, 'POST', '/api/v1/auth/passkeys/sign-in/options', { ip });
      assert.equal(opts.statusCode, 200, opts.body);
      const options = opts.json();
      return {
        options,
        res: await browser(t, 'POST', '/api/v1/auth/passkeys/sign-in', {
          ip,
          body: { response: auth.assert(options, o) },
        }),
      };
    }

    async function lastFailure() {
      const rows = await auditOf(t, 'auth.sign_in_failed');
      return rows.at(-1)!.payload as { step: string; factor: string; reason: string };
    }

    async function expireStepUp(s: Session) {
      const { hashSessionToken } = await import('../../../modules/auth/sessions/session.token.ts');
      await t.database.db
        .updateTable('sessions')
        .set({ second_factor_at: new Date(Date.now() - t.auth.session.stepUpWindowMs - 1000) })
        .where('token_hash', '=', hashSessionToken(s.token))
        .execute();
    }

    it('refuses anonymous, API-key and stale sessions: 401, 403 staff_only, 403 step_up_required', async () => {
      assert.equal((await browser(t, 'GET', '/api/v1/auth/passkeys')).statusCode, 401);
      assert.equal((await t.call('GET', '/api/v1/auth/passkeys')).statusCode, 403);
      const { session } = await newUser();
      await expireStepUp(session);
      const auth = new SoftAuthenticator({ origin });
      for (const [method, url, body] of [
        ['POST', '/api/v1/auth/passkeys/options', undefined],
        ['POST', '/api/v1/auth/passkeys', { name: 'x', response: {} }],
        ['PATCH', `/api/v1/auth/passkeys/${crypto.randomUUID()}`, { name: 'x' }],
        ['DELETE', `/api/v1/auth/passkeys/${crypto.randomUUID()}`, undefined],
      ] as const) {
        const r = await browser(t, method, url, { cookie: session.token, csrf: session.csrf, body });
        assert.equal(r.statusCode, 403, `${method} ${url}: ${r.body}`);
        assert.equal(r.json().reason, 'step_up_required');
      }
      void auth;
      // Reading needs no step-up.
      const list = await browser(t, 'GET', '/api/v1/auth/passkeys', { cookie: session.token });
      assert.equal(list.statusCode, 200);
      assert.deepEqual(list.json().items, []);
    });

    it('registers several passkeys, excludes existing ones, renames and removes; audited and e-mailed', async () => {
      const { staff, session } = await newUser();
      const phone = new SoftAuthenticator({ origin });
      const key = new SoftAuthenticator({ origin });
      t.mailOutbox.clear();
      const first = await register(session, phone, 'my phone');
      assert.equal(first.statusCode, 201, first.body);
      const view = first.json();
      assert.equal(view.name, 'my phone');
      assert.equal(view.userVerified, true);
      assert.equal(view.passwordless, true);
      assert.equal('credentialId' in view || 'publicKey' in view, false);
      const added = t.mailOutbox.messages();
      assert.equal(added.length, 1);
      assert.match(added[0]!.subject, /passkey was added/);
      assert.ok(added[0]!.to.includes(`${staff.username}@firm.test`));

      // The second registration's options exclude the first credential.
      const opts = await browser(t, 'POST', '/api/v1/auth/passkeys/options', {
        cookie: session.token,
        csrf: session.csrf,
      });
      const options = opts.json();
      assert.deepEqual(
        options.excludeCredentials.map((c: { id: string }) => c.id),
        [phone.credentials[0]!.id],
      );
      assert.equal(options.authenticatorSelection.residentKey, 'required');
      assert.equal(options.attestation, 'none');
      assert.equal(options.rp.id, 'localhost');
      const second = await browser(t, 'POST', '/api/v1/auth/passkeys', {
        cookie: session.token,
        csrf: session.csrf,
        body: { name: '  security   key ', response: key.register(options) },
      });
      assert.equal(second.statusCode, 201, second.body);
      assert.equal(second.json().name, 'security key');

      const list = await browser(t, 'GET', '/api/v1/auth/passkeys', { cookie: session.token });
      assert.deepEqual(
        list.json().items.map((p: { name: string }) => p.name),
        ['my phone', 'security key'],
      );

      const renamed = await browser(t, 'PATCH', `/api/v1/auth/passkeys/${view.id}`, {
        cookie: session.token,
        csrf: session.csrf,
        body: { name: 'old phone' },
      });
      assert.equal(renamed.statusCode, 200, renamed.body);
      assert.equal(renamed.json().name, 'old phone');
      const bad = await browser(t, 'PATCH', `/api/v1/auth/passkeys/${view.id}`, {
        cookie: session.token,
        csrf: session.csrf,
        body: { name: 'a\u202Eb' },
      });
      assert.equal(bad.statusCode, 400);

      const removed = await browser(t, 'DELETE', `/api/v1/auth/passkeys/${view.id}`, {
        cookie: session.token,
        csrf: session.csrf,
      });
      assert.equal(removed.statusCode, 204, removed.body);
      assert.match(t.mailOutbox.messages().at(-1)!.subject, /passkey was removed/);
      const again = await browser(t, 'DELETE', `/api/v1/auth/passkeys/${view.id}`, {
        cookie: session.token,
        csrf: session.csrf,
      });
      assert.equal(again.statusCode, 404);

      const events = await t.database.db
        .selectFrom('audit_events')
        .select(['type', 'payload'])
        .where('target_id', '=', staff.id)
        .where('type', 'like', 'auth.passkey_%')
        .orderBy('seq')
        .execute();
      assert.deepEqual(
        events.map((e) => e.type),
        [
          'auth.passkey_registered',
          'auth.passkey_registered',
          'auth.passkey_renamed',
          'auth.passkey_removed',
        ],
      );
      assert.equal((events[3]!.payload as { by: string }).by, 'user');
      // The user's name for a passkey stays out of the trail.
      assert.doesNotMatch(JSON.stringify(events), /phone|security key/);
    });

    it('signs in with a passkey as the second factor: offered after the password, new token', async () => {
      const { staff, session } = await newUser();
      const auth = new SoftAuthenticator({ origin });
      assert.equal((await register(session, auth)).statusCode, 201);
      const first = await login(t, staff.username, staff.password);
      assert.deepEqual(first.json().factors, ['passkey', 'totp']);
      const pending = cookieOf(first)!;
      const opts = await browser(t, 'POST', '/api/v1/auth/login/passkey/options', { cookie: pending });
      assert.equal(opts.statusCode, 200, opts.body);
      assert.deepEqual(
        opts.json().allowCredentials.map((c: { id: string }) => c.id),
        [auth.credentials[0]!.id],
      );
      const done = await browser(t, 'POST', '/api/v1/auth/login/passkey', {
        cookie: pending,
        body: { response: auth.assert(opts.json()) },
      });
      assert.equal(done.statusCode, 200, done.body);
      assert.equal(done.json().session.secondFactor, 'passkey');
      const token = cookieOf(done)!;
      assert.notEqual(token, pending);
      assert.equal((await browser(t, 'GET', '/api/v1/auth/session', { cookie: pending })).statusCode, 401);
      assert.equal((await browser(t, 'GET', '/api/v1/auth/session', { cookie: token })).statusCode, 200);
      const signedIn = await auditOf(t, 'auth.signed_in');
      assert.equal((signedIn.at(-1)!.payload as { secondFactor: string }).secondFactor, 'passkey');
      // Without a pending sign-in there is no challenge.
      assert.equal((await browser(t, 'POST', '/api/v1/auth/login/passkey/options')).statusCode, 401);
    });

    it("another user's passkey cannot be this user's second factor", async () => {
      const a = await newUser();
      const b = await newUser();
      const authA = new SoftAuthenticator({ origin });
      const authB = new SoftAuthenticator({ origin });
      await register(a.session, authA);
      await register(b.session, authB);
      const first = await login(t, a.staff.username, a.staff.password);
      const pending = cookieOf(first)!;
      const opts = await browser(t, 'POST', '/api/v1/auth/login/passkey/options', { cookie: pending });
      const res = await browser(t, 'POST', '/api/v1/auth/login/passkey', {
        cookie: pending,
        body: { response: authB.assert(opts.json(), { credentialId: authB.credentials[0]!.id }) },
      });
      assert.equal(res.statusCode, 401);
      assert.equal(res.json().reason, 'passkey_failed');
      assert.equal((await lastFailure()).reason, 'foreign_credential');
    });

    it('passwordless sign-in: an active session with second factor passkey, audited as passwordless', async () => {
      const { staff, session } = await newUser();
      const auth = new SoftAuthenticator({ origin });
      await register(session, auth);
      const { options, res } = await passwordless(auth);
      assert.equal(options.userVerification, 'required');
      assert.equal(options.allowCredentials, undefined);
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().user.id, staff.id);
      assert.equal(res.json().session.secondFactor, 'passkey');
      // A passwordless session has just given a factor: it may take sensitive actions at once.
      assert.ok(res.json().session.steppedUpUntil);
      const ev = (await auditOf(t, 'auth.signed_in')).at(-1)!;
      assert.equal(ev.target_id, staff.id);
      assert.equal((ev.payload as { passwordless: boolean }).passwordless, true);
    });

    it('a replayed answer, another origin, another RP id, an expired challenge: refused with the reason', async () => {
      const { session } = await newUser();
      const auth = new SoftAuthenticator({ origin });
      await register(session, auth);

      const ip = nextIp();
      const { res, options } = await passwordless(auth, {}, ip);
      assert.equal(res.statusCode, 200);
      const replay = await browser(t, 'POST', '/api/v1/auth/passkeys/sign-in', {
        ip,
        body: { response: auth.assert(options) },
      });
      assert.equal(replay.statusCode, 401);
      assert.equal((await lastFailure()).reason, 'challenge_replayed');

      const other = await passwordless(auth, { origin: 'https://evil.example' });
      assert.equal(other.res.statusCode, 401);
      assert.equal((await lastFailure()).reason, 'origin_mismatch');

      const rp = await passwordless(auth, { rpId: 'evil.example' });
      assert.equal(rp.res.statusCode, 401);
      assert.equal((await lastFailure()).reason, 'rp_mismatch');

      const unknown = await passwordless(auth, { challenge: Buffer.alloc(32, 7).toString('base64url') });
      assert.equal(unknown.res.statusCode, 401);
      assert.equal((await lastFailure()).reason, 'challenge_unknown');

      const late = await browser(t, 'POST', '/api/v1/auth/passkeys/sign-in/options', { ip: nextIp() });
      clock.advance(6 * 60_000);
      const expired = await browser(t, 'POST', '/api/v1/auth/passkeys/sign-in', {
        body: { response: auth.assert(late.json()) },
        ip: nextIp(),
      });
      assert.equal(expired.statusCode, 401);
      assert.equal((await lastFailure()).reason, 'challenge_expired');

      // Every refusal looks the same to the caller.
      for (const r of [replay, other.res, rp.res, unknown.res, expired])
        assert.equal(r.json().reason, 'passkey_failed');
    });

    it('a cloned authenticator (counter not increasing) is refused and audited as a possible clone', async () => {
      const { staff, session } = await newUser();
      const auth = new SoftAuthenticator({ origin });
      await register(session, auth);
      const clone = auth.clone();
      assert.equal((await passwordless(auth)).res.statusCode, 200);
      assert.equal((await passwordless(auth)).res.statusCode, 200);
      // The clone still has counter 0: its next signature carries 1, below the 2 already seen.
      const cloned = await passwordless(clone);
      assert.equal(cloned.res.statusCode, 401);
      assert.equal((await lastFailure()).reason, 'counter_regression');
      const clones = await auditOf(t, 'auth.passkey_clone_suspected');
      assert.equal(clones.at(-1)!.target_id, staff.id);
      assert.deepEqual(
        [
          (clones.at(-1)!.payload as { storedCounter: number }).storedCounter,
          (clones.at(-1)!.payload as { receivedCounter: number }).receivedCounter,
        ],
        [2, 1],
      );
    });

    it('without user verification: a second factor, never passwordless', async () => {
      const { staff, session } = await newUser();
      const key = new SoftAuthenticator({ origin, uv: false });
      const reg = await register(session, key, 'key without PIN');
      assert.equal(reg.statusCode, 201, reg.body);
      assert.equal(reg.json().userVerified, false);
      assert.equal(reg.json().passwordless, false);

      const noUv = await passwordless(key);
      assert.equal(noUv.res.statusCode, 401);
      assert.equal((await lastFailure()).reason, 'uv_missing');
      // Even if this authenticator now claims verification, its registration did not prove it.
      const claimed = await passwordless(key, { uv: true });
      assert.equal(claimed.res.statusCode, 401);
      assert.equal((await lastFailure()).reason, 'uv_missing');

      const first = await login(t, staff.username, staff.password);
      const pending = cookieOf(first)!;
      const opts = await browser(t, 'POST', '/api/v1/auth/login/passkey/options', { cookie: pending });
      const done = await browser(t, 'POST', '/api/v1/auth/login/passkey', {
        cookie: pending,
        body: { response: key.assert(opts.json()) },
      });
      assert.equal(done.statusCode, 200, done.body);
    });

    it('a disabled user cannot sign in with their passkey', async () => {
      const { staff, session } = await newUser();
      const auth = new SoftAuthenticator({ origin });
      await register(session, auth);
      await disableStaffUser(t.ctx, { userId: staff.id });
      const r = await passwordless(auth);
      assert.equal(r.res.statusCode, 401);
      assert.equal((await lastFailure()).reason, 'user_disabled');
    });

    it('an unknown credential is refused; repeated failures from one source are delayed', async () => {
      const stranger = new SoftAuthenticator({ origin });
      stranger.register({
        challenge: 'x',
        rp: { name: 'x', id: 'localhost' },
        user: { id: 'eA', name: 'x', displayName: 'x' },
        pubKeyCredParams: [],
      });
      const ip = nextIp();
      const reasons: string[] = [];
      for (let i = 0; i < 7; i++) {
        const r = await passwordless(stranger, {}, ip);
        assert.equal(r.res.statusCode, 401);
        reasons.push((await lastFailure()).reason);
      }
      assert.equal(reasons[0], 'unknown_credential');
      assert.ok(reasons.includes('delayed'), reasons.join());
    });

    it('step-up with a passkey rotates the token and opens the step-up window', async () => {
      const { session } = await newUser();
      const auth = new SoftAuthenticator({ origin });
      await register(session, auth);
      await expireStepUp(session);
      const opts = await browser(t, 'POST', '/api/v1/auth/step-up/passkey/options', {
        cookie: session.token,
        csrf: session.csrf,
      });
      assert.equal(opts.statusCode, 200, opts.body);
      const up = await browser(t, 'POST', '/api/v1/auth/step-up/passkey', {
        cookie: session.token,
        csrf: session.csrf,
        body: { response: auth.assert(opts.json()) },
      });
      assert.equal(up.statusCode, 200, up.body);
      const token = cookieOf(up)!;
      assert.notEqual(token, session.token);
      const fresh = { token, csrf: up.json().session.csrfToken as string };
      assert.equal((await register(fresh, new SoftAuthenticator({ origin }), 'second')).statusCode, 201);
      const ev = (await auditOf(t, 'auth.stepped_up')).at(-1)!;
      assert.equal((ev.payload as { factor: string }).factor, 'passkey');
    });

    it('administrators list a user passkeys and remove one (user:manage, step-up), audited as by administrator', async () => {
      const { staff, session } = await newUser();
      const auth = new SoftAuthenticator({ origin });
      const created = (await register(session, auth)).json();
      const admin = await newUser({ rights: ['user:manage'] });
      const other = await newUser({ rights: ['subject:read'] });

      const url = `/api/v1/users/${staff.id}/passkeys`;
      assert.equal((await browser(t, 'GET', url, { cookie: other.session.token })).statusCode, 403);
      const list = await browser(t, 'GET', url, { cookie: admin.session.token });
      assert.equal(list.statusCode, 200, list.body);
      assert.deepEqual(
        list.json().items.map((p: { id: string }) => p.id),
        [created.id],
      );
      await expireStepUp(admin.session);
      const stale = await browser(t, 'DELETE', `${url}/${created.id}`, {
        cookie: admin.session.token,
        csrf: admin.session.csrf,
      });
      assert.equal(stale.statusCode, 403);
      assert.equal(stale.json().reason, 'step_up_required');
      const fresh = await signInWithTotp(t, admin.staff, clock);
      // Another user's passkey id under this user: not found.
      const mine = (await register(fresh, new SoftAuthenticator({ origin }))).json();
      assert.equal(
        (await browser(t, 'DELETE', `${url}/${mine.id}`, { cookie: fresh.token, csrf: fresh.csrf }))
          .statusCode,
        404,
      );
      const del = await browser(t, 'DELETE', `${url}/${created.id}`, {
        cookie: fresh.token,
        csrf: fresh.csrf,
      });
      assert.equal(del.statusCode, 204, del.body);
      const ev = (await auditOf(t, 'auth.passkey_removed')).at(-1)!;
      assert.equal(ev.target_id, staff.id);
      assert.equal((ev.payload as { by: string }).by, 'administrator');
      // The removed passkey no longer signs in.
      const r = await passwordless(auth);
      assert.equal(r.res.statusCode, 401);
      assert.equal((await lastFailure()).reason, 'unknown_credential');
    });

    it('passwordless switched off: no options, no sign-in (403 passwordless_disabled)', async () => {
      const { session } = await newUser();
      const auth = new SoftAuthenticator({ origin });
      await register(session, auth);
      const opts = await browser(t, 'POST', '/api/v1/auth/passkeys/sign-in/options', { ip: nextIp() });
      const saved = t.auth.signIn.passkeys!;
      t.auth.signIn.passkeys = { ...saved, passwordless: false };
      try {
        const r = await browser(t, 'POST', '/api/v1/auth/passkeys/sign-in/options', { ip: nextIp() });
        assert.equal(r.statusCode, 403);
        assert.equal(r.json().reason, 'passwordless_disabled');
        const s = await browser(t, 'POST', '/api/v1/auth/passkeys/sign-in', {
          ip: nextIp(),
          body: { response: auth.assert(opts.json()) },
        });
        assert.equal(s.statusCode, 403);
      } finally {
        t.auth.signIn.passkeys = saved;
      }
    });

    it('a source holds a bounded number of live passwordless challenges (429 beyond)', async () => {
      const ip = nextIp();
      const max = t.auth.signIn.passkeys!.maxLiveChallengesPerSource;
      for (let i = 0; i < max; i++)
        assert.equal(
          (await browser(t, 'POST', '/api/v1/auth/passkeys/sign-in/options', { ip })).statusCode,
          200,
        );
      const over = await browser(t, 'POST', '/api/v1/auth/passkeys/sign-in/options', { ip });
      assert.equal(over.statusCode, 429);
      assert.equal(
        (await browser(t, 'POST', '/api/v1/auth/passkeys/sign-in/options', { ip: nextIp() })).statusCode,
        200,
      );
    });

    it('a malformed answer is a 400 before anything else', async () => {
      const r = await browser(t, 'POST', '/api/v1/auth/passkeys/sign-in', {
        body: { response: { id: 'abc', rawId: 'abc', type: 'public-key', extra: 1 } },
      });
      assert.equal(r.statusCode, 400);
    });
  });
}
