import type { RelationshipRow, RelationshipWithCounterpart } from './relationship.repository.ts';
import type { RelationshipView, SubjectRelationshipView } from './relationship.schema.ts';

const pct = (v: string | null) => (v === null ? null : Number(v));

export function presentRelationship(row: RelationshipRow): RelationshipView {
  return {
    id: row.id,
    kind: row.kind,
    fromSubjectId: row.from_subject_id,
    toSubjectId: row.to_subject_id,
    sharePct: pct(row.share_pct),
    votingPct: pct(row.voting_pct),
    title: row.title,
    createdAt: row.created_at.toISOString(),
  };
}

/** A relationship as seen from `subjectId`. */
export function presentSubjectRelationship(
  row: RelationshipWithCounterpart,
  subjectId: string,
): SubjectRelationshipView {
  return {
    ...presentRelationship(row),
    direction: row.from_subject_id === subjectId ? 'outgoing' : 'incoming',
    counterpart: { id: row.counterpart_id, kind: row.counterpart_kind, displayName: row.counterpart_name },
  };
}
