import { inTransaction } from '../../../db/transaction.ts';
import type { Ctx } from '../../../platform/context.ts';
import { AppError, notFound } from '../../../platform/errors.ts';
import { appendAudit } from '../../audit/audit.repository.ts';
import { issueUserToken } from './issue-user-token.ts';
import { resolveTokenLifetimes, type TokenLifetimes } from './staff-user.options.ts';
import { findStaffUser } from './staff-user.repository.ts';
import { managedByDirectory } from '../directory/managed-by-directory.ts';
import type { IssuedTokenView } from './staff-user.schema.ts';

/**
 * An administrator starts a password reset: a single-use reset token (default 1 h) is returned
 * once, for the caller to e-mail to the user's address on file. The administrator never sets, sees
 * or learns a password (ASVS 6.4.6); the current password keeps working until the user completes
 * the reset. A newer reset token retires the previous live one. Also works for a user who has not
 * activated yet (their activation link expired): completing it sets the first password.
 * Audit `staff_user.reset_started`.
 * @throws AppError not_found, conflict (409) for a disabled user (enable first) or a directory user
 *   (`managed_by_directory`: their password is the directory's).
 */
export async function startPasswordReset(
  ctx: Ctx,
  input: { userId: string },
  lifetimes: TokenLifetimes = {},
): Promise<IssuedTokenView> {
  const { resetMs } = resolveTokenLifetimes(lifetimes);
  return inTransaction(ctx.db, async (tx) => {
    const user = await findStaffUser(tx, input.userId, 'lock');
    if (!user) throw notFound('staff user');
    if (user.source === 'directory') throw managedByDirectory();
    if (user.status !== 'active') throw new AppError('conflict', 'the staff user is disabled');
    const issued = await issueUserToken(tx, ctx, { userId: user.id, purpose: 'reset', lifetimeMs: resetMs });
    const expiresAt = issued.row.expires_at.toISOString();
    await appendAudit(tx, ctx, {
      type: 'staff_user.reset_started',
      target: { type: 'staff_user', id: user.id },
      payload: { tokenId: issued.row.id, expiresAt, retired: issued.retired },
    });
    return { token: issued.token, expiresAt };
  });
}
