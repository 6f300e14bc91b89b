import type { Ctx } from '../../platform/context.ts';
import { notFound } from '../../platform/errors.ts';
import { findVisibleApplication } from '../applications/find-visible-application.ts';
import { nameActors } from './actor-names.ts';
import { listAssignmentRows } from './assignment.repository.ts';
import { assignmentActorRefs, presentAssignment } from './form.presenter.ts';
import { mayActAsStaff } from './form.policy.ts';
import type { AssignmentView } from './form.schema.ts';

/** The questionnaires given to an application, newest first, with their status and last draft save. */
export async function listFormAssignments(ctx: Ctx, applicationId: string): Promise<AssignmentView[]> {
  const app = await findVisibleApplication(ctx.db, ctx.actor, applicationId);
  if (!app || !mayActAsStaff(ctx.actor, app.programme_id)) throw notFound('application');
  const rows = await listAssignmentRows(ctx.db, app.id);
  const name = await nameActors(ctx.db, rows.flatMap(assignmentActorRefs));
  return rows.map((r) => presentAssignment(r, name));
}
