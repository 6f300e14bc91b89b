/** Audit trail search, newest first, keyset-paginated on seq. */
import { Buffer } from 'node:buffer';
import type { Ctx } from '../../platform/context.ts';
import { whereAuditFilter } from './audit.filter.ts';
import type { AuditEventView, AuditQuery } from './audit.schema.ts';

export async function listAuditEvents(
  ctx: Ctx,
  query: AuditQuery,
): Promise<{ items: AuditEventView[]; nextCursor: string | null }> {
  let q = whereAuditFilter(ctx.db.selectFrom('audit_events').selectAll(), query);
  if (query.afterSeq) q = q.where('seq', '<', query.afterSeq);
  const rows = await q
    .orderBy('seq', 'desc')
    .limit(query.limit + 1)
    .execute();
  const page = rows.slice(0, query.limit);
  return {
    items: page.map((r) => ({
      seq: r.seq,
      id: r.id,
      occurredAt: r.occurred_at.toISOString(),
      type: r.type,
      actor: r.actor,
      requestId: r.request_id,
      targetType: r.target_type,
      targetId: r.target_id,
      payload: r.payload,
      hash: Buffer.from(r.hash).toString('hex'),
    })),
    nextCursor: rows.length > query.limit ? page.at(-1)!.seq : null,
  };
}
