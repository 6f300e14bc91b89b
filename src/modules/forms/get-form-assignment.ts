import type { Ctx } from '../../platform/context.ts';
import { notFound } from '../../platform/errors.ts';
import { nameActors } from './actor-names.ts';
import { answersContext, openAnswers } from './answers.crypto.ts';
import { listSubmissionRows } from './assignment.repository.ts';
import { findVisibleAssignment } from './form-access.ts';
import { assignmentActorRefs, presentAssignment } from './form.presenter.ts';
import type { AssignmentAnswersView } from './form.schema.ts';

/**
 * One questionnaire with its answers, for staff: every submission (newest first) decrypted, with
 * who submitted it, when, and the version (number and id) it answered; the current draft's last
 * save (who and when, not its answers). `not_found` unless the actor sees the application's programme.
 */
export async function getFormAssignment(ctx: Ctx, id: string): Promise<AssignmentAnswersView> {
  const a = await findVisibleAssignment(ctx.db, ctx.actor, id);
  if (!a) throw notFound('form assignment');
  const submissions = await listSubmissionRows(ctx.db, a.id);
  const name = await nameActors(ctx.db, [
    ...assignmentActorRefs(a),
    ...submissions.map((s) => s.submitted_by),
  ]);
  return {
    ...presentAssignment(a, name),
    submissions: submissions.map((s) => ({
      id: s.id,
      version: { id: s.version_id, version: s.version_number },
      submittedAt: s.submitted_at.toISOString(),
      submittedBy: name(s.submitted_by),
      answerCount: s.answer_count,
      answers: openAnswers(
        ctx.keyring,
        s.answers_enc,
        answersContext('form_submissions', { id: s.id, assignmentId: a.id, versionId: s.version_id }),
      ),
    })),
  };
}
