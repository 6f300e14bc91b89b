import { inTransaction } from '../../db/transaction.ts';
import type { Ctx } from '../../platform/context.ts';
import { notFound, validationError } from '../../platform/errors.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { findActiveStaffUser, updateApplicationRow } from './application.repository.ts';
import { findVisibleApplication } from './find-visible-application.ts';
import type { ApplicationView, AssignBody } from './application.schema.ts';
import { loadApplicationView } from './load-application-view.ts';

/** The application, and the staff user to assign it to (null: unassign). */
export type AssignApplicationInput = AssignBody & { id: string };

/**
 * Assigns an application to an active staff user, or unassigns it. An unknown or disabled user is
 * a `validation` error on `assigneeId`; assigning to the current assignee changes nothing.
 */
export async function assignApplication(ctx: Ctx, input: AssignApplicationInput): Promise<ApplicationView> {
  return inTransaction(ctx.db, async (tx) => {
    const row = await findVisibleApplication(tx, ctx.actor, input.id, 'update');
    if (!row) throw notFound('application');
    if (input.assigneeId !== null && !(await findActiveStaffUser(tx, input.assigneeId))) {
      throw validationError('unknown assignee', [
        { path: 'assigneeId', message: 'no such active staff user' },
      ]);
    }
    if (row.assignee_id === input.assigneeId) return loadApplicationView(tx, row);
    const updated = await updateApplicationRow(tx, row.id, {
      assignee_id: input.assigneeId,
      version: row.version + 1,
      updated_at: ctx.now(),
    });
    const view = await loadApplicationView(tx, updated);
    await appendAudit(tx, ctx, {
      type: 'application.assigned',
      target: { type: 'application', id: row.id },
      payload: { from: row.assignee_id, to: input.assigneeId },
    });
    return view;
  });
}
