import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { inTransaction } from '../../../db/transaction.ts';
import { AppError } from '../../../platform/errors.ts';
import { createCtx, type Ctx } from '../../../platform/context.ts';
import { backends, type TestDatabase } from '../../../../test/support/db.ts';
import { testKeyring } from '../../../../test/support/keyring.ts';
import { MIN_ARGON2_PARAMS, PasswordHasher, PasswordPolicyError } from '../passwords/index.ts';
import { DEFAULT_SESSION_POLICY, resolveSession, startSession } from '../sessions/index.ts';
import {
  activateStaffUser,
  changePassword,
  completePasswordReset,
  createStaffUser,
  disableStaffUser,
  enableStaffUser,
  getStaffUser,
  InvalidUserTokenError,
  listStaffUsers,
  startPasswordReset,
  updateStaffUser,
  WrongCurrentPasswordError,
  type PasswordDeps,
  type StaffUserNotification,
} from './index.ts';

const PASSWORD = 'violet tractor on the moor';
const PASSWORD_2 = 'seven herons over quiet water';
const HOUR = 3_600_000;

async function rejectsWith(p: Promise<unknown>, check: (err: unknown) => boolean): Promise<unknown> {
  let caught: unknown;
  await assert.rejects(p, (err) => {
    caught = err;
    return check(err);
  });
  return caught;
}
const code = (c: string) => (err: unknown) => err instanceof AppError && err.code === c;

