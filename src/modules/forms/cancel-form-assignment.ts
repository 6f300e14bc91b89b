import { inTransaction } from '../../db/transaction.ts';
import type { Ctx } from '../../platform/context.ts';
import { notFound } from '../../platform/errors.ts';
import { actorRef } from '../access/actor.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { deleteDraft, lockAssignment, updateAssignment } from './assignment.repository.ts';
import { findVisibleAssignment } from './form-access.ts';
import { assertAssignmentOpen } from './form.policy.ts';
import type { AssignmentAnswersView } from './form.schema.ts';
import { getFormAssignment } from './get-form-assignment.ts';

/**
 * Cancels an open questionnaire: the client can no longer answer it, and its unsubmitted draft is
 * deleted (answers nobody will submit are not kept). A submitted or cancelled one is a `conflict`.
 */
export async function cancelFormAssignment(ctx: Ctx, id: string): Promise<AssignmentAnswersView> {
  await inTransaction(ctx.db, async (tx) => {
    if (!(await lockAssignment(tx, id))) throw notFound('form assignment');
    const a = await findVisibleAssignment(tx, ctx.actor, id);
    if (!a) throw notFound('form assignment');
    assertAssignmentOpen(a);
    const draftDiscarded = await deleteDraft(tx, a.id);
    await updateAssignment(tx, a.id, {
      status: 'cancelled',
      cancelled_at: ctx.now(),
      cancelled_by: actorRef(ctx.actor),
    });
    await appendAudit(tx, ctx, {
      type: 'form.assignment_cancelled',
      target: { type: 'application', id: a.application_id },
      payload: { assignmentId: a.id, formId: a.form_id, draftDiscarded },
    });
  });
  return getFormAssignment(ctx, id);
}
