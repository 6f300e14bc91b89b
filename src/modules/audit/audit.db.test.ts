import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { inTransaction } from '../../db/transaction.ts';
import type { Ctx } from '../../platform/context.ts';
import { backends, type TestDatabase } from '../../../test/support/db.ts';
import { testCtx } from '../../../test/support/context.ts';
import { appendAudit } from './audit.repository.ts';
import { verifyAuditChain } from './verify-audit-chain.ts';

async function seedEvents(ctx: Ctx, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    await inTransaction(ctx.db, (tx) =>
      appendAudit(tx, ctx, {
        type: 'api_key.revoked',
        target: { type: 'api_key', id: `k${i}` },
        payload: { name: `key ${i}` },
      }),
    );
  }
}

/** Runs `statement` with the append-only triggers disabled, as a database owner or superuser could. */
async function tamper(db: TestDatabase, statement: string): Promise<void> {
  await sql.raw('ALTER TABLE audit_events DISABLE TRIGGER USER').execute(db.db);
  await sql.raw(statement).execute(db.db);
  await sql.raw('ALTER TABLE audit_events ENABLE TRIGGER USER').execute(db.db);
}

for (const backend of backends) {
  describe(`audit trail [${backend.kind}]`, () => {
    let db: TestDatabase;
    let ctx: Ctx;
    before(async () => {
      db = await backend.open();
      ctx = testCtx(db.db);
    });
    after(() => db.dispose());

    const reset = async () => {
      await sql.raw('ALTER TABLE audit_events DISABLE TRIGGER USER').execute(db.db);
      await sql.raw('DELETE FROM audit_events').execute(db.db);
      await sql.raw('ALTER TABLE audit_events ENABLE TRIGGER USER').execute(db.db);
      await sql.raw(`UPDATE audit_head SET seq = 0, hash = decode(repeat('00', 32), 'hex')`).execute(db.db);
    };

    it('an empty trail and a trail of events both verify', async () => {
      assert.equal((await verifyAuditChain(db.db)).ok, true);
      await seedEvents(ctx, 5);
      const v = await verifyAuditChain(db.db);
      assert.deepEqual([v.ok, v.checked, v.headSeq], [true, 5, '5']);
    });

    it('refuses UPDATE, DELETE and TRUNCATE through the trigger', async () => {
      await assert.rejects(
        sql.raw(`UPDATE audit_events SET type = 'x' WHERE seq = 1`).execute(db.db),
        /append-only/,
      );
      await assert.rejects(sql.raw('DELETE FROM audit_events WHERE seq = 1').execute(db.db), /append-only/);
      await assert.rejects(sql.raw('TRUNCATE audit_events').execute(db.db), /append-only/);
      assert.equal((await verifyAuditChain(db.db)).checked, 5);
    });

    it("finds a row altered behind the trigger's back", async () => {
      await reset();
      await seedEvents(ctx, 5);
      await tamper(db, `UPDATE audit_events SET payload = '{"name":"someone else"}' WHERE seq = 3`);
      const v = await verifyAuditChain(db.db);
      assert.equal(v.ok, false);
      assert.equal(v.firstBad?.seq, '3');
      assert.match(v.firstBad!.reason, /altered/);
    });

    it('finds a removed row', async () => {
      await reset();
      await seedEvents(ctx, 5);
      await tamper(db, 'DELETE FROM audit_events WHERE seq = 2');
      const v = await verifyAuditChain(db.db);
      assert.deepEqual([v.ok, v.firstBad?.seq], [false, '2']);
      assert.match(v.firstBad!.reason, /missing/);
    });

    it('finds a removed tail row through the head', async () => {
      await reset();
      await seedEvents(ctx, 4);
      await tamper(db, 'DELETE FROM audit_events WHERE seq = 4');
      const v = await verifyAuditChain(db.db);
      assert.deepEqual([v.ok, v.firstBad?.seq], [false, '4']);
    });

    it('finds two rows swapped (by position and by content)', async () => {
      await reset();
      await seedEvents(ctx, 5);
      await tamper(
        db,
        'UPDATE audit_events SET seq = CASE seq WHEN 2 THEN 1002 WHEN 3 THEN 1003 END WHERE seq IN (2, 3)',
      );
      await tamper(
        db,
        'UPDATE audit_events SET seq = CASE seq WHEN 1002 THEN 3 WHEN 1003 THEN 2 END WHERE seq IN (1002, 1003)',
      );
      let v = await verifyAuditChain(db.db);
      assert.deepEqual([v.ok, v.firstBad?.seq], [false, '2']);

      await reset();
      await seedEvents(ctx, 5);
      await tamper(
        db,
        `UPDATE audit_events a SET payload = b.payload, target_id = b.target_id
           FROM audit_events b WHERE (a.seq, b.seq) IN ((2, 3), (3, 2))`,
      );
      v = await verifyAuditChain(db.db);
      assert.deepEqual([v.ok, v.firstBad?.seq], [false, '2']);
    });

    it('concurrent writers produce one contiguous, valid chain', async () => {
      await reset();
      await Promise.all(
        Array.from({ length: 25 }, (_, i) =>
          inTransaction(db.db, (tx) =>
            appendAudit(tx, ctx, { type: 'api_key.revoked', payload: { name: `c${i}` } }),
          ),
        ),
      );
      const v = await verifyAuditChain(db.db);
      assert.deepEqual([v.ok, v.checked], [true, 25]);
    });

    it('a rolled-back change leaves no audit row and no gap', async () => {
      await reset();
      await seedEvents(ctx, 2);
      await assert.rejects(
        inTransaction(db.db, async (tx) => {
          await appendAudit(tx, ctx, { type: 'api_key.revoked', payload: { name: 'doomed' } });
          throw new Error('boom');
        }),
      );
      await seedEvents(ctx, 1);
      const v = await verifyAuditChain(db.db);
      assert.deepEqual([v.ok, v.checked], [true, 3]);
    });
  });
}