for (const backend of backends) {
  describe(`staff users [${backend.kind}]`, () => {
    let db: TestDatabase;
    let clock: Date;
    let ctx: Ctx;
    let deps: PasswordDeps;
    const notified: StaffUserNotification[] = [];
    const hasher = new PasswordHasher(MIN_ARGON2_PARAMS);
    let n = 0;

    before(async () => {
      db = await backend.open();
      clock = new Date('2026-11-24T09:00:00.000Z');
      ctx = createCtx({
        db: db.db,
        keyring: testKeyring(),
        actor: { kind: 'system', label: 'test', rights: new Set() },
        now: () => clock,
      });
      deps = {
        ctx,
        hasher,
        passwordPolicy: { minLength: 15 },
        notify: async (e) => {
          notified.push(e);
        },
      };
    });
    after(() => db.dispose());

    const advance = (ms: number) => (clock = new Date(clock.getTime() + ms));
    const create = (over: Partial<{ username: string; email: string; mobile: string }> = {}) => {
      n++;
      return createStaffUser(ctx, {
        username: over.username ?? `user.${n}`,
        displayName: `User ${n}`,
        email: over.email ?? `user${n}@example.test`,
        ...(over.mobile ? { mobile: over.mobile } : {}),
      });
    };
    const userRow = (id: string) =>
      db.db.selectFrom('staff_users').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const events = async (id: string) =>
      (
        await db.db
          .selectFrom('audit_events')
          .selectAll()
          .where('target_id', '=', id)
          .orderBy('seq')
          .execute()
      ).map((e) => e.type);
    const startTwoSessions = async (userId: string) =>
      Promise.all(
        [0, 1].map(() =>
          inTransaction(db.db, (tx) =>
            startSession(
              tx,
              ctx,
              { userId, secondFactor: 'totp', ip: '192.0.2.1', userAgent: 't' },
              DEFAULT_SESSION_POLICY,
            ),
          ),
        ),
      );
    const active = async () => {
      const created = await create();
      await activateStaffUser(deps, { token: created.activationToken.token, password: PASSWORD });
      return created.user;
    };

    it('creates a user without a password, encrypts the mobile number and audits field names only', async () => {
      const { user, activationToken } = await create({
        username: 'Grace.Hopper',
        mobile: '+41 79 123 45 67',
      });
      assert.equal(user.username, 'grace.hopper');
      assert.equal(user.mobileMasked, '••••4567');
      assert.equal(user.activated, false);
      assert.match(activationToken.token, /^[A-Za-z0-9_-]{43}$/);
      assert.equal(activationToken.expiresAt, new Date(clock.getTime() + 24 * HOUR).toISOString());
      const row = await userRow(user.id);
      assert.equal(row.password_hash, null);
      assert.equal(
        ctx.keyring.decryptField(row.mobile_enc!, `staff_users.mobile:${user.id}`),
        '+41791234567',
      );
      assert.ok(!Buffer.from(row.mobile_enc!).toString('latin1').includes('791234567'));
      const tokens = await db.db
        .selectFrom('staff_user_tokens')
        .selectAll()
        .where('user_id', '=', user.id)
        .execute();
      assert.equal(tokens.length, 1);
      assert.equal(tokens[0]!.purpose, 'activation');
      assert.equal(tokens[0]!.token_hash.length, 32);
      assert.equal(tokens[0]!.created_by, 'system:test');
      const audit = await db.db
        .selectFrom('audit_events')
        .selectAll()
        .where('target_id', '=', user.id)
        .execute();
      assert.deepEqual(
        audit.map((e) => e.type),
        ['staff_user.created'],
      );
      const text = JSON.stringify(audit);
      for (const secret of ['1234567', activationToken.token, 'example.test', 'User'])
        assert.ok(!text.includes(secret), `audit must not contain ${secret}`);
      // The presenter is an allow-list.
      assert.deepEqual(Object.keys(user).sort(), [
        'activated',
        'createdAt',
        'disabledAt',
        'displayName',
        'email',
        'id',
        'mobileMasked',
        'passwordChangedAt',
        'source',
        'status',
        'updatedAt',
        'username',
        'version',
      ]);
      const viewText = JSON.stringify(await getStaffUser(ctx, user.id));
      assert.ok(!viewText.includes('argon2') && !viewText.includes('+4179'));
    });

    it('activates once with an argon2id hash; the plaintext appears in no row or audit payload', async () => {
      const { user, activationToken } = await create();
      const view = await activateStaffUser(deps, { token: activationToken.token, password: PASSWORD });
      assert.equal(view.activated, true);
      const row = await userRow(user.id);
      assert.match(row.password_hash!, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      assert.equal(await hasher.verifyPassword(row.password_hash, PASSWORD), true);
      assert.equal(row.password_changed_at?.toISOString(), clock.toISOString());
      await rejectsWith(
        activateStaffUser(deps, { token: activationToken.token, password: PASSWORD_2 }),
        (e) => e instanceof InvalidUserTokenError && e.status === 400,
      );
      const everything = JSON.stringify([
        await db.db.selectFrom('staff_users').selectAll().execute(),
        await db.db.selectFrom('staff_user_tokens').selectAll().execute(),
        await db.db.selectFrom('audit_events').select(['type', 'payload', 'actor', 'target_id']).execute(),
      ]);
      for (const secret of [PASSWORD, PASSWORD_2, activationToken.token])
        assert.ok(!everything.includes(secret), 'a password or token leaked into the database');
      assert.deepEqual(await events(user.id), ['staff_user.created', 'staff_user.activated']);
    });

    it('lets exactly one of several parallel activations with the same token through', async () => {
      const { user, activationToken } = await create();
      const results = await Promise.allSettled(
        [PASSWORD, PASSWORD_2, PASSWORD, PASSWORD_2].map((password) =>
          activateStaffUser(deps, { token: activationToken.token, password }),
        ),
      );
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of results)
        if (r.status === 'rejected') assert.ok(r.reason instanceof InvalidUserTokenError, String(r.reason));
      assert.deepEqual(await events(user.id), ['staff_user.created', 'staff_user.activated']);
    });

    it('refuses an expired, malformed or unknown token the same way', async () => {
      const { activationToken } = await create();
      advance(24 * HOUR + 1);
      for (const token of [activationToken.token, 'nonsense', 'A'.repeat(43)])
        await rejectsWith(
          activateStaffUser(deps, { token, password: PASSWORD }),
          (e) => e instanceof InvalidUserTokenError,
        );
    });

    it('leaves the token usable and stores no hash when the password breaks the policy', async () => {
      const { user, activationToken } = await create({ username: 'ada.lovelace' });
      const tooShort = (await rejectsWith(
        activateStaffUser(deps, { token: activationToken.token, password: 'qz7 vx' }),
        (e) => e instanceof PasswordPolicyError && e.status === 400,
      )) as PasswordPolicyError;
      assert.deepEqual(
        tooShort.problems.map((p) => p.code),
        ['too_short'],
      );
      const context = (await rejectsWith(
        activateStaffUser(deps, { token: activationToken.token, password: 'lovelace sails the seas far' }),
        (e) => e instanceof PasswordPolicyError,
      )) as PasswordPolicyError;
      assert.deepEqual(
        context.problems.map((p) => p.code),
        ['contains_context'],
      );
      assert.equal((await userRow(user.id)).password_hash, null);
      const token = await db.db
        .selectFrom('staff_user_tokens')
        .selectAll()
        .where('user_id', '=', user.id)
        .executeTakeFirstOrThrow();
      assert.equal(token.used_at, null);
      await activateStaffUser(deps, { token: activationToken.token, password: PASSWORD });
      assert.notEqual((await userRow(user.id)).password_hash, null);
    });

    it('a new reset token kills the previous one; completing it ends every session and notifies', async () => {
      const user = await active();
      const first = await startPasswordReset(ctx, { userId: user.id });
      assert.equal(first.expiresAt, new Date(clock.getTime() + HOUR).toISOString());
      const second = await startPasswordReset(ctx, { userId: user.id });
      // The old password still works until the reset is completed.
      assert.equal(await hasher.verifyPassword((await userRow(user.id)).password_hash, PASSWORD), true);
      const sessions = await startTwoSessions(user.id);
      await rejectsWith(
        completePasswordReset(deps, { token: first.token, password: PASSWORD_2 }),
        (e) => e instanceof InvalidUserTokenError,
      );
      notified.length = 0;
      await completePasswordReset(deps, { token: second.token, password: PASSWORD_2 });
      const row = await userRow(user.id);
      assert.equal(await hasher.verifyPassword(row.password_hash, PASSWORD_2), true);
      assert.equal(await hasher.verifyPassword(row.password_hash, PASSWORD), false);
      for (const s of sessions)
        assert.equal(await resolveSession(ctx, s.token, DEFAULT_SESSION_POLICY), null);
      const ended = await db.db
        .selectFrom('sessions')
        .select('end_reason')
        .where('user_id', '=', user.id)
        .execute();
      assert.deepEqual(
        ended.map((s) => s.end_reason),
        ['password_changed', 'password_changed'],
      );
      assert.deepEqual(notified, [{ type: 'password_changed', userId: user.id, via: 'reset' }]);
      assert.deepEqual((await events(user.id)).slice(-3), [
        'staff_user.reset_started',
        'staff_user.reset_started',
        'staff_user.reset_completed',
      ]);
      await rejectsWith(
        completePasswordReset(deps, { token: second.token, password: PASSWORD }),
        (e) => e instanceof InvalidUserTokenError,
      );
      // An activation token is not a reset token.
      const other = await create();
      await rejectsWith(
        completePasswordReset(deps, { token: other.activationToken.token, password: PASSWORD }),
        (e) => e instanceof InvalidUserTokenError,
      );
      advance(HOUR + 1);
      const late = await startPasswordReset(ctx, { userId: user.id });
      advance(HOUR);
      await rejectsWith(
        completePasswordReset(deps, { token: late.token, password: PASSWORD }),
        (e) => e instanceof InvalidUserTokenError,
      );
    });

    it('disabling ends every session in the same transaction, retires links and refuses a reset', async () => {
      const user = await active();
      const sessions = await startTwoSessions(user.id);
      const reset = await startPasswordReset(ctx, { userId: user.id });
      const before = await db.db.selectFrom('audit_head').select('seq').executeTakeFirstOrThrow();
      const view = await disableStaffUser(ctx, { userId: user.id });
      assert.equal(view.status, 'disabled');
      assert.equal(view.disabledAt, clock.toISOString());
      for (const s of sessions)
        assert.equal(await resolveSession(ctx, s.token, DEFAULT_SESSION_POLICY), null);
      const rows = await db.db
        .selectFrom('sessions')
        .select(['end_reason', 'ended_at'])
        .where('user_id', '=', user.id)
        .execute();
      assert.deepEqual(
        rows.map((r) => [r.end_reason, r.ended_at?.toISOString()]),
        [
          ['user_disabled', clock.toISOString()],
          ['user_disabled', clock.toISOString()],
        ],
      );
      // One commit: the two session ends and the disable are consecutive rows of the chain.
      const written = await db.db
        .selectFrom('audit_events')
        .select(['seq', 'type'])
        .where('seq', '>', before.seq)
        .orderBy('seq')
        .execute();
      assert.deepEqual(
        written.map((e) => e.type),
        ['session.ended', 'session.ended', 'staff_user.disabled'],
      );
      await rejectsWith(
        completePasswordReset(deps, { token: reset.token, password: PASSWORD_2 }),
        (e) => e instanceof InvalidUserTokenError,
      );
      await rejectsWith(startPasswordReset(ctx, { userId: user.id }), code('conflict'));
      // Idempotent: no second event.
      await disableStaffUser(ctx, { userId: user.id });
      assert.equal((await events(user.id)).filter((t) => t === 'staff_user.disabled').length, 1);
      const enabled = await enableStaffUser(ctx, { userId: user.id });
      assert.equal(enabled.status, 'active');
      assert.equal(enabled.disabledAt, null);
      assert.equal((await events(user.id)).at(-1), 'staff_user.enabled');
      // The reset link retired at disablement stays dead.
      await rejectsWith(
        completePasswordReset(deps, { token: reset.token, password: PASSWORD_2 }),
        (e) => e instanceof InvalidUserTokenError,
      );
    });

    it('a disabled user cannot activate', async () => {
      const { user, activationToken } = await create();
      await disableStaffUser(ctx, { userId: user.id });
      await enableStaffUser(ctx, { userId: user.id });
      await rejectsWith(
        activateStaffUser(deps, { token: activationToken.token, password: PASSWORD }),
        (e) => e instanceof InvalidUserTokenError,
      );
    });

    it('changing the password needs the right current one, ends other sessions and notifies', async () => {
      const user = await active();
      const [keep, other] = await startTwoSessions(user.id);
      await rejectsWith(
        changePassword(deps, {
          userId: user.id,
          currentPassword: 'wrong wrong wrong',
          newPassword: PASSWORD_2,
        }),
        (e) => e instanceof WrongCurrentPasswordError && e.status === 403,
      );
      assert.equal((await events(user.id)).at(-1), 'staff_user.password_change_failed');
      assert.equal(await hasher.verifyPassword((await userRow(user.id)).password_hash, PASSWORD), true);
      await rejectsWith(
        changePassword(deps, { userId: user.id, currentPassword: PASSWORD, newPassword: 'password' }),
        (e) => e instanceof PasswordPolicyError,
      );
      notified.length = 0;
      await changePassword(deps, {
        userId: user.id,
        currentPassword: PASSWORD,
        newPassword: PASSWORD_2,
        keepSessionId: keep!.session.id,
      });
      const row = await userRow(user.id);
      assert.equal(await hasher.verifyPassword(row.password_hash, PASSWORD_2), true);
      assert.ok(await resolveSession(ctx, keep!.token, DEFAULT_SESSION_POLICY));
      assert.equal(await resolveSession(ctx, other!.token, DEFAULT_SESSION_POLICY), null);
      assert.deepEqual(notified, [{ type: 'password_changed', userId: user.id, via: 'change' }]);
      assert.equal((await events(user.id)).at(-1), 'staff_user.password_changed');
      const audit = JSON.stringify(await db.db.selectFrom('audit_events').select('payload').execute());
      assert.ok(!audit.includes(PASSWORD) && !audit.includes(PASSWORD_2) && !audit.includes('wrong wrong'));
      // A user who never activated has no current password to give.
      const fresh = await create();
      await rejectsWith(
        changePassword(deps, { userId: fresh.user.id, currentPassword: '', newPassword: PASSWORD_2 }),
        (e) => e instanceof WrongCurrentPasswordError,
      );
    });

    it('refuses duplicate usernames and e-mail addresses regardless of case (409), and reserved names', async () => {
      await create({ username: 'Marie.Curie', email: 'Marie@Example.test' });
      await rejectsWith(
        create({ username: 'MARIE.curie' }),
        (e) => code('conflict')(e) && (e as AppError).status === 409,
      );
      await rejectsWith(create({ email: 'marie@example.TEST' }), code('conflict'));
      for (const username of ['Admin', 'root', 'dossier', 'ab', 'has space', 'x'.repeat(65), 'ümlaut'])
        await rejectsWith(create({ username }), code('validation'));
      await rejectsWith(create({ mobile: '0791234567' }), code('validation'));
      const ids = await db.db
        .selectFrom('staff_users')
        .select('id')
        .where('email', 'ilike', 'marie@example.test')
        .execute();
      assert.equal(ids.length, 1);
    });

    it('updates under an optimistic version; a mobile change is audited on its own and notified', async () => {
      const { user } = await create({ mobile: '+441234567890' });
      await rejectsWith(
        updateStaffUser(ctx, { id: user.id, version: 2, displayName: 'X' }),
        code('version_conflict'),
      );
      const taken = await create();
      await rejectsWith(
        updateStaffUser(ctx, { id: user.id, version: 1, email: taken.user.email.toUpperCase() }),
        code('conflict'),
      );
      const notifications: StaffUserNotification[] = [];
      const notify = async (e: StaffUserNotification) => {
        notifications.push(e);
      };
      const same = await updateStaffUser(
        ctx,
        { id: user.id, version: 1, mobile: '+44 1234 567890' },
        { notify },
      );
      assert.equal(same.version, 1, 'an unchanged value is no change');
      const v2 = await updateStaffUser(
        ctx,
        { id: user.id, version: 1, displayName: 'Renamed', mobile: '+33612345678' },
        { notify },
      );
      assert.equal(v2.version, 2);
      assert.equal(v2.displayName, 'Renamed');
      assert.equal(v2.mobileMasked, '••••5678');
      assert.deepEqual(notifications, [{ type: 'mobile_changed', userId: user.id }]);
      const audit = await db.db
        .selectFrom('audit_events')
        .select(['type', 'payload'])
        .where('target_id', '=', user.id)
        .orderBy('seq')
        .execute();
      assert.deepEqual(
        audit.slice(-2).map((e) => [e.type, e.payload]),
        [
          ['staff_user.updated', { fields: ['displayName'], version: 2 }],
          ['staff_user.mobile_changed', { removed: false, version: 2 }],
        ],
      );
      assert.ok(!JSON.stringify(audit).includes('612345678') && !JSON.stringify(audit).includes('Renamed'));
      const v3 = await updateStaffUser(ctx, { id: user.id, version: 2, mobile: null });
      assert.equal(v3.mobileMasked, null);
      assert.equal((await userRow(user.id)).mobile_enc, null);
      await rejectsWith(
        updateStaffUser(ctx, { id: randomUUID(), version: 1, displayName: 'X' }),
        code('not_found'),
      );
    });

    it('lists with keyset pages, a status filter and a literal search', async () => {
      const base = clock.getTime();
      const made: string[] = [];
      for (let i = 0; i < 5; i++) {
        clock = new Date(base + 1000 * i + 10 * HOUR);
        made.push((await create({ username: `page_${i}` })).user.id);
      }
      await disableStaffUser(ctx, { userId: made[1]! });
      const p1 = await listStaffUsers(ctx, { q: 'PAGE_', limit: 2 });
      assert.equal(p1.items.length, 2);
      assert.ok(p1.nextCursor);
      const p2 = await listStaffUsers(ctx, { q: 'page_', limit: 2, cursor: p1.nextCursor });
      const p3 = await listStaffUsers(ctx, { q: 'page_', limit: 2, cursor: p2.nextCursor! });
      assert.deepEqual(
        [...p1.items, ...p2.items, ...p3.items].map((u) => u.id),
        made,
      );
      assert.equal(p3.nextCursor, null);
      const disabled = await listStaffUsers(ctx, { status: 'disabled', q: 'page' });
      assert.deepEqual(
        disabled.items.map((u) => u.id),
        [made[1]],
      );
      // `_` is literal, not a wildcard.
      assert.equal((await listStaffUsers(ctx, { q: 'page_' })).items.length, 5);
      assert.equal((await listStaffUsers(ctx, { q: 'pag%' })).items.length, 0);
      await rejectsWith(listStaffUsers(ctx, { cursor: 'garbage' }), code('validation'));
      const text = JSON.stringify(p1);
      assert.ok(!text.includes('argon2') && !text.includes('password_hash') && !text.includes('mobile_enc'));
    });
  });
}
