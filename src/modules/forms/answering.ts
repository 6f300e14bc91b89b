/**
 * Saving a draft and submitting answers, for whoever answers (a client user through the portal, or
 * staff on the client's behalf): the callers have checked who may answer this assignment and hold
 * its row lock. The answers are validated on the server by the forms engine against the version the
 * assignment is answered against (pinned at the first save); any error refuses the whole request
 * with field-level errors and stores nothing. What is stored is the engine's normalised value,
 * encrypted; the audit trail gets ids and counts only.
 */
import { randomUUID } from 'node:crypto';
import type { Tx } from '../../db/transaction.ts';
import type { Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { actorRef } from '../access/actor.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { answersContext, sealAnswers } from './answers.crypto.ts';
import {
  deleteDraft,
  findDraftRow,
  insertDraft,
  insertSubmission,
  replaceDraft,
  updateAssignment,
  type AssignmentRow,
} from './assignment.repository.ts';
import { validateAnswers, type FormDefinition } from './definition/index.ts';
import { assertAssignmentOpen } from './form.policy.ts';
import { findVersionById, findVersionInStatus, type FormVersionRow } from './form.repository.ts';
import type { DraftSavedView } from './form.schema.ts';

/** The version an assignment is answered against: the pinned one, else the form's published one. */
export async function answeredVersion(tx: Tx, a: AssignmentRow): Promise<FormVersionRow> {
  const v = a.version_id
    ? await findVersionById(tx, a.version_id)
    : await findVersionInStatus(tx, a.form_id, 'published');
  if (!v) throw new AppError('conflict', 'the form has no published version', { reason: 'not_published' });
  return v;
}

/** Runs the engine; any error is a 400 naming each field (paths under `/answers`). */
function checkedAnswers(
  ctx: Ctx,
  version: FormVersionRow,
  answers: unknown,
  mode: 'draft' | 'submit',
): Record<string, unknown> {
  const r = validateAnswers(version.definition as FormDefinition, answers, {
    mode,
    today: ctx.now().toISOString().slice(0, 10),
  });
  if (!r.ok)
    throw new AppError('validation', 'the answers are not valid', {
      reason: 'invalid_answers',
      errors: r.errors.map((e) => ({ path: `/answers${e.path}`, code: e.code, message: e.message })),
    });
  return r.value;
}

/** Saves the assignment's draft (replacing the previous one) and pins the version on the first save. */
export async function saveDraftLocked(
  tx: Tx,
  ctx: Ctx,
  a: AssignmentRow,
  answers: unknown,
): Promise<DraftSavedView> {
  assertAssignmentOpen(a);
  const version = await answeredVersion(tx, a);
  const value = checkedAnswers(ctx, version, answers, 'draft');
  const existing = await findDraftRow(tx, a.id);
  const id = existing?.id ?? randomUUID();
  const now = ctx.now();
  const by = actorRef(ctx.actor);
  const answersEnc = sealAnswers(
    ctx.keyring,
    value,
    answersContext('form_drafts', { id, assignmentId: a.id, versionId: version.id }),
  );
  const answerCount = Object.keys(value).length;
  const row = {
    version_id: version.id,
    answers_enc: answersEnc,
    answer_count: answerCount,
    saved_at: now,
    saved_by: by,
  };
  if (existing) await replaceDraft(tx, id, row);
  else await insertDraft(tx, { id, assignment_id: a.id, ...row });
  if (!a.version_id) await updateAssignment(tx, a.id, { version_id: version.id });
  await appendAudit(tx, ctx, {
    type: 'form.draft_saved',
    target: { type: 'application', id: a.application_id },
    payload: { assignmentId: a.id, formId: a.form_id, versionId: version.id, answerCount },
  });
  return {
    assignmentId: a.id,
    version: { id: version.id, version: version.version },
    savedAt: now.toISOString(),
    answerCount,
  };
}

/**
 * Submits complete answers: a new submission row (submissions are append-only), the draft removed
 * (the submission holds the answers now), the assignment 'submitted' with who, when and the version.
 */
export async function submitLocked(
  tx: Tx,
  ctx: Ctx,
  a: AssignmentRow,
  answers: unknown,
): Promise<{ submissionId: string }> {
  assertAssignmentOpen(a);
  const version = await answeredVersion(tx, a);
  const value = checkedAnswers(ctx, version, answers, 'submit');
  const id = randomUUID();
  const now = ctx.now();
  const by = actorRef(ctx.actor);
  const answerCount = Object.keys(value).length;
  await insertSubmission(tx, {
    id,
    assignment_id: a.id,
    version_id: version.id,
    answers_enc: sealAnswers(
      ctx.keyring,
      value,
      answersContext('form_submissions', { id, assignmentId: a.id, versionId: version.id }),
    ),
    answer_count: answerCount,
    submitted_at: now,
    submitted_by: by,
  });
  await deleteDraft(tx, a.id);
  await updateAssignment(tx, a.id, {
    status: 'submitted',
    version_id: version.id,
    submitted_at: now,
    submitted_by: by,
  });
  await appendAudit(tx, ctx, {
    type: 'form.submitted',
    target: { type: 'application', id: a.application_id },
    payload: { assignmentId: a.id, formId: a.form_id, versionId: version.id, submissionId: id, answerCount },
  });
  return { submissionId: id };
}
