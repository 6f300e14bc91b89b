/** Audit trail search, newest first, keyset-paginated on seq. */
import { Buffer } from 'node:buffer';
import type { Ctx } from '../../platform/context.ts';
import { nameAuditRefs } from './audit-names.ts';
import { whereAuditFilter } from './audit.filter.ts';
import type { AuditEventView, AuditQuery } from './audit.schema.ts';

/**
 * One page of the events matching the query, each with the current names of its actor and target
 * (resolved in one query for the page; the stored events hold references only).
 */
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
  const names = await nameAuditRefs(
    ctx.db,
    page.map((r) => ({ actor: r.actor, targetType: r.target_type, targetId: r.target_id })),
  );
  return {
    items: page.map((r) => ({
      seq: r.seq,
      id: r.id,
      occurredAt: r.occurred_at.toISOString(),
      type: r.type,
      actor: r.actor,
      actorName: names.actor(r.actor),
      requestId: r.request_id,
      targetType: r.target_type,
      targetId: r.target_id,
      targetName: names.target(r.target_type, r.target_id),
      payload: r.payload,
      hash: Buffer.from(r.hash).toString('hex'),
    })),
    nextCursor: rows.length > query.limit ? page.at(-1)!.seq : null,
  };
}
