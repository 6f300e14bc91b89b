import { randomUUID } from 'node:crypto';
import { inTransaction } from '../../db/transaction.ts';
import type { Ctx } from '../../platform/context.ts';
import { AppError, notFound, validationError } from '../../platform/errors.ts';
import { actorRef } from '../access/actor.ts';
import { findVisibleApplication } from '../applications/find-visible-application.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { insertAssignment, isSubjectOfApplication } from './assignment.repository.ts';
import { assertFormActive, mayActAsStaff } from './form.policy.ts';
import { findForm, findVersionInStatus } from './form.repository.ts';

/** The application, the form, and optionally one subject of the application and a due date. */
export interface AssignFormInput {
  applicationId: string;
  formId: string;
  subjectId?: string | null;
  dueAt?: Date | null;
}

/**
 * Gives a published form to an application as a questionnaire for its client to answer, optionally
 * about one subject of the application. The actor (staff, API key or system; never a client user)
 * must see the application's programme (else `not_found`); the form must be of that programme
 * (else a `validation` error on `formId`, as for an unknown form), not retired and published
 * (`conflict`, reasons `form_retired`, `not_published`); the subject must be one of the
 * application's (`validation` on `subjectId`). The version is pinned when the answers are first saved.
 */
export async function assignForm(ctx: Ctx, input: AssignFormInput): Promise<{ id: string }> {
  const dueAt = input.dueAt ?? null;
  if (dueAt !== null && Number.isNaN(dueAt.getTime()))
    throw validationError('invalid due date', [{ path: '/dueAt', message: 'is not a date' }]);
  const subjectId = input.subjectId ?? null;
  const id = randomUUID();
  await inTransaction(ctx.db, async (tx) => {
    const app = await findVisibleApplication(tx, ctx.actor, input.applicationId);
    if (!app || !mayActAsStaff(ctx.actor, app.programme_id)) throw notFound('application');
    // FOR SHARE: the form cannot be retired under us until this assignment is committed.
    const form = await findForm(tx, input.formId, 'share');
    if (!form || form.programme_id !== app.programme_id)
      throw validationError('unknown form', [
        { path: '/formId', message: "is not a form of the application's programme" },
      ]);
    assertFormActive(form);
    if (!(await findVersionInStatus(tx, form.id, 'published')))
      throw new AppError('conflict', 'the form has no published version', { reason: 'not_published' });
    if (subjectId !== null && !(await isSubjectOfApplication(tx, app.id, subjectId)))
      throw validationError('unknown subject', [
        { path: '/subjectId', message: 'is not a subject of the application' },
      ]);
    await insertAssignment(tx, {
      id,
      application_id: app.id,
      form_id: form.id,
      subject_id: subjectId,
      status: 'open',
      due_at: dueAt,
      assigned_at: ctx.now(),
      assigned_by: actorRef(ctx.actor),
    });
    await appendAudit(tx, ctx, {
      type: 'form.assigned',
      target: { type: 'application', id: app.id },
      payload: {
        assignmentId: id,
        formId: form.id,
        subjectId,
        dueAt: dueAt ? dueAt.toISOString() : null,
      },
    });
  });
  return { id };
}
