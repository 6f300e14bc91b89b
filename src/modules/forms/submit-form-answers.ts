import { inTransaction } from '../../db/transaction.ts';
import type { Ctx } from '../../platform/context.ts';
import { notFound } from '../../platform/errors.ts';
import { submitLocked } from './answering.ts';
import { lockAssignment } from './assignment.repository.ts';
import { findVisibleAssignment } from './form-access.ts';
import type { AnswersBody, AssignmentAnswersView } from './form.schema.ts';
import { getFormAssignment } from './get-form-assignment.ts';

/** Staff submit a questionnaire's answers on the client's behalf (submit-mode validation). */
export async function submitFormAnswers(
  ctx: Ctx,
  input: AnswersBody & { id: string },
): Promise<AssignmentAnswersView> {
  await inTransaction(ctx.db, async (tx) => {
    if (!(await lockAssignment(tx, input.id))) throw notFound('form assignment');
    const a = await findVisibleAssignment(tx, ctx.actor, input.id);
    if (!a) throw notFound('form assignment');
    await submitLocked(tx, ctx, a, input.answers);
  });
  return getFormAssignment(ctx, input.id);
}
