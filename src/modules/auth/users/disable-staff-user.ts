import { inTransaction } from '../../../db/transaction.ts';
import type { Ctx } from '../../../platform/context.ts';
import { notFound } from '../../../platform/errors.ts';
import { appendAudit } from '../../audit/audit.repository.ts';
import { endUserSessions } from '../sessions/index.ts';
import { presentStaffUser } from './staff-user.presenter.ts';
import { findStaffUser, retireLiveTokens, updateStaffUserRow } from './staff-user.repository.ts';
import type { StaffUserView } from './staff-user.schema.ts';

/**
 * Disables a staff user: status `disabled`, every live session ended (reason `user_disabled`) and
 * every live activation or reset link retired, all in ONE transaction with the audit event
 * (`staff_user.disabled`), so there is no moment in which the user is disabled yet still signed in
 * (ASVS 7.4.2). Disabling a disabled user changes nothing and writes no event.
 * Whether an administrator may disable themselves is the route's policy.
 * @throws AppError not_found
 */
export async function disableStaffUser(ctx: Ctx, input: { userId: string }): Promise<StaffUserView> {
  return inTransaction(ctx.db, async (tx) => {
    const user = await findStaffUser(tx, input.userId, 'lock');
    if (!user) throw notFound('staff user');
    if (user.status === 'disabled') return presentStaffUser(user);
    const now = ctx.now();
    const row = await updateStaffUserRow(tx, user.id, { status: 'disabled', disabled_at: now }, now);
    await retireLiveTokens(tx, user.id, null, now);
    const sessionsEnded = await endUserSessions(tx, ctx, { userId: user.id, reason: 'user_disabled' });
    await appendAudit(tx, ctx, {
      type: 'staff_user.disabled',
      target: { type: 'staff_user', id: user.id },
      payload: { sessionsEnded, version: row.version },
    });
    return presentStaffUser(row);
  });
}
