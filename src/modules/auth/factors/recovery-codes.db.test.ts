import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Ctx } from '../../../platform/context.ts';
import { backends, type TestDatabase } from '../../../../test/support/db.ts';
import { insertStaffUser, testCtx } from '../../../../test/support/context.ts';
import { generateRecoveryCodes } from './generate-recovery-codes.ts';
import { countRecoveryCodes, getFactorSummary } from './get-factor-summary.ts';
import { useRecoveryCode } from './use-recovery-code.ts';

const T0 = new Date('2026-11-24T09:00:00.000Z');

for (const backend of backends) {
  describe(`recovery codes [${backend.kind}]`, () => {
    let db: TestDatabase;
    let ctx: Ctx;

    before(async () => {
      db = await backend.open();
      ctx = testCtx(db.db, { now: () => T0 });
    });
    after(() => db.dispose());

    const newUser = () => insertStaffUser(db.db);
    const use = (userId: string, code: string) => useRecoveryCode(db.db, ctx, { userId, code });
    const audits = (type: string, userId: string) =>
      db.db
        .selectFrom('audit_events')
        .select('payload')
        .where('type', '=', type)
        .where('target_id', '=', userId)
        .orderBy('seq')
        .execute()
        .then((rows) => rows.map((r) => r.payload));

    it('generates ten distinct codes, stores only their MACs, audits the generation', async () => {
      const userId = await newUser();
      const { codes } = await generateRecoveryCodes(db.db, ctx, { userId });
      assert.equal(codes.length, 10);
      assert.equal(new Set(codes).size, 10);
      const rows = await db.db
        .selectFrom('auth_recovery_codes')
        .selectAll()
        .where('user_id', '=', userId)
        .execute();
      assert.equal(rows.length, 10);
      const dump = rows.map((r) => JSON.stringify(r) + Buffer.from(r.code_mac).toString('latin1')).join();
      for (const c of codes) {
        assert.equal(dump.includes(c), false);
        assert.equal(dump.includes(c.replaceAll('-', '')), false);
      }
      assert.equal(await countRecoveryCodes(db.db, userId), 10);
      assert.deepEqual(await audits('auth.recovery_codes_generated', userId), [{ count: 10 }]);
    });

    it('accepts each code once and counts what remains', async () => {
      const userId = await newUser();
      const { codes } = await generateRecoveryCodes(db.db, ctx, { userId });
      for (const [i, c] of codes.entries()) {
        assert.equal(await use(userId, c), 'ok');
        assert.equal(await use(userId, c), 'used');
        assert.equal(await countRecoveryCodes(db.db, userId), 9 - i);
      }
      assert.deepEqual(
        await audits('auth.recovery_code_used', userId),
        codes.map((_, i) => ({ remaining: 9 - i })),
      );
      assert.equal((await getFactorSummary(db.db, userId)).recoveryCodesRemaining, 0);
    });

    it('forgives case, spaces, missing hyphens and look-alikes; refuses others and other users', async () => {
      const userId = await newUser();
      const { codes } = await generateRecoveryCodes(db.db, ctx, { userId });
      // Typed in lower case, with spaces, and with O/I/L for 0/1 where the code has those digits.
      const typed = codes[0]!.toLowerCase().replaceAll('-', ' ').replaceAll('0', 'o').replaceAll('1', 'l');
      assert.equal(await use(userId, `  ${typed} `), 'ok');
      assert.equal(await use(userId, codes[1]!.replaceAll('-', '')), 'ok');
      assert.equal(await use(userId, 'AAAA-AAAA-AAAA-AAAA'), 'wrong');
      assert.equal(await use(userId, 'not a code'), 'wrong');
      // A code belongs to its user only (the MAC is bound to the user id).
      assert.equal(await use(await newUser(), codes[2]!), 'wrong');
      assert.equal(await use(userId, codes[2]!), 'ok');
    });

    it('lets exactly one of parallel uses of the same code pass', async () => {
      const userId = await newUser();
      const { codes } = await generateRecoveryCodes(db.db, ctx, { userId });
      const results = await Promise.all(Array.from({ length: 8 }, () => use(userId, codes[0]!)));
      assert.equal(results.filter((r) => r === 'ok').length, 1, results.join());
      assert.equal(results.filter((r) => r === 'used').length, 7);
      assert.equal(await countRecoveryCodes(db.db, userId), 9);
    });

    it('regenerating invalidates the whole old set', async () => {
      const userId = await newUser();
      const old = await generateRecoveryCodes(db.db, ctx, { userId });
      assert.equal(await use(userId, old.codes[0]!), 'ok');
      const fresh = await generateRecoveryCodes(db.db, ctx, { userId });
      for (const c of old.codes) assert.equal(await use(userId, c), 'wrong');
      assert.equal(await countRecoveryCodes(db.db, userId), 10);
      assert.equal(await use(userId, fresh.codes[9]!), 'ok');
      assert.equal(await countRecoveryCodes(db.db, userId), 9);
      assert.deepEqual(await audits('auth.recovery_codes_generated', userId), [{ count: 10 }, { count: 10 }]);
    });
  });
}
