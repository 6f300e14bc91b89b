import { inTransaction } from '../../../db/transaction.ts';
import { AppError, notFound } from '../../../platform/errors.ts';
import { appendAudit, recordAudit } from '../../audit/audit.repository.ts';
import { endUserSessions } from '../sessions/index.ts';
import { WrongCurrentPasswordError, type PasswordDeps } from './staff-user.options.ts';
import { findStaffUser } from './staff-user.repository.ts';
import { hashForUser } from './redeem-user-token.ts';

/** A signed-in user changes their own password. */
export interface ChangePasswordInput {
  /** The signed-in user (from the session, never from the request body). */
  userId: string;
  currentPassword: string;
  newPassword: string;
  /** The session making the request, kept alive; every other session of the user is ended. */
  keepSessionId?: string | undefined;
}

/**
 * Changes a user's password after verifying the current one (ASVS 6.2.3). A wrong current password
 * is audited (`staff_user.password_change_failed`) and refused with WrongCurrentPasswordError (403);
 * the new password then goes through the policy (PasswordPolicyError, 400, nothing changed). On
 * success every other session ends in the same transaction, the change is audited
 * (`staff_user.password_changed`) and the user is notified after the commit.
 *
 * This verifies a credential, so the route must put it behind the block-delay guard
 * (`beginAttempt` with the user's username) like every other credential check (ASVS 6.3.4).
 * @throws AppError not_found (unknown or disabled user), conflict (password changed concurrently).
 */
export async function changePassword(deps: PasswordDeps, input: ChangePasswordInput): Promise<void> {
  const { ctx } = deps;
  const user = await findStaffUser(ctx.db, input.userId);
  if (!user || user.status !== 'active') throw notFound('staff user');
  // verifyPassword(null, …) runs a dummy verification: a user without a password takes as long.
  if (!(await deps.hasher.verifyPassword(user.password_hash, input.currentPassword))) {
    await recordAudit(ctx.db, ctx, {
      type: 'staff_user.password_change_failed',
      target: { type: 'staff_user', id: user.id },
      payload: { reason: 'wrong_current_password' },
    });
    throw new WrongCurrentPasswordError();
  }
  const newHash = await hashForUser(deps, user, input.newPassword);
  await inTransaction(ctx.db, async (tx) => {
    const now = ctx.now();
    // Only if the hash we verified against is still the stored one: a reset or another change in
    // the meantime wins, and this request must not silently overwrite it.
    const updated = await tx
      .updateTable('staff_users')
      .set({ password_hash: newHash, password_changed_at: now, updated_at: now })
      .where('id', '=', user.id)
      .where('status', '=', 'active')
      .where('password_hash', '=', user.password_hash)
      .returning('id')
      .executeTakeFirst();
    if (!updated) throw new AppError('conflict', 'the password was changed meanwhile; sign in again');
    const sessionsEnded = await endUserSessions(tx, ctx, {
      userId: user.id,
      reason: 'password_changed',
      ...(input.keepSessionId ? { exceptSessionId: input.keepSessionId } : {}),
    });
    await appendAudit(tx, ctx, {
      type: 'staff_user.password_changed',
      target: { type: 'staff_user', id: user.id },
      payload: { sessionsEnded, keptSessionId: input.keepSessionId ?? null },
    });
  });
  await deps.notify?.({ type: 'password_changed', userId: user.id, via: 'change' });
}
