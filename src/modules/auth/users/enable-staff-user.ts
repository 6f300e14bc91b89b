import { inTransaction } from '../../../db/transaction.ts';
import type { Ctx } from '../../../platform/context.ts';
import { notFound } from '../../../platform/errors.ts';
import { appendAudit } from '../../audit/audit.repository.ts';
import { presentStaffUser } from './staff-user.presenter.ts';
import { findStaffUser, updateStaffUserRow } from './staff-user.repository.ts';
import type { StaffUserView } from './staff-user.schema.ts';

/**
 * Re-enables a disabled staff user (audit `staff_user.enabled`). Their old password works again;
 * links retired when they were disabled do not, so an administrator starts a reset if needed.
 * Enabling an active user changes nothing and writes no event.
 * @throws AppError not_found
 */
export async function enableStaffUser(ctx: Ctx, input: { userId: string }): Promise<StaffUserView> {
  return inTransaction(ctx.db, async (tx) => {
    const user = await findStaffUser(tx, input.userId, 'lock');
    if (!user) throw notFound('staff user');
    if (user.status === 'active') return presentStaffUser(user);
    const now = ctx.now();
    const row = await updateStaffUserRow(tx, user.id, { status: 'active', disabled_at: null }, now);
    await appendAudit(tx, ctx, {
      type: 'staff_user.enabled',
      target: { type: 'staff_user', id: user.id },
      payload: { version: row.version },
    });
    return presentStaffUser(row);
  });
}
