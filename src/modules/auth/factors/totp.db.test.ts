import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import { Secret, TOTP } from 'otpauth';
import type { Ctx } from '../../../platform/context.ts';
import { backends, type TestDatabase } from '../../../../test/support/db.ts';
import { insertStaffUser, testCtx } from '../../../../test/support/context.ts';
import { confirmTotpEnrolment } from './confirm-totp-enrolment.ts';
import { getFactorSummary } from './get-factor-summary.ts';
import { removeTotpFactor } from './remove-totp-factor.ts';
import { startTotpEnrolment } from './start-totp-enrolment.ts';
import { totpStep } from './totp.ts';
import { verifyTotpCode } from './verify-totp-code.ts';

const T0 = new Date('2026-11-24T09:00:10.000Z');
const plus = (s: number) => new Date(T0.getTime() + s * 1000);
/** The code an authenticator app would show at `at` (computed by otpauth, not by our helpers). */
const appCode = (secret: string, at: Date) =>
  TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: at.getTime() });

for (const backend of backends) {
  describe(`TOTP factor [${backend.kind}]`, () => {
    let db: TestDatabase;
    let ctx: Ctx;
    let userId: string;
    let secret: string;

    before(async () => {
      db = await backend.open();
      ctx = testCtx(db.db, { now: () => T0 });
    });
    after(() => db.dispose());

    const newUser = (username?: string) => insertStaffUser(db.db, username);
    const audits = (type: string, id: string) =>
      db.db
        .selectFrom('audit_events')
        .select(['type', 'payload'])
        .where('type', '=', type)
        .where('target_id', '=', id)
        .execute();
    /** A user with an active factor, enrolled with the code of the step before T0's. */
    const enrolled = async () => {
      const id = await newUser();
      const e = await startTotpEnrolment(db.db, ctx, { userId: id, now: plus(-60) });
      assert.equal(
        await confirmTotpEnrolment(db.db, ctx, {
          userId: id,
          code: appCode(e.secret, plus(-60)),
          now: plus(-60),
        }),
        'ok',
      );
      return { id, secret: e.secret };
    };

    beforeEach(async () => {
      ({ id: userId, secret } = await enrolled());
    });

    it('enrols: returns the URI for the username, stores the secret encrypted, audits on confirmation', async () => {
      const id = await newUser('grace');
      const e = await startTotpEnrolment(db.db, ctx, { userId: id }, { firmLabel: 'Acme' });
      assert.ok(e.uri.startsWith('otpauth://totp/Dossier%20(Acme):grace?'), e.uri);
      assert.equal(new URL(e.uri).searchParams.get('secret'), e.secret);

      const row = await db.db
        .selectFrom('auth_totp_factors')
        .selectAll()
        .where('user_id', '=', id)
        .executeTakeFirstOrThrow();
      assert.equal(row.status, 'pending');
      const blob = Buffer.from(row.secret_enc);
      assert.equal(blob.includes(Buffer.from(e.secret)), false, 'base32 secret in the clear');
      assert.equal(
        blob.includes(Buffer.from(Secret.fromBase32(e.secret).bytes)),
        false,
        'raw secret in the clear',
      );
      // Bound to the user: the ciphertext does not decrypt as another user's.
      assert.throws(() => ctx.keyring.decryptField(row.secret_enc, `totp:${randomUUID()}`, 'totp'));
      assert.throws(() => ctx.keyring.decryptField(row.secret_enc, `totp:${id}`, 'field'));

      // A pending factor is not a factor yet.
      assert.equal(
        await verifyTotpCode(db.db, ctx, { userId: id, code: appCode(e.secret, T0) }),
        'no_factor',
      );
      assert.equal((await audits('auth.factor_enrolled', id)).length, 0);

      assert.equal(await confirmTotpEnrolment(db.db, ctx, { userId: id, code: '000000x' }), 'wrong');
      assert.equal(await confirmTotpEnrolment(db.db, ctx, { userId: id, code: appCode(e.secret, T0) }), 'ok');
      const active = await db.db
        .selectFrom('auth_totp_factors')
        .selectAll()
        .where('user_id', '=', id)
        .executeTakeFirstOrThrow();
      assert.deepEqual([active.status, active.last_step], ['active', totpStep(T0)]);
      assert.deepEqual(
        (await audits('auth.factor_enrolled', id)).map((a) => a.payload),
        [{ factor: 'totp', replaced: false }],
      );
      // The confirmation code cannot be replayed at sign-in.
      assert.equal(await verifyTotpCode(db.db, ctx, { userId: id, code: appCode(e.secret, T0) }), 'replayed');
      assert.deepEqual((await getFactorSummary(db.db, id)).totp?.confirmedAt, T0);
    });

    it('refuses to confirm a stale enrolment or none at all', async () => {
      const id = await newUser();
      assert.equal(await confirmTotpEnrolment(db.db, ctx, { userId: id, code: '123456' }), 'no_enrolment');
      const e = await startTotpEnrolment(db.db, ctx, { userId: id, now: T0 });
      const later = plus(16 * 60);
      assert.equal(
        await confirmTotpEnrolment(db.db, ctx, { userId: id, code: appCode(e.secret, later), now: later }),
        'expired',
      );
      await assert.rejects(startTotpEnrolment(db.db, ctx, { userId: randomUUID() }), /not found/);
    });

    it('accepts the current step once; the same code again is a replay', async () => {
      const code = appCode(secret, T0);
      assert.equal(await verifyTotpCode(db.db, ctx, { userId, code, now: T0 }), 'ok');
      assert.equal(await verifyTotpCode(db.db, ctx, { userId, code, now: T0 }), 'replayed');
      assert.equal(await verifyTotpCode(db.db, ctx, { userId, code, now: plus(20) }), 'replayed');
      const row = await db.db
        .selectFrom('auth_totp_factors')
        .select('last_step')
        .where('user_id', '=', userId)
        .executeTakeFirstOrThrow();
      assert.equal(row.last_step, totpStep(T0));
    });

    it('accepts the previous step once, then the current one, but not the previous after the current', async () => {
      const prev = appCode(secret, plus(-30));
      assert.equal(await verifyTotpCode(db.db, ctx, { userId, code: prev, now: T0 }), 'ok');
      assert.equal(await verifyTotpCode(db.db, ctx, { userId, code: prev, now: T0 }), 'replayed');
      assert.equal(await verifyTotpCode(db.db, ctx, { userId, code: appCode(secret, T0), now: T0 }), 'ok');

      const { id: other, secret: s2 } = await enrolled();
      assert.equal(await verifyTotpCode(db.db, ctx, { userId: other, code: appCode(s2, T0), now: T0 }), 'ok');
      const prev2 = appCode(s2, plus(-30));
      if (prev2 !== appCode(s2, T0))
        assert.equal(await verifyTotpCode(db.db, ctx, { userId: other, code: prev2, now: T0 }), 'replayed');
    });

    it('refuses a code two steps back and a future step', async () => {
      const now = plus(300);
      const twoBack = appCode(secret, plus(300 - 60));
      const future = appCode(secret, plus(300 + 30));
      const accepted = [appCode(secret, now), appCode(secret, plus(300 - 30))];
      if (!accepted.includes(twoBack))
        assert.equal(await verifyTotpCode(db.db, ctx, { userId, code: twoBack, now }), 'wrong');
      if (!accepted.includes(future))
        assert.equal(await verifyTotpCode(db.db, ctx, { userId, code: future, now }), 'wrong');
      assert.equal(await verifyTotpCode(db.db, ctx, { userId, code: 'nonsense', now }), 'wrong');
      assert.equal(await verifyTotpCode(db.db, ctx, { userId, code: appCode(secret, now), now }), 'ok');
    });

    it('lets exactly one of parallel submissions of the same code pass', async () => {
      const code = appCode(secret, T0);
      const results = await Promise.all(
        Array.from({ length: 8 }, () => verifyTotpCode(db.db, ctx, { userId, code, now: T0 })),
      );
      assert.equal(results.filter((r) => r === 'ok').length, 1, results.join());
      assert.equal(results.filter((r) => r === 'replayed').length, 7);
    });

    it('re-enrolment replaces the old authenticator; removal is audited', async () => {
      const e = await startTotpEnrolment(db.db, ctx, { userId, now: T0 });
      // Until confirmed, the old app still works.
      assert.equal(await verifyTotpCode(db.db, ctx, { userId, code: appCode(secret, T0), now: T0 }), 'ok');
      assert.equal(
        await confirmTotpEnrolment(db.db, ctx, { userId, code: appCode(e.secret, plus(30)), now: plus(30) }),
        'ok',
      );
      const next = plus(60);
      if (appCode(secret, next) !== appCode(e.secret, next))
        assert.equal(
          await verifyTotpCode(db.db, ctx, { userId, code: appCode(secret, next), now: next }),
          'wrong',
        );
      assert.equal(
        await verifyTotpCode(db.db, ctx, { userId, code: appCode(e.secret, next), now: next }),
        'ok',
      );
      assert.deepEqual(
        (await audits('auth.factor_enrolled', userId)).map((a) => a.payload),
        [
          { factor: 'totp', replaced: false },
          { factor: 'totp', replaced: true },
        ],
      );

      assert.equal(await removeTotpFactor(db.db, ctx, { userId }), true);
      assert.equal(await removeTotpFactor(db.db, ctx, { userId }), false);
      assert.equal(
        await verifyTotpCode(db.db, ctx, { userId, code: appCode(e.secret, plus(90)), now: plus(90) }),
        'no_factor',
      );
      assert.deepEqual(
        (await audits('auth.factor_removed', userId)).map((a) => a.payload),
        [{ factor: 'totp' }],
      );
      assert.deepEqual(await getFactorSummary(db.db, userId), {
        totp: null,
        totpPending: false,
        recoveryCodesRemaining: 0,
      });
    });
  });
}
