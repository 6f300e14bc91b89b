/**
 * Export of the audit trail (right `audit:export`): the events matching a search, oldest first, with
 * their hashes and links so the recipient can re-check them, and the head of the chain. The export
 * itself is audited in the same transaction, with the filters and what was exported.
 */
import { Buffer } from 'node:buffer';
import { inTransaction } from '../../db/transaction.ts';
import type { Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { actorRef } from '../access/actor.ts';
import { whereAuditFilter } from './audit.filter.ts';
import { appendAudit } from './audit.repository.ts';
import type { AuditExportView, AuditFilter } from './audit.schema.ts';

/** The most events one export carries; a larger one is refused (narrow the time range). */
export const MAX_AUDIT_EXPORT = 50_000;

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** Exports the events matching `filter` and records `audit.exported`. */
export async function exportAuditEvents(ctx: Ctx, filter: AuditFilter): Promise<AuditExportView> {
  const filters = Object.fromEntries(
    Object.entries(filter).filter(([, v]) => v !== undefined && v !== ''),
  ) as AuditFilter;
  return inTransaction(ctx.db, async (tx) => {
    // Locking the head first: no event can be appended between reading it and reading the rows.
    const head = await tx
      .selectFrom('audit_head')
      .select(['seq', 'hash'])
      .forUpdate()
      .executeTakeFirstOrThrow();
    const rows = await whereAuditFilter(tx.selectFrom('audit_events').selectAll(), filters)
      .orderBy('seq', 'asc')
      .limit(MAX_AUDIT_EXPORT + 1)
      .execute();
    if (rows.length > MAX_AUDIT_EXPORT)
      throw new AppError(
        'validation',
        `more than ${MAX_AUDIT_EXPORT} events match; narrow the search (a shorter time range)`,
        { reason: 'export_too_large', limit: MAX_AUDIT_EXPORT },
      );
    await appendAudit(tx, ctx, {
      type: 'audit.exported',
      target: { type: 'audit', id: 'chain' },
      payload: {
        filters,
        count: rows.length,
        firstSeq: rows[0]?.seq ?? null,
        lastSeq: rows.at(-1)?.seq ?? null,
      },
    });
    return {
      format: 'dossier.audit-export.v1',
      exportedAt: ctx.now().toISOString(),
      exportedBy: actorRef(ctx.actor),
      filters,
      head: { seq: String(head.seq), hash: hex(head.hash) },
      count: rows.length,
      events: rows.map((r) => ({
        seq: r.seq,
        id: r.id,
        occurredAt: r.occurred_at.toISOString(),
        type: r.type,
        actor: r.actor,
        requestId: r.request_id,
        targetType: r.target_type,
        targetId: r.target_id,
        payload: r.payload,
        prevHash: hex(r.prev_hash),
        hash: hex(r.hash),
      })),
    };
  });
}
