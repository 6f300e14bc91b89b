/**
 * Walks the whole audit trail in order and recomputes the hash chain. Finds an altered row (hash
 * mismatch), a removed row (gap in seq or broken prev_hash link), reordered rows (broken link), and a
 * truncated tail (head pointer ahead of the last row). Reports the first bad row.
 */
import { Buffer } from 'node:buffer';
import type { Executor } from '../../db/transaction.ts';
import { hashRow } from './audit.repository.ts';

export interface AuditVerification {
  ok: boolean;
  checked: number;
  headSeq: string;
  headHash: string;
  firstBad: { seq: string; reason: string } | null;
}

const BATCH = 2000;

export async function verifyAuditChain(db: Executor): Promise<AuditVerification> {
  const head = await db.selectFrom('audit_head').select(['seq', 'hash']).executeTakeFirstOrThrow();
  let expectedSeq = 1n;
  let prevHash: Buffer = Buffer.alloc(32);
  let checked = 0;
  const fail = (seq: bigint | string, reason: string): AuditVerification => ({
    ok: false,
    checked,
    headSeq: String(head.seq),
    headHash: Buffer.from(head.hash).toString('hex'),
    firstBad: { seq: String(seq), reason },
  });

  for (;;) {
    const rows = await db
      .selectFrom('audit_events')
      .selectAll()
      .where('seq', '>=', expectedSeq.toString())
      .orderBy('seq')
      .limit(BATCH)
      .execute();
    for (const row of rows) {
      const seq = BigInt(row.seq);
      if (seq !== expectedSeq) return fail(expectedSeq, `row ${expectedSeq} is missing (next row is ${seq})`);
      if (!Buffer.from(row.prev_hash).equals(prevHash))
        return fail(seq, 'link to the previous row is broken (row removed, inserted or reordered)');
      const hash = hashRow(prevHash, {
        seq: row.seq,
        id: row.id,
        occurredAt: row.occurred_at.toISOString(),
        type: row.type,
        actor: row.actor,
        requestId: row.request_id,
        targetType: row.target_type,
        targetId: row.target_id,
        payload: row.payload,
      });
      if (!hash.equals(Buffer.from(row.hash)))
        return fail(seq, 'content does not match its hash (row altered)');
      prevHash = hash;
      expectedSeq = seq + 1n;
      checked++;
    }
    if (rows.length < BATCH) break;
  }
  const last = expectedSeq - 1n;
  if (BigInt(head.seq) !== last)
    return fail(last + 1n, `head says ${head.seq} rows but the chain ends at ${last} (tail removed)`);
  if (!Buffer.from(head.hash).equals(prevHash)) return fail(last, 'head hash does not match the last row');
  return { ok: true, checked, headSeq: String(head.seq), headHash: prevHash.toString('hex'), firstBad: null };
}
