import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Ctx } from '../../platform/context.ts';
import { getOwnership } from '../../modules/subjects/index.ts';
import { verifyAuditChain } from '../../modules/audit/index.ts';
import { backends, type TestDatabase } from '../../../test/support/db.ts';
import { testCtx } from '../../../test/support/context.ts';
import { seedDemo } from './demo.ts';

for (const backend of backends) {
  describe(`demo seed [${backend.kind}]`, () => {
    let db: TestDatabase;
    let ctx: Ctx;
    before(async () => {
      db = await backend.open();
      ctx = testCtx(db.db, { rights: 'all' });
    });
    after(() => db.dispose());

    it('loads a two-level ownership chain whose UBOs are computed, audited, and loads once', async () => {
      const seed = await seedDemo(ctx);
      assert.equal(seed.alreadyLoaded, false);
      assert.match(seed.applicationReference, /^APP-\d{6}$/);
      const [maria, jan, aiko, , trading] = seed.subjectIds;
      const own = await getOwnership(ctx, { id: trading! });
      const pct = (id: string) => own.owners.find((o) => o.subjectId === id)?.effectivePct;
      assert.equal(pct(maria!), 48);
      assert.equal(pct(jan!), 32);
      assert.equal(pct(aiko!), 20);
      assert.deepEqual(own.uboCandidates.map((u) => u.subjectId).sort(), [maria!, jan!].sort());

      const again = await seedDemo(ctx);
      assert.equal(again.alreadyLoaded, true);
      assert.equal(again.applicationId, seed.applicationId);
      const v = await verifyAuditChain(db.db);
      assert.equal(v.ok, true);
      assert.equal(v.checked, 13, `every seeded change is audited (${v.checked})`);
    });
  });
}
