import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { inTransaction } from '../../../db/transaction.ts';
import type { Ctx } from '../../../platform/context.ts';
import { backends, type TestDatabase } from '../../../../test/support/db.ts';
import { insertStaffUser, testCtx } from '../../../../test/support/context.ts';
import { DEFAULT_SESSION_POLICY, isSteppedUp } from './session.policy.ts';
import {
  endSession,
  endUserSessions,
  listSessions,
  resolveSession,
  rotateSession,
  startSession,
} from './sessions.ts';

const policy = DEFAULT_SESSION_POLICY;

for (const backend of backends) {
  describe(`sessions [${backend.kind}]`, () => {
    let db: TestDatabase;
    let clock: Date;
    let ctx: Ctx;
    let userId: string;
    const at = (ms: number) => (clock = new Date(clock.getTime() + ms));

    before(async () => {
      db = await backend.open();
      clock = new Date('2026-11-24T09:00:00.000Z');
      ctx = testCtx(db.db, { now: () => clock });
      userId = await insertStaffUser(db.db, 'ada');
    });
    after(() => db.dispose());

    const start = (secondFactor: 'totp' | null = 'totp') =>
      inTransaction(db.db, (tx) =>
        startSession(tx, ctx, { userId, secondFactor, ip: '192.0.2.7', userAgent: 'test' }, policy),
      );

    it('stores only the token hash and resolves the token; audits the start', async () => {
      const { token, session } = await start();
      const row = await db.db
        .selectFrom('sessions')
        .selectAll()
        .where('id', '=', session.id)
        .executeTakeFirstOrThrow();
      assert.ok(!Buffer.from(row.token_hash).toString('latin1').includes(token));
      assert.equal(row.token_hash.length, 32);
      assert.equal((await resolveSession(ctx, token, policy))?.id, session.id);
      assert.equal(
        await resolveSession(ctx, token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A'), policy),
        null,
      );
      assert.equal(await resolveSession(ctx, 'not a token', policy), null);
      const ev = await db.db
        .selectFrom('audit_events')
        .selectAll()
        .where('target_id', '=', session.id)
        .execute();
      assert.deepEqual(
        ev.map((e) => e.type),
        ['session.started'],
      );
      assert.doesNotMatch(JSON.stringify(ev), new RegExp(token));
    });

    it('a rotated session has a new token; the old one is dead', async () => {
      const { token, session } = await start(null);
      at(1000);
      const rotated = await rotateSession(
        ctx,
        { sessionId: session.id, secondFactor: 'totp', from: 'active' },
        DEFAULT_SESSION_POLICY,
      );
      assert.notEqual(rotated.token, token);
      assert.equal(await resolveSession(ctx, token, policy), null);
      assert.equal((await resolveSession(ctx, rotated.token, policy))?.id, session.id);
      assert.notEqual(rotated.session.csrfToken, session.csrfToken);
      assert.ok(isSteppedUp(rotated.session, clock, policy));
      assert.ok(!isSteppedUp(rotated.session, new Date(clock.getTime() + policy.stepUpWindowMs + 1), policy));
    });

    it('idle timeout ends the session, activity keeps it alive', async () => {
      const { token, session } = await start();
      at(policy.idleTimeoutMs - 1000);
      assert.ok(await resolveSession(ctx, token, policy), 'still alive just before the idle timeout');
      at(policy.idleTimeoutMs - 1000);
      assert.ok(await resolveSession(ctx, token, policy), 'the previous request kept it alive');
      at(policy.idleTimeoutMs + 1);
      assert.equal(await resolveSession(ctx, token, policy), null);
      const row = await db.db
        .selectFrom('sessions')
        .selectAll()
        .where('id', '=', session.id)
        .executeTakeFirstOrThrow();
      assert.equal(row.end_reason, 'idle');
    });

    it('the absolute lifetime ends the session however active', async () => {
      const { token, session } = await start();
      for (let t = 0; t < policy.absoluteLifetimeMs; t += policy.idleTimeoutMs / 2) {
        at(policy.idleTimeoutMs / 2);
        if (clock.getTime() - session.createdAt.getTime() < policy.absoluteLifetimeMs)
          assert.ok(await resolveSession(ctx, token, policy));
      }
      at(1000);
      assert.equal(await resolveSession(ctx, token, policy), null);
      const row = await db.db
        .selectFrom('sessions')
        .selectAll()
        .where('id', '=', session.id)
        .executeTakeFirstOrThrow();
      assert.equal(row.end_reason, 'expired');
    });

    it("logout ends one session; a user cannot end another user's session", async () => {
      const { token, session } = await start();
      await assert.rejects(
        endSession(ctx, { sessionId: session.id, reason: 'ended_by_user', userId: randomUUID() }),
        /not found/,
      );
      assert.ok(await resolveSession(ctx, token, policy));
      await endSession(ctx, { sessionId: session.id, reason: 'logout', userId });
      assert.equal(await resolveSession(ctx, token, policy), null);
      await assert.rejects(endSession(ctx, { sessionId: session.id, reason: 'logout' }), /not found/);
    });

    it("ending all of a user's sessions (disablement) kills every token at once, except one kept", async () => {
      const a = await start();
      const b = await start();
      const c = await start();
      const n = await inTransaction(db.db, (tx) =>
        endUserSessions(tx, ctx, { userId, reason: 'user_disabled', exceptSessionId: c.session.id }),
      );
      assert.ok(n >= 2);
      assert.equal(await resolveSession(ctx, a.token, policy), null);
      assert.equal(await resolveSession(ctx, b.token, policy), null);
      assert.ok(await resolveSession(ctx, c.token, policy));
      assert.deepEqual(
        (await listSessions(ctx, userId)).map((s) => s.id),
        [c.session.id],
      );
      const ended = await db.db
        .selectFrom('audit_events')
        .select('payload')
        .where('type', '=', 'session.ended')
        .execute();
      assert.ok(ended.some((e) => (e.payload as { reason: string }).reason === 'user_disabled'));
    });
  });
}
