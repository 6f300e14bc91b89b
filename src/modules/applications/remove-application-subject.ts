import { inTransaction } from '../../db/transaction.ts';
import type { Ctx } from '../../platform/context.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import {
  deleteApplicationSubject,
  listApplicationSubjects,
  updateApplicationRow,
} from './application.repository.ts';
import { findVisibleApplication } from './find-visible-application.ts';
import type { ApplicationView, SubjectRole } from './application.schema.ts';
import { loadApplicationView } from './load-application-view.ts';

/** The application, and the subject role to take off it. */
export interface RemoveApplicationSubjectInput {
  id: string;
  subjectId: string;
  role: SubjectRole;
}

/**
 * Removes one role of a subject from an application. A role the subject does not hold there is
 * `not_found`; removing the only applicant is a `conflict` (an application always has one).
 */
export async function removeApplicationSubject(
  ctx: Ctx,
  input: RemoveApplicationSubjectInput,
): Promise<ApplicationView> {
  return inTransaction(ctx.db, async (tx) => {
    const row = await findVisibleApplication(tx, ctx.actor, input.id, 'update');
    if (!row) throw notFound('application');
    const links = await listApplicationSubjects(tx, row.id);
    if (!links.some((l) => l.subject_id === input.subjectId && l.role === input.role))
      throw notFound('subject role on this application');
    if (input.role === 'applicant' && links.filter((l) => l.role === 'applicant').length <= 1) {
      throw new AppError('conflict', 'cannot remove the only applicant of an application');
    }
    await deleteApplicationSubject(tx, row.id, input.subjectId, input.role);
    const updated = await updateApplicationRow(tx, row.id, {
      version: row.version + 1,
      updated_at: ctx.now(),
    });
    const view = await loadApplicationView(tx, updated);
    await appendAudit(tx, ctx, {
      type: 'application.subject_removed',
      target: { type: 'application', id: row.id },
      payload: { subjectId: input.subjectId, role: input.role },
    });
    return view;
  });
}
