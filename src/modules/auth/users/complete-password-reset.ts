import { appendAudit } from '../../audit/audit.repository.ts';
import { endUserSessions } from '../sessions/index.ts';
import type { PasswordDeps } from './staff-user.options.ts';
import { presentStaffUser } from './staff-user.presenter.ts';
import type { StaffUserView } from './staff-user.schema.ts';
import { redeemUserToken } from './redeem-user-token.ts';

/** The reset token from the e-mail and the new password. */
export interface CompletePasswordResetInput {
  token: string;
  password: string;
}

/**
 * Consumes a reset token and sets the new password (policy, then argon2id), ending every session
 * of the user in the same transaction (reason `password_changed`): whoever held the old password
 * is out. Single use even in parallel; a policy failure leaves the token usable. The user is
 * notified after the commit. Audit `staff_user.reset_completed`.
 *
 * The reset replaces the password only (ASVS 6.4.3): it signs nobody in and touches no second
 * factor, so the sign-in flow that follows must still demand the second factor exactly as for any
 * other sign-in. A lost second factor is a separate, administrator-driven procedure.
 * @throws InvalidUserTokenError (400, reason invalid_token), PasswordPolicyError (400).
 */
export async function completePasswordReset(
  deps: PasswordDeps,
  input: CompletePasswordResetInput,
): Promise<StaffUserView> {
  const view = await redeemUserToken(deps, 'reset', input, async (tx, user, token) => {
    const sessionsEnded = await endUserSessions(tx, deps.ctx, {
      userId: user.id,
      reason: 'password_changed',
    });
    await appendAudit(tx, deps.ctx, {
      type: 'staff_user.reset_completed',
      target: { type: 'staff_user', id: user.id },
      payload: { tokenId: token.id, sessionsEnded },
    });
    return presentStaffUser(user);
  });
  await deps.notify?.({ type: 'password_changed', userId: view.id, via: 'reset' });
  return view;
}
