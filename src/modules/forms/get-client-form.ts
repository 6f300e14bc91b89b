import type { Executor } from '../../db/transaction.ts';
import type { Ctx } from '../../platform/context.ts';
import { notFound } from '../../platform/errors.ts';
import { findClientApplication } from '../clients/client-access.ts';
import type { ClientActor } from '../clients/client-session.ts';
import { answersContext, openAnswers } from './answers.crypto.ts';
import { findClientAssignmentRow, findDraftRow, listSubmissionRows } from './assignment.repository.ts';
import { presentClientAssignment } from './client-form.presenter.ts';
import type { ClientAssignmentView } from './form.schema.ts';

/**
 * One questionnaire of one of the client's applications, with the definition it is answered
 * against (the version pinned at the first save; before that, the form's published version), the
 * current draft's answers, and the latest submitted answers. An assignment of any other application
 * is `not_found`, whatever organisation it belongs to.
 */
export async function getClientForm(
  ctx: Ctx,
  actor: ClientActor,
  input: { applicationId: string; assignmentId: string },
): Promise<ClientAssignmentView> {
  const app = await findClientApplication(ctx, actor, input.applicationId, 'read');
  return loadClientForm(ctx, ctx.db, app.id, input.assignmentId);
}

/** The client view of an assignment of an application already checked to be the client's. */
export async function loadClientForm(
  ctx: Pick<Ctx, 'keyring'>,
  db: Executor,
  applicationId: string,
  assignmentId: string,
): Promise<ClientAssignmentView> {
  const row = await findClientAssignmentRow(db, applicationId, assignmentId);
  if (!row) throw notFound('form');
  const draft = await findDraftRow(db, row.id);
  const last = (await listSubmissionRows(db, row.id))[0];
  return {
    ...presentClientAssignment(row),
    definition: row.definition,
    draft: draft
      ? {
          answers: openAnswers(
            ctx.keyring,
            draft.answers_enc,
            answersContext('form_drafts', {
              id: draft.id,
              assignmentId: row.id,
              versionId: draft.version_id,
            }),
          ),
          savedAt: draft.saved_at.toISOString(),
        }
      : null,
    submission: last
      ? {
          answers: openAnswers(
            ctx.keyring,
            last.answers_enc,
            answersContext('form_submissions', {
              id: last.id,
              assignmentId: row.id,
              versionId: last.version_id,
            }),
          ),
          submittedAt: last.submitted_at.toISOString(),
        }
      : null,
  };
}
