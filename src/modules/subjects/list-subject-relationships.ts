import type { Ctx } from '../../platform/context.ts';
import { notFound } from '../../platform/errors.ts';
import { presentSubjectRelationship } from './relationship.presenter.ts';
import { listRelationshipsOf } from './relationship.repository.ts';
import type { SubjectRelationshipView } from './relationship.schema.ts';
import { findSubject } from './subject.repository.ts';

/** A subject's relationships in both directions, oldest first, each with the other subject's name. */
export async function listSubjectRelationships(
  ctx: Ctx,
  input: { id: string },
): Promise<SubjectRelationshipView[]> {
  if (!(await findSubject(ctx.db, input.id))) throw notFound('subject');
  const rows = await listRelationshipsOf(ctx.db, input.id);
  return rows.map((r) => presentSubjectRelationship(r, input.id));
}
