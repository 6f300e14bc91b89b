/** The search filters of the audit trail, shared by the search and the export. */
import type { SelectQueryBuilder } from 'kysely';
import type { DB } from '../../db/types.ts';
import type { AuditFilter } from './audit.schema.ts';

/** Narrows a query over `audit_events` to the events matching `f` (every given filter must hold). */
export function whereAuditFilter<O>(
  q: SelectQueryBuilder<DB, 'audit_events', O>,
  f: AuditFilter,
): SelectQueryBuilder<DB, 'audit_events', O> {
  if (f.type) q = q.where('type', '=', f.type);
  if (f.targetType) q = q.where('target_type', '=', f.targetType);
  if (f.targetId) q = q.where('target_id', '=', f.targetId);
  if (f.actor) q = q.where('actor', '=', f.actor);
  if (f.from) q = q.where('occurred_at', '>=', new Date(f.from));
  if (f.to) q = q.where('occurred_at', '<', new Date(f.to));
  return q;
}
