/**
 * Roles (issue 3, minimal): named sets of rights from the catalogue, assigned to staff users, and
 * the per-role policy of skipping the second factor inside a trusted network. No HTTP here.
 *
 * - create / list / get / update (optimistic `version`) / delete (refused while users hold it);
 * - rights must be in the catalogue and held by the actor who grants them (no escalation);
 * - `trustedNetworkSkip` is refused on a role holding an administrative right
 *   (ADMINISTRATIVE_RIGHTS), and the sign-in decision (src/modules/trusted-networks) checks it again;
 * - `setUserRoles` replaces a user's roles; `loadStaffRights` is the union of their rights;
 * - every change and its audit event in one transaction.
 *
 * Built to grow: built-in roles, separation of duties and programme membership add columns or
 * tables next to these, and policies next to role.policy.ts.
 */
export * from './role.schema.ts';
export { createRole, type CreateRoleInput } from './create-role.ts';
export { updateRole, type UpdateRoleInput } from './update-role.ts';
export { deleteRole } from './delete-role.ts';
export { getRole } from './get-role.ts';
export { listRoles } from './list-roles.ts';
export { listRights } from './list-rights.ts';
export { setUserRoles } from './set-user-roles.ts';
export { listUserRoles } from './list-user-roles.ts';
export { loadStaffRights } from './load-staff-rights.ts';
export { presentRole } from './role.presenter.ts';
export {
  administrativeRightsOf,
  assertCanGrant,
  assertSkipAllowed,
  checkedRights,
  holdsAdministrativeRight,
  knownRights,
} from './role.policy.ts';
export { listRolesOfUser, type RoleRow } from './role.repository.ts';
