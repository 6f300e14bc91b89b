/**
 * Appending to the audit trail. The head row is locked (SELECT ... FOR UPDATE) so concurrent
 * writers are chained one after another; the lock is held only until the surrounding transaction
 * commits, which is why callers append as the last step of their transaction.
 */
import { createHash, randomUUID } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { Executor, Tx } from '../../db/transaction.ts';
import type { Ctx } from '../../platform/context.ts';
import { actorRef } from '../access/actor.ts';
import type { AuditEvent } from './audit.events.ts';

/** The fields a row's hash covers, in their canonical (RFC 8785) encoding. */
export interface HashedFields {
  seq: string;
  id: string;
  occurredAt: string;
  type: string;
  actor: string;
  requestId: string | null;
  targetType: string | null;
  targetId: string | null;
  payload: unknown;
}

export function hashRow(prevHash: Uint8Array, fields: HashedFields): Buffer {
  const encoded = canonicalize(fields);
  if (encoded === undefined) throw new Error('audit: cannot encode row');
  return createHash('sha256').update(prevHash).update(encoded, 'utf8').digest();
}

/** Appends one event inside the caller's transaction. */
export async function appendAudit(
  tx: Tx,
  ctx: Pick<Ctx, 'actor' | 'requestId' | 'now'>,
  event: AuditEvent,
): Promise<void> {
  const head = await tx
    .selectFrom('audit_head')
    .select(['seq', 'hash'])
    .forUpdate()
    .executeTakeFirstOrThrow();
  const fields: HashedFields = {
    seq: (BigInt(head.seq) + 1n).toString(),
    id: randomUUID(),
    // Millisecond precision survives the round trip through timestamptz unchanged.
    occurredAt: ctx.now().toISOString(),
    type: event.type,
    actor: actorRef(ctx.actor),
    requestId: ctx.requestId,
    targetType: event.target?.type ?? null,
    targetId: event.target?.id ?? null,
    // Through JSON once, so what is hashed is exactly what jsonb will give back.
    payload: JSON.parse(JSON.stringify(event.payload)),
  };
  const hash = hashRow(head.hash, fields);
  await tx
    .insertInto('audit_events')
    .values({
      seq: fields.seq,
      id: fields.id,
      occurred_at: fields.occurredAt,
      type: fields.type,
      actor: fields.actor,
      request_id: fields.requestId,
      target_type: fields.targetType,
      target_id: fields.targetId,
      payload: JSON.stringify(fields.payload),
      prev_hash: Buffer.from(head.hash),
      hash,
    })
    .execute();
  await tx.updateTable('audit_head').set({ seq: fields.seq, hash }).where('singleton', '=', true).execute();
}

/** Appends an event in a transaction of its own (denials, rejections: nothing else changes). */
export async function recordAudit(
  db: Executor,
  ctx: Pick<Ctx, 'actor' | 'requestId' | 'now'>,
  event: AuditEvent,
): Promise<void> {
  if ('isTransaction' in db && db.isTransaction) return appendAudit(db as Tx, ctx, event);
  await (db as Exclude<Executor, Tx>).transaction().execute((tx) => appendAudit(tx, ctx, event));
}
