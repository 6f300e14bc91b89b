/**
 * The rules of roles, as pure functions: which stored strings are rights, which rights are
 * administrative, and the one rule that keeps administrators on two factors.
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
 * No escalation: an actor can only put into a role, or hand to a user through a role, rights it
 * holds itself (as with API keys).
 * @throws AppError forbidden, listing the rights the actor lacks.
 */
export function assertCanGrant(actor: Actor, rights: readonly string[]): void {
  const missing = knownRights(rights).filter((r) => !actor.rights.has(r));
  if (missing.length)
    throw new AppError('forbidden', `cannot grant rights you do not hold: ${missing.join(', ')}`, {
      rights: missing,
    });
}
