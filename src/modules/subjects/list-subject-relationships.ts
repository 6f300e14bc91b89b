import type { Ctx } from '../../platform/context.ts';
import { notFound } from '../../platform/errors.ts';
import { presentSubjectRelationship } from './relationship.presenter.ts';
import { listRelationshipsOf } from './relationship.repository.ts';
import type { SubjectRelationshipView } from './relationship.schema.ts';
import { findVisibleSubject, visibleSubjectIds } from './find-visible-subject.ts';

/**
 * A subject's relationships in both directions, oldest first, each with the other subject's name.
 * The subject must be visible to the actor (404 otherwise); relationships whose other subject the
 * actor may not see are left out.
 */
export async function listSubjectRelationships(
  ctx: Ctx,
  input: { id: string },
): Promise<SubjectRelationshipView[]> {
  if (!(await findVisibleSubject(ctx.db, ctx.actor, input.id))) throw notFound('subject');
  const rows = await listRelationshipsOf(ctx.db, input.id);
  const visible = await visibleSubjectIds(
    ctx.db,
    ctx.actor,
    rows.map((r) => r.counterpart_id),
  );
  return rows
    .filter((r) => visible.has(r.counterpart_id))
    .map((r) => presentSubjectRelationship(r, input.id));
}
