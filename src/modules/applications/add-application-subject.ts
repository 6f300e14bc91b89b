import { inTransaction } from '../../db/transaction.ts';
import type { Ctx } from '../../platform/context.ts';
import { AppError, notFound, validationError } from '../../platform/errors.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { visibleSubjectIds } from '../subjects/index.ts';
import {
  insertApplicationSubjects,
  listApplicationSubjects,
  subjectKinds,
  updateApplicationRow,
} from './application.repository.ts';
import { findVisibleApplication } from './find-visible-application.ts';
import type { AddSubjectBody, ApplicationView } from './application.schema.ts';
import { loadApplicationView } from './load-application-view.ts';

/** The application, and the subject and role to add to it. */
export type AddApplicationSubjectInput = AddSubjectBody & { id: string };

/**
 * Gives a subject a role on an application. A role the subject already holds there, or a second
 * applicant, is a `conflict`; an unknown subject, or one the actor may not see, is a `validation`
 * error on `subjectId`.
 */
export async function addApplicationSubject(
  ctx: Ctx,
  input: AddApplicationSubjectInput,
): Promise<ApplicationView> {
  return inTransaction(ctx.db, async (tx) => {
    // Locked so that concurrent additions cannot both pass the "one applicant" check.
    const row = await findVisibleApplication(tx, ctx.actor, input.id, 'update');
    if (!row) throw notFound('application');
    if (
      !(await subjectKinds(tx, [input.subjectId])).has(input.subjectId) ||
      !(await visibleSubjectIds(tx, ctx.actor, [input.subjectId])).has(input.subjectId)
    ) {
      throw validationError('unknown subject', [{ path: 'subjectId', message: 'no such subject' }]);
    }
    const links = await listApplicationSubjects(tx, row.id);
    if (links.some((l) => l.subject_id === input.subjectId && l.role === input.role)) {
      throw new AppError('conflict', `the subject already holds the role ${input.role} on this application`);
    }
    // Every application is created with exactly one applicant and it cannot be removed, so a new one is always a second.
    if (input.role === 'applicant' && links.some((l) => l.role === 'applicant')) {
      throw new AppError('conflict', 'the application already has an applicant');
    }
    const now = ctx.now();
    await insertApplicationSubjects(tx, [
      { application_id: row.id, subject_id: input.subjectId, role: input.role, created_at: now },
    ]);
    const updated = await updateApplicationRow(tx, row.id, { version: row.version + 1, updated_at: now });
    const view = await loadApplicationView(tx, updated);
    await appendAudit(tx, ctx, {
      type: 'application.subject_added',
      target: { type: 'application', id: row.id },
      payload: { subjectId: input.subjectId, role: input.role },
    });
    return view;
  });
}
