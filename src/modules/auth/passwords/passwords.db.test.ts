import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { backends, type TestDatabase } from '../../../../test/support/db.ts';
import { MIN_ARGON2_PARAMS, PasswordHasher } from './password-hashing.ts';

for (const backend of backends) {
  describe(`staff_users password columns [${backend.kind}]`, () => {
    let db: TestDatabase;
    const hasher = new PasswordHasher(MIN_ARGON2_PARAMS);

    before(async () => {
      db = await backend.open();
    });
    after(() => db.dispose());

    const newUser = async () => {
      const id = randomUUID();
      await db.db
        .insertInto('staff_users')
        .values({ id, username: `u-${id}`, display_name: 'U', email: `${id}@example.test`, status: 'active' })
        .execute();
      return id;
    };

    it('starts without a password and stores an argon2id hash that verifies', async () => {
      const id = await newUser();
      const fresh = await db.db
        .selectFrom('staff_users')
        .select(['password_hash'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      assert.equal(fresh.password_hash, null);
      const hash = await hasher.hashPassword('violet tractor on the moor');
      const changedAt = new Date('2026-11-24T10:00:00.000Z');
      await db.db
        .updateTable('staff_users')
        .set({ password_hash: hash, password_changed_at: changedAt })
        .where('id', '=', id)
        .execute();
      const row = await db.db
        .selectFrom('staff_users')
        .select(['password_hash', 'password_changed_at'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      assert.equal(row.password_hash, hash);
      assert.equal(row.password_changed_at?.toISOString(), changedAt.toISOString());
      assert.equal(await hasher.verifyPassword(row.password_hash, 'violet tractor on the moor'), true);
    });

    it('refuses to store anything but an argon2id hash', async () => {
      const id = await newUser();
      for (const bad of [
        'violet tractor on the moor',
        '$argon2i$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
        '$2b$12$abc',
      ])
        await assert.rejects(
          db.db.updateTable('staff_users').set({ password_hash: bad }).where('id', '=', id).execute(),
          /check constraint|password_hash/i,
          bad,
        );
    });
  });
}
