import { randomUUID } from 'node:crypto';
import { inTransaction } from '../../db/transaction.ts';
import type { Ctx } from '../../platform/context.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { actorRef } from '../access/actor.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { answersContext, openAnswers, sealAnswers } from './answers.crypto.ts';
import {
  insertDraft,
  listSubmissionRows,
  lockAssignment,
  updateAssignment,
} from './assignment.repository.ts';
import { findVisibleAssignment } from './form-access.ts';
import type { AssignmentAnswersView } from './form.schema.ts';
import { getFormAssignment } from './get-form-assignment.ts';

/**
 * Sends submitted answers back to the client for changes: the questionnaire is open again, on the
 * same version, with a draft holding the last submitted answers. The submission itself stays (the
 * next one is a new row). Only a submitted questionnaire can be reopened (`conflict`, `not_submitted`).
 */
export async function reopenFormAssignment(ctx: Ctx, id: string): Promise<AssignmentAnswersView> {
  await inTransaction(ctx.db, async (tx) => {
    if (!(await lockAssignment(tx, id))) throw notFound('form assignment');
    const a = await findVisibleAssignment(tx, ctx.actor, id);
    if (!a) throw notFound('form assignment');
    const last = a.status === 'submitted' ? (await listSubmissionRows(tx, a.id))[0] : undefined;
    if (!last)
      throw new AppError('conflict', 'only submitted answers can be reopened', { reason: 'not_submitted' });
    const answers = openAnswers(
      ctx.keyring,
      last.answers_enc,
      answersContext('form_submissions', { id: last.id, assignmentId: a.id, versionId: last.version_id }),
    );
    const draftId = randomUUID();
    await insertDraft(tx, {
      id: draftId,
      assignment_id: a.id,
      version_id: last.version_id,
      answers_enc: sealAnswers(
        ctx.keyring,
        answers,
        answersContext('form_drafts', { id: draftId, assignmentId: a.id, versionId: last.version_id }),
      ),
      answer_count: last.answer_count,
      saved_at: ctx.now(),
      saved_by: actorRef(ctx.actor),
    });
    await updateAssignment(tx, a.id, { status: 'open', submitted_at: null, submitted_by: null });
    await appendAudit(tx, ctx, {
      type: 'form.assignment_reopened',
      target: { type: 'application', id: a.application_id },
      payload: { assignmentId: a.id, formId: a.form_id, submissionId: last.id },
    });
  });
  return getFormAssignment(ctx, id);
}
