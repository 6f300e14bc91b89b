import { inTransaction } from '../../db/transaction.ts';
import type { Ctx } from '../../platform/context.ts';
import { notFound } from '../../platform/errors.ts';
import { saveDraftLocked } from './answering.ts';
import { lockAssignment } from './assignment.repository.ts';
import { findVisibleAssignment } from './form-access.ts';
import type { AnswersBody, DraftSavedView } from './form.schema.ts';

/**
 * Staff save a draft of a questionnaire's answers on the client's behalf (draft-mode validation:
 * wrong types and unknown questions are refused, missing answers are not). Same draft as the client's.
 */
export async function saveFormAnswers(
  ctx: Ctx,
  input: AnswersBody & { id: string },
): Promise<DraftSavedView> {
  return inTransaction(ctx.db, async (tx) => {
    if (!(await lockAssignment(tx, input.id))) throw notFound('form assignment');
    const a = await findVisibleAssignment(tx, ctx.actor, input.id);
    if (!a) throw notFound('form assignment');
    return saveDraftLocked(tx, ctx, a, input.answers);
  });
}
