/** SQL for relationships and the upward walk of the shareholder graph. */
import type { Executor } from '../../db/transaction.ts';
import type { NewRow, Row } from '../../db/types.ts';
import type { RelationshipKind } from './relationship.schema.ts';

export type RelationshipRow = Row<'relationships'>;

export async function findRelationship(db: Executor, id: string): Promise<RelationshipRow | null> {
  return (await db.selectFrom('relationships').selectAll().where('id', '=', id).executeTakeFirst()) ?? null;
}

export async function relationshipExists(
  db: Executor,
  from: string,
  to: string,
  kind: RelationshipKind,
): Promise<boolean> {
  const row = await db
    .selectFrom('relationships')
    .select('id')
    .where('from_subject_id', '=', from)
    .where('to_subject_id', '=', to)
    .where('kind', '=', kind)
    .executeTakeFirst();
  return row !== undefined;
}

/** Sum of the direct shareholdings in an entity, in ten-thousandths of a percent (exact integers). */
export async function totalShareUnits(db: Executor, entityId: string): Promise<number> {
  const rows = await db
    .selectFrom('relationships')
    .select('share_pct')
    .where('to_subject_id', '=', entityId)
    .where('kind', '=', 'shareholder')
    .execute();
  return rows.reduce((sum, r) => sum + Math.round(Number(r.share_pct ?? 0) * 10_000), 0);
}

export async function insertRelationship(
  db: Executor,
  row: NewRow<'relationships'>,
): Promise<RelationshipRow> {
  return db.insertInto('relationships').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function deleteRelationshipRow(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('relationships').where('id', '=', id).execute();
}

export interface RelationshipWithCounterpart extends RelationshipRow {
  counterpart_id: string;
  counterpart_kind: 'person' | 'entity';
  counterpart_name: string;
}

/** Both directions, with the other subject's name. */
export async function listRelationshipsOf(
  db: Executor,
  subjectId: string,
): Promise<RelationshipWithCounterpart[]> {
  const outgoing = db
    .selectFrom('relationships')
    .innerJoin('subjects as c', 'c.id', 'relationships.to_subject_id')
    .selectAll('relationships')
    .select(['c.id as counterpart_id', 'c.kind as counterpart_kind', 'c.display_name as counterpart_name'])
    .where('relationships.from_subject_id', '=', subjectId);
  const incoming = db
    .selectFrom('relationships')
    .innerJoin('subjects as c', 'c.id', 'relationships.from_subject_id')
    .selectAll('relationships')
    .select(['c.id as counterpart_id', 'c.kind as counterpart_kind', 'c.display_name as counterpart_name'])
    .where('relationships.to_subject_id', '=', subjectId);
  const rows = [...(await outgoing.execute()), ...(await incoming.execute())];
  return rows.sort((a, b) => a.created_at.getTime() - b.created_at.getTime() || (a.id < b.id ? -1 : 1));
}

export interface ShareholderEdgeRow {
  from_subject_id: string;
  to_subject_id: string;
  share_pct: string | null;
  voting_pct: string | null;
}

/**
 * Shareholder edges above an entity, level by level (one query per level, at most `maxDepth`), each
 * entity expanded once, so cycles cannot make the walk loop. `maxEdges` bounds the load; hitting it
 * or the depth with more to load reports `truncated`.
 */
export async function loadShareholderEdgesUpward(
  db: Executor,
  targetId: string,
  limits: { maxDepth: number; maxEdges: number },
): Promise<{ edges: ShareholderEdgeRow[]; truncated: boolean }> {
  const edges: ShareholderEdgeRow[] = [];
  const expanded = new Set<string>();
  let frontier = [targetId];
  for (let depth = 0; frontier.length > 0; depth++) {
    if (depth >= limits.maxDepth || edges.length >= limits.maxEdges) {
      // Truncated only if there really is more above.
      const more = await db
        .selectFrom('relationships')
        .select('id')
        .where('kind', '=', 'shareholder')
        .where('to_subject_id', 'in', frontier)
        .limit(1)
        .executeTakeFirst();
      return { edges, truncated: more !== undefined };
    }
    frontier.forEach((id) => expanded.add(id));
    const rows = await db
      .selectFrom('relationships')
      .select(['from_subject_id', 'to_subject_id', 'share_pct', 'voting_pct'])
      .where('kind', '=', 'shareholder')
      .where('to_subject_id', 'in', frontier)
      .orderBy('to_subject_id')
      .orderBy('from_subject_id')
      .limit(limits.maxEdges - edges.length + 1)
      .execute();
    if (edges.length + rows.length > limits.maxEdges) {
      return { edges: [...edges, ...rows.slice(0, limits.maxEdges - edges.length)], truncated: true };
    }
    edges.push(...rows);
    frontier = [...new Set(rows.map((r) => r.from_subject_id))].filter((id) => !expanded.has(id));
  }
  return { edges, truncated: false };
}

/** Subjects declared UBO of the entity by an explicit relationship. */
export async function declaredUboIds(db: Executor, entityId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('relationships')
    .select('from_subject_id')
    .where('to_subject_id', '=', entityId)
    .where('kind', '=', 'ubo')
    .execute();
  return rows.map((r) => r.from_subject_id);
}
