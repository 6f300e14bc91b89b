import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Ctx } from '../../../platform/context.ts';
import { backends, type TestDatabase } from '../../../../test/support/db.ts';
import { insertStaffUser, testCtx } from '../../../../test/support/context.ts';
import { issueSmsCode, type IssuedSmsCode } from './issue-sms-code.ts';
import { verifySmsCode } from './verify-sms-code.ts';

const T0 = new Date('2026-11-24T09:00:00.000Z');
const plus = (s: number) => new Date(T0.getTime() + s * 1000);

/** A different six-digit code than `code`. */
const other = (code: string) => ((Number(code) + 1) % 1_000_000).toString().padStart(6, '0');

for (const backend of backends) {
  describe(`SMS codes [${backend.kind}]`, () => {
    let db: TestDatabase;
    let ctx: Ctx;

    before(async () => {
      db = await backend.open();
      ctx = testCtx(db.db, { now: () => T0 });
    });
    after(() => db.dispose());

    const newUser = () => insertStaffUser(db.db);
    const issue = async (userId: string, attemptId: string, now = T0) => {
      const r = await issueSmsCode(db.db, ctx, { userId, attemptId, now });
      assert.ok('code' in r, `refused: ${JSON.stringify(r)}`);
      return r as IssuedSmsCode;
    };
    const verify = (userId: string, attemptId: string, code: string, now = T0) =>
      verifySmsCode(db.db, ctx, { userId, attemptId, code, now });
    const failures = async (userId: string) =>
      (
        await db.db
          .selectFrom('audit_events')
          .select('payload')
          .where('type', '=', 'auth.sms_code_failed')
          .where('target_id', '=', userId)
          .orderBy('seq')
          .execute()
      ).map((r) => r.payload);

    it('issues a six-digit code valid for ten minutes; stores and audits no code', async () => {
      const userId = await newUser();
      const attemptId = `attempt-${randomUUID()}`;
      const { code, expiresAt } = await issue(userId, attemptId);
      assert.match(code, /^\d{6}$/);
      assert.deepEqual(expiresAt, plus(600));

      const row = await db.db
        .selectFrom('auth_sms_codes')
        .selectAll()
        .where('user_id', '=', userId)
        .executeTakeFirstOrThrow();
      const stored =
        JSON.stringify(row) +
        Buffer.from(row.code_mac).toString('latin1') +
        Buffer.from(row.attempt_hash).toString('latin1');
      assert.equal(stored.includes(code), false, 'code stored in the clear');
      assert.equal(stored.includes(attemptId), false, 'attempt id stored in the clear');
      assert.ok(Buffer.from(row.code_mac).equals(ctx.keyring.otpMac(`sms:${attemptId}`, code)));

      assert.equal(await verify(userId, attemptId, other(code)), 'wrong');
      assert.equal(await verify(userId, attemptId, ` ${code.slice(0, 3)} ${code.slice(3)} `), 'ok');

      const events = await db.db
        .selectFrom('audit_events')
        .select(['type', 'payload'])
        .where('target_id', '=', userId)
        .orderBy('seq')
        .execute();
      assert.deepEqual(
        events.map((e) => e.type),
        ['auth.sms_code_sent', 'auth.sms_code_failed'],
      );
      assert.deepEqual(events[0]!.payload, { expiresAt: plus(600).toISOString() });
      for (const e of events)
        assert.equal(JSON.stringify(e.payload).includes(code), false, 'code in audit payload');
      assert.deepEqual(events[1]!.payload, { reason: 'wrong', tries: 1 });
    });

    it('refuses a used code', async () => {
      const userId = await newUser();
      const { code } = await issue(userId, 'a1');
      assert.equal(await verify(userId, 'a1', code), 'ok');
      assert.equal(await verify(userId, 'a1', code), 'used');
      assert.deepEqual(await failures(userId), [{ reason: 'used', tries: 1 }]);
    });

    it('refuses an expired code', async () => {
      const userId = await newUser();
      const { code } = await issue(userId, 'a1');
      assert.equal(await verify(userId, 'a1', code, plus(600)), 'expired');
      const shortLived = await issueSmsCode(db.db, ctx, {
        userId: await newUser(),
        attemptId: 'a2',
        policy: { ttlMs: 60_000 },
      });
      assert.ok('code' in shortLived);
      assert.deepEqual(shortLived.expiresAt, plus(60));
      await assert.rejects(
        issueSmsCode(db.db, ctx, { userId, attemptId: 'a3', policy: { ttlMs: 11 * 60_000 } }),
        /lifetime/,
      );
    });

    it('refuses a code for another login attempt or another user', async () => {
      const userId = await newUser();
      const { code } = await issue(userId, 'login-A');
      assert.equal(await verify(userId, 'login-B', code), 'no_code');
      assert.equal(await verify(await newUser(), 'login-A', code), 'no_code');
      // The right attempt still works: refusals elsewhere did not spend its tries.
      assert.equal(await verify(userId, 'login-A', code), 'ok');
    });

    it('kills a code after five tries: the sixth is refused even when right', async () => {
      const userId = await newUser();
      const { code } = await issue(userId, 'a1');
      for (let i = 0; i < 5; i++) assert.equal(await verify(userId, 'a1', other(code)), 'wrong');
      assert.equal(await verify(userId, 'a1', code), 'too_many_tries');
      const row = await db.db
        .selectFrom('auth_sms_codes')
        .select(['tries', 'state'])
        .where('user_id', '=', userId)
        .executeTakeFirstOrThrow();
      assert.deepEqual(row, { tries: 5, state: 'live' });
      assert.deepEqual((await failures(userId)).at(-1), { reason: 'too_many_tries', tries: 5 });
    });

    it('counts parallel guesses atomically: never more than five tries', async () => {
      const userId = await newUser();
      const { code } = await issue(userId, 'a1');
      const results = await Promise.all(Array.from({ length: 12 }, () => verify(userId, 'a1', other(code))));
      assert.equal(results.filter((r) => r === 'wrong').length, 5, results.join());
      assert.equal(results.filter((r) => r === 'too_many_tries').length, 7);
      assert.equal(await verify(userId, 'a1', code), 'too_many_tries');
    });

    it('lets one of two parallel submissions of the right code pass', async () => {
      const userId = await newUser();
      const { code } = await issue(userId, 'a1');
      const results = await Promise.all(Array.from({ length: 6 }, () => verify(userId, 'a1', code)));
      assert.deepEqual(results.sort(), ['ok', 'used', 'used', 'used', 'used', 'used']);
    });

    it('enforces the resend cooldown; a resend kills the old code', async () => {
      const userId = await newUser();
      const first = await issue(userId, 'a1');
      assert.deepEqual(await issueSmsCode(db.db, ctx, { userId, attemptId: 'a1', now: plus(59) }), {
        refused: 'cooldown',
        retryAfterMs: 1000,
      });
      const second = await issue(userId, 'a1', plus(60));
      if (first.code !== second.code) {
        assert.equal(await verify(userId, 'a1', first.code, plus(61)), 'wrong');
      }
      assert.equal(await verify(userId, 'a1', second.code, plus(61)), 'ok');
      const refused = await db.db
        .selectFrom('audit_events')
        .select('payload')
        .where('type', '=', 'auth.sms_code_refused')
        .where('target_id', '=', userId)
        .execute();
      assert.deepEqual(
        refused.map((r) => r.payload),
        [{ reason: 'cooldown', retryAfterMs: 1000 }],
      );
    });

    it('a code for a new login attempt kills the code of the earlier one', async () => {
      const userId = await newUser();
      const a = await issue(userId, 'login-A');
      await issue(userId, 'login-B', plus(60));
      assert.equal(await verify(userId, 'login-A', a.code, plus(61)), 'expired');
    });

    it('caps codes per user per sliding hour', async () => {
      const userId = await newUser();
      for (let i = 0; i < 5; i++) await issue(userId, `a${i}`, plus(i * 60));
      assert.deepEqual(await issueSmsCode(db.db, ctx, { userId, attemptId: 'a5', now: plus(5 * 60) }), {
        refused: 'hourly_cap',
        retryAfterMs: 55 * 60_000,
      });
      assert.deepEqual(await issueSmsCode(db.db, ctx, { userId, attemptId: 'a5', now: plus(3599) }), {
        refused: 'hourly_cap',
        retryAfterMs: 1000,
      });
      await issue(userId, 'a5', plus(3600));
      // Another user is not affected.
      await issue(await newUser(), 'x');
    });

    it('parallel resends cannot exceed the cooldown or the cap', async () => {
      const userId = await newUser();
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          issueSmsCode(db.db, ctx, { userId, attemptId: `p${i}`, now: T0 }),
        ),
      );
      assert.equal(results.filter((r) => 'code' in r).length, 1);
      const noCooldown = await newUser();
      const burst = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          issueSmsCode(db.db, ctx, {
            userId: noCooldown,
            attemptId: `q${i}`,
            now: T0,
            policy: { cooldownMs: 0 },
          }),
        ),
      );
      assert.equal(burst.filter((r) => 'code' in r).length, 5);
      const live = await db.db
        .selectFrom('auth_sms_codes')
        .select('id')
        .where('user_id', '=', noCooldown)
        .where('state', '=', 'live')
        .execute();
      assert.equal(live.length, 1, 'one live code per user');
    });
  });
}
