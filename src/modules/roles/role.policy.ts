/**
 * The rules of roles, as pure functions: which stored strings are rights, which rights are
 * administrative, the one rule that keeps administrators on two factors, and who may grant what.
 * Separation of duties is in separation-of-duties.policy.ts.
 */
import { AppError, validationError } from '../../platform/errors.ts';
import type { Actor } from '../access/actor.ts';
import { ADMINISTRATIVE_RIGHTS, isRight, type Right } from '../access/rights.ts';

/** The stored strings that are rights of the catalogue, deduplicated and sorted; others are dropped. */
export function knownRights(stored: readonly string[]): Right[] {
  return [...new Set(stored.filter(isRight))].sort();
}

/**
 * Rights given by a caller, deduplicated and sorted. Anything outside the catalogue is a
 * validation error naming each offending entry (the HTTP schema refuses them first; this guards
 * every other caller).
 */
export function checkedRights(input: readonly string[]): Right[] {
  const problems = input.flatMap((r, i) =>
    isRight(r) ? [] : [{ path: `rights/${i}`, message: `"${r}" is not a right of the catalogue` }],
  );
  if (problems.length) throw validationError('unknown rights', problems);
  return knownRights(input);
}

/** The administrative rights among `rights`, sorted. */
export function administrativeRightsOf(rights: readonly string[]): Right[] {
  return knownRights(rights).filter((r) => ADMINISTRATIVE_RIGHTS.has(r));
}

export function holdsAdministrativeRight(rights: readonly string[]): boolean {
  return rights.some((r) => isRight(r) && ADMINISTRATIVE_RIGHTS.has(r));
}

/**
 * The rule: a role holding an administrative right never lets its users skip the second factor
 * from a trusted network. Checked on the role as it would be after the change.
 * @throws AppError validation, naming the rule and the administrative rights involved.
 */
export function assertSkipAllowed(role: { rights: readonly string[]; trustedNetworkSkip: boolean }): void {
  if (!role.trustedNetworkSkip) return;
  const admin = administrativeRightsOf(role.rights);
  if (admin.length === 0) return;
  throw validationError(
    `a role holding an administrative right (${admin.join(', ')}) cannot let its users skip the second factor from a trusted network`,
    [{ path: 'trustedNetworkSkip', message: 'not allowed on a role with administrative rights' }],
  );
}

/**
 * To whom rights are granted: `self` when the actor would gain them (giving itself a role, or
 * changing a role it holds), `others` otherwise (a new role, a role the actor does not hold, a role
 * given to someone else).
 */
export type Grantee = 'self' | 'others';

/**
 * No escalation. Nobody gains through roles a right they do not hold already: to `self`, an actor
 * can grant only rights it holds. To `others`, an actor can grant only the ADMINISTRATIVE rights it
 * holds, but any other right of the catalogue provided it holds `role:manage` (which the routes
 * require anyway). Without the latter, separation of duties could never be set up: the
 * administrator who hands out roles must not hold the rights of case work (application:approve
 * and the like), yet must be able to give them to the compliance team. A role manager who gives
 * such rights to an accomplice is what the audit trail, separation of duties and four-eyes are for.
 * @throws AppError forbidden, listing the rights the actor lacks and may not grant.
 */
export function assertCanGrant(actor: Actor, rights: readonly string[], to: Grantee): void {
  const lacking = knownRights(rights).filter((r) => !actor.rights.has(r));
  const mayDelegate = to === 'others' && actor.rights.has('role:manage');
  const missing = mayDelegate ? lacking.filter((r) => ADMINISTRATIVE_RIGHTS.has(r)) : lacking;
  if (missing.length)
    throw new AppError(
      'forbidden',
      to === 'self'
        ? `cannot give yourself rights you do not hold: ${missing.join(', ')}`
        : `cannot grant rights you do not hold: ${missing.join(', ')}`,
      { rights: missing },
    );
}
