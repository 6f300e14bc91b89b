import { inTransaction } from '../../db/transaction.ts';
import type { Ctx } from '../../platform/context.ts';
import { notFound } from '../../platform/errors.ts';
import { findClientApplication } from '../clients/client-access.ts';
import type { ClientActor } from '../clients/client-session.ts';
import { submitLocked } from './answering.ts';
import { findAssignment, lockAssignment } from './assignment.repository.ts';
import type { ClientAssignmentView } from './form.schema.ts';
import { loadClientForm } from './get-client-form.ts';
import type { ClientAnswersInput } from './save-client-form-draft.ts';

/**
 * Submits a client's answers (same checks as saving a draft, then submit-mode validation: missing
 * required answers are a 400 too). The answers are frozen: the questionnaire is 'submitted' and
 * takes no more saves unless staff reopen it.
 */
export async function submitClientForm(
  ctx: Ctx,
  actor: ClientActor,
  input: ClientAnswersInput,
): Promise<ClientAssignmentView> {
  const app = await findClientApplication(ctx, actor, input.applicationId, 'change');
  await inTransaction(ctx.db, async (tx) => {
    const a = (await lockAssignment(tx, input.assignmentId, app.id))
      ? await findAssignment(tx, input.assignmentId)
      : undefined;
    if (!a || a.application_id !== app.id) throw notFound('form');
    await submitLocked(tx, ctx, a, input.answers);
  });
  return loadClientForm(ctx, ctx.db, app.id, input.assignmentId);
}
