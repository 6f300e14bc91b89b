import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { backends, type TestDatabase } from '../../../test/support/db.ts';
import { insertStaffUser } from '../../../test/support/context.ts';
import { purgeAuthState, SESSION_RETENTION_MS } from './housekeeping.ts';
import { DEFAULT_THROTTLE_POLICY } from './throttle/index.ts';

const DAY = 24 * 3_600_000;

for (const backend of backends) {
  describe(`sign-in housekeeping [${backend.kind}]`, () => {
    let db: TestDatabase;
    before(async () => {
      db = await backend.open();
    });
    after(() => db.dispose());

    it('removes long-ended sessions, dead SMS codes and old tokens; keeps what is recent', async () => {
      const now = new Date();
      const userId = await insertStaffUser(db.db);
      const session = (id: string, endedAt: Date | null, expiresAt: Date) =>
        db.db
          .insertInto('sessions')
          .values({
            id,
            token_hash: Buffer.from(randomUUID().replaceAll('-', ''), 'hex'),
            user_id: userId,
            csrf_token: 'c',
            created_at: new Date(expiresAt.getTime() - DAY),
            last_seen_at: new Date(expiresAt.getTime() - DAY),
            expires_at: expiresAt,
            ended_at: endedAt,
          })
          .execute();
      const oldEnded = randomUUID();
      const oldExpired = randomUUID();
      const recent = randomUUID();
      const old = new Date(now.getTime() - SESSION_RETENTION_MS - DAY);
      await session(oldEnded, old, new Date(old.getTime() + 1000));
      await session(oldExpired, null, old);
      await session(recent, new Date(now.getTime() - DAY), now);
      for (const [created, expires] of [
        [new Date(now.getTime() - 3 * DAY), new Date(now.getTime() - 2 * DAY)],
        [now, new Date(now.getTime() + 600_000)],
      ] as const)
        await db.db
          .insertInto('auth_sms_codes')
          .values({
            id: randomUUID(),
            user_id: userId,
            attempt_hash: Buffer.alloc(32),
            code_mac: Buffer.alloc(32),
            state: 'replaced',
            created_at: created,
            expires_at: expires,
          })
          .execute();
      const r = await purgeAuthState(db.db, { now, throttle: DEFAULT_THROTTLE_POLICY });
      assert.equal(r.sessions, 2);
      assert.equal(r.smsCodes, 1);
      const left = await db.db.selectFrom('sessions').select('id').where('user_id', '=', userId).execute();
      assert.deepEqual(
        left.map((s) => s.id),
        [recent],
      );
    });
  });
}
