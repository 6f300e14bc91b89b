import { inTransaction } from '../../db/transaction.ts';
import type { Ctx } from '../../platform/context.ts';
import { notFound } from '../../platform/errors.ts';
import { findClientApplication } from '../clients/client-access.ts';
import type { ClientActor } from '../clients/client-session.ts';
import { saveDraftLocked } from './answering.ts';
import { findAssignment, lockAssignment } from './assignment.repository.ts';
import type { DraftSavedView } from './form.schema.ts';

/** The application, the questionnaire, and the answers so far. */
export interface ClientAnswersInput {
  applicationId: string;
  assignmentId: string;
  answers: unknown;
}

/**
 * Saves a client's draft answers: the application must be the client's organisation's (else
 * `not_found`) and the user may change things (a read-only user: 403 `read_only`); the questionnaire
 * must be of that application (else `not_found`) and open (else `conflict`). Draft-mode validation:
 * wrong types, unknown or hidden questions are a 400 with field-level errors and nothing is stored;
 * missing required answers are fine until submission.
 */
export async function saveClientFormDraft(
  ctx: Ctx,
  actor: ClientActor,
  input: ClientAnswersInput,
): Promise<DraftSavedView> {
  const app = await findClientApplication(ctx, actor, input.applicationId, 'change');
  return inTransaction(ctx.db, async (tx) => {
    const a = (await lockAssignment(tx, input.assignmentId, app.id))
      ? await findAssignment(tx, input.assignmentId)
      : undefined;
    if (!a || a.application_id !== app.id) throw notFound('form');
    return saveDraftLocked(tx, ctx, a, input.answers);
  });
}
