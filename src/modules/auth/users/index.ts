/**
 * Staff users managed by administrators (issue 3, item 1): no default accounts, no password ever
 * chosen or seen by an administrator, single-use short-lived activation and reset links, and a
 * disabled user loses every session in the same transaction. No HTTP here; routes come with the
 * sign-in flow.
 *
 * - create → activation token (24 h) → activate (the user chooses a password under the policy);
 * - administrator starts a reset → reset token (1 h) → the user completes it; all sessions end;
 *   the next sign-in still requires the second factor (ASVS 6.4.3);
 * - change password: current password required, other sessions end, user notified;
 * - disable / enable; update with optimistic version (mobile changes audited on their own);
 * - get / list (keyset pages) through a presenter that never shows hashes, ciphertext or tokens.
 */
export * from './staff-user.schema.ts';
export {
  DEFAULT_TOKEN_LIFETIMES,
  InvalidUserTokenError,
  resolveTokenLifetimes,
  WrongCurrentPasswordError,
  type PasswordDeps,
  type StaffUserNotification,
  type StaffUserNotifier,
  type TokenLifetimes,
} from './staff-user.options.ts';
export {
  maskMobile,
  mobileContext,
  normaliseEmail,
  normaliseMobile,
  normaliseUsername,
  RESERVED_USERNAMES,
} from './staff-user.rules.ts';
export { presentStaffUser } from './staff-user.presenter.ts';
export { createStaffUser, type CreateStaffUserInput } from './create-staff-user.ts';
export { activateStaffUser, type ActivateStaffUserInput } from './activate-staff-user.ts';
export { startPasswordReset } from './start-password-reset.ts';
export { completePasswordReset, type CompletePasswordResetInput } from './complete-password-reset.ts';
export { changeOwnPassword, changePassword, type ChangePasswordInput } from './change-password.ts';
export { disableStaffUser } from './disable-staff-user.ts';
export { enableStaffUser } from './enable-staff-user.ts';
export { updateStaffUser, type UpdateStaffUserInput } from './update-staff-user.ts';
export { getStaffUser } from './get-staff-user.ts';
export { listStaffUsers, type ListStaffUsersInput } from './list-staff-users.ts';
export {
  insertProvisionedStaffUser,
  type ProvisionedStaffUser,
  type ProvisionedStaffUserInput,
} from './provision-staff-user.ts';
