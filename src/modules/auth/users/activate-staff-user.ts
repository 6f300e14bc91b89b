import { appendAudit } from '../../audit/audit.repository.ts';
import type { PasswordDeps } from './staff-user.options.ts';
import { presentStaffUser } from './staff-user.presenter.ts';
import type { StaffUserView } from './staff-user.schema.ts';
import { redeemUserToken } from './redeem-user-token.ts';

/** The activation token from the e-mail and the password the user chooses. */
export interface ActivateStaffUserInput {
  token: string;
  password: string;
}

/**
 * Consumes an activation token and sets the user's first password (policy, then argon2id). The
 * token works once, even under parallel requests; a policy failure leaves it usable. Activation
 * does not sign the user in: they sign in normally, second factor included. Audit
 * `staff_user.activated`.
 * @throws InvalidUserTokenError (400, reason invalid_token) for an unknown, used, replaced or
 *   expired token, or a disabled user: one answer for all.
 * @throws PasswordPolicyError (400) with the problem codes.
 */
export async function activateStaffUser(
  deps: PasswordDeps,
  input: ActivateStaffUserInput,
): Promise<StaffUserView> {
  return redeemUserToken(deps, 'activation', input, async (tx, user, token) => {
    await appendAudit(tx, deps.ctx, {
      type: 'staff_user.activated',
      target: { type: 'staff_user', id: user.id },
      payload: { tokenId: token.id },
    });
    return presentStaffUser(user);
  });
}
