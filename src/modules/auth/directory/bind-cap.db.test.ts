import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends, type TestDatabase } from '../../../../test/support/db.ts';
import { bindFailures, purgeBindGuard, reserveBind, type BindCapPolicy } from './bind-cap.ts';

const T0 = new Date('2026-11-25T09:00:00.000Z');
const MIN = 60_000;
const at = (ms: number) => new Date(T0.getTime() + ms);
const POLICY: BindCapPolicy = { maxFailedBinds: 3, windowMs: 30 * MIN, leaseMs: MIN };

for (const backend of backends) {
  describe(`directory bind cap [${backend.kind}]`, () => {
    let db: TestDatabase;
    before(async () => {
      db = await backend.open();
    });
    after(() => db.dispose());

    it('counts failures as Active Directory does: a streak ends only after a quiet window', async () => {
      const dn = 'uid=streak,ou=people,dc=corp,dc=test';
      // Failures 20 minutes apart never leave the window: the fourth bind is refused.
      for (const m of [0, 20, 40]) {
        const r = await reserveBind(db.db, dn, at(m * MIN), POLICY);
        assert.ok(r.allowed, `bind at ${m} min`);
        await r.failed(at(m * MIN));
      }
      const capped = await reserveBind(db.db, dn, at(60 * MIN), POLICY);
      assert.equal(capped.allowed, false);
      await capped.released();
      // A refused attempt does not extend the streak: 30 minutes after the last failure it is over.
      assert.equal((await reserveBind(db.db, dn, at(69 * MIN), POLICY)).allowed, false);
      const again = await reserveBind(db.db, dn, at(70 * MIN), POLICY);
      assert.ok(again.allowed);
      await again.released();
      assert.equal(await bindFailures(db.db, 'UID=streak, OU=people,dc=corp,dc=test'), 0);
    });

    it('a success does not reset the streak (the domain controller that sees the next failure may not know)', async () => {
      const dn = 'uid=success,ou=people,dc=corp,dc=test';
      for (let i = 0; i < 2; i++)
        await (await reserveBind(db.db, dn, at(i * MIN), POLICY)).failed(at(i * MIN));
      await (await reserveBind(db.db, dn, at(3 * MIN), POLICY)).released();
      await (await reserveBind(db.db, dn, at(4 * MIN), POLICY)).failed(at(4 * MIN));
      assert.equal((await reserveBind(db.db, dn, at(5 * MIN), POLICY)).allowed, false);
    });

    it('binds in flight count against the cap (parallel attempts), and a lost one counts as a failure', async () => {
      const dn = 'uid=parallel,ou=people,dc=corp,dc=test';
      const all = await Promise.all(Array.from({ length: 6 }, () => reserveBind(db.db, dn, at(0), POLICY)));
      assert.equal(all.filter((r) => r.allowed).length, 3);
      // Two settle, one is never settled (the process died): after its lease it is a failure.
      await all.filter((r) => r.allowed)[0]!.failed(at(1000));
      await all.filter((r) => r.allowed)[1]!.released();
      const later = await reserveBind(db.db, dn, at(2 * MIN), POLICY);
      assert.ok(later.allowed, 'one failure and one stale reservation: 2 of 3');
      await later.failed(at(2 * MIN));
      assert.equal((await reserveBind(db.db, dn, at(3 * MIN), POLICY)).allowed, false);
    });

    it('housekeeping forgets streaks past their window, never one in flight', async () => {
      const dn = 'uid=purge,ou=people,dc=corp,dc=test';
      await (await reserveBind(db.db, dn, at(0), POLICY)).failed(at(0));
      const flying = await reserveBind(db.db, 'uid=flying,ou=people,dc=corp,dc=test', at(0), POLICY);
      assert.ok(flying.allowed);
      await purgeBindGuard(db.db, at(31 * MIN), POLICY.windowMs);
      assert.equal(await bindFailures(db.db, dn), 0);
      const left = await db.db.selectFrom('directory_bind_guard').select('account').execute();
      assert.ok(left.some((r) => r.account === 'uid=flying,ou=people,dc=corp,dc=test'));
    });
  });
}
