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
 * Issue 4 adds:
 * - built-in roles (Administrator, Compliance officer, Analyst, Auditor), seeded by a migration as
 *   ordinary editable rows (built-in-roles.ts lists them);
 * - separation of duties: configurable pairs of rights no staff user (and no role) may hold
 *   together; createRole, updateRole and setUserRoles refuse a change that would add a breach
 *   (one policy, assertSeparationOfDuties), and each refusal is audited;
 * - no escalation refined: administrative rights only from holders; other rights may be given to
 *   others by a role manager who does not hold them, never to oneself (assertCanGrant).
 *
 * Issue 9 adds `reconcileExternalGrants`: the roles and programme memberships an external identity
 * source (directory, single sign-on) gives, marked with their source and changed only by it.
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
export * from './separation-of-duties.schema.ts';
export { listSeparationOfDuties } from './list-separation-of-duties.ts';
export { addSeparationOfDutiesRule, type AddSodRuleInput } from './add-separation-of-duties-rule.ts';
export { removeSeparationOfDutiesRule } from './remove-separation-of-duties-rule.ts';
export {
  assertSeparationOfDuties,
  SeparationOfDutiesError,
  separationOfDutiesViolations,
  type HeldRole,
  type Holding,
  type SodRule,
  type SodViolation,
} from './separation-of-duties.policy.ts';
export { BUILT_IN_ROLES, BUILT_IN_ROLE_IDS, type BuiltInRole } from './built-in-roles.ts';
export {
  administrativeRightsOf,
  assertCanGrant,
  assertSkipAllowed,
  checkedRights,
  type Grantee,
  holdsAdministrativeRight,
  knownRights,
} from './role.policy.ts';
export { listRolesOfUser, type RoleRow } from './role.repository.ts';
export {
  reconcileExternalGrants,
  type ExternalGrantSource,
  type ExternalGrantsDiff,
  type ExternalGrantsInput,
  type ExternalGrantsResult,
} from './external-grants.ts';
