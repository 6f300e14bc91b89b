import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends, type TestDatabase } from '../../test/support/db.ts';
import { preparedQuery } from './prepared.ts';
import type { Executor } from './transaction.ts';

for (const backend of backends) {
  describe(`preparedQuery [${backend.kind}]`, () => {
    let db: TestDatabase;
    before(async () => {
      db = await backend.open();
      const now = new Date();
      for (const [id, username] of [
        ['00000000-0000-4000-8000-000000000001', 'ada'],
        ['00000000-0000-4000-8000-000000000002', 'grace'],
      ]) {
        await db.db
          .insertInto('staff_users')
          .values({
            id: id!,
            username: username!,
            display_name: username!,
            email: `${username}@example.test`,
            status: 'active',
            created_at: now,
          })
          .execute();
      }
    });
    after(() => db.dispose());

    it('reuses the compiled query with new parameters', async () => {
      let builds = 0;
      const byName = preparedQuery((q: Executor, name: string) => {
        builds++;
        return q.selectFrom('staff_users').select('id').where('username', '=', name);
      });
      assert.equal((await byName(db.db, 'ada'))[0]!.id, '00000000-0000-4000-8000-000000000001');
      assert.equal((await byName(db.db, 'grace'))[0]!.id, '00000000-0000-4000-8000-000000000002');
      assert.deepEqual(await byName(db.db, "nobody' OR '1'='1"), []);
      assert.equal(builds, 1);
    });

    it('rebuilds every time when the query carries parameters of its own', async () => {
      let builds = 0;
      const activeByName = preparedQuery((q: Executor, name: string) => {
        builds++;
        return q
          .selectFrom('staff_users')
          .select('id')
          .where('status', '=', 'active')
          .where('username', '=', name);
      });
      assert.equal((await activeByName(db.db, 'ada')).length, 1);
      assert.equal((await activeByName(db.db, 'grace')).length, 1);
      assert.equal(builds, 2);
    });
  });
}
