/**
 * Separation of duties, as pure functions: pairs of rights one staff user may not hold together
 * (and no single role may hold together). One check, `assertSeparationOfDuties`, serves every path
 * that can bring rights together: creating a role, changing a role's rights, assigning roles to a
 * user. Adding a rule uses `separationOfDutiesViolations` to find who already breaks it.
 */
import { AppError } from '../../platform/errors.ts';
import { knownRights } from './role.policy.ts';

/** A rule: `rightA` and `rightB` (byte order, rightA < rightB) may not be held together. */
export interface SodRule {
  id: string;
  rightA: string;
  rightB: string;
}

/** A role as the check sees it: `id` null is a role not stored yet (being created). */
export interface HeldRole {
  id: string | null;
  /** Only used in the message for the caller. */
  name: string;
  rights: readonly string[];
}

/**
 * Someone (a staff user, `userId`) or some role on its own (`userId` null) holding both rights of a
 * rule, and the roles bringing each right. For a role being created, the role lists are empty.
 */
export interface SodViolation {
  ruleId: string;
  rightA: string;
  rightB: string;
  userId: string | null;
  rolesWithA: string[];
  rolesWithB: string[];
}

/** Whoever holds these roles, as a set, and is therefore checked against the rules. */
export interface Holding {
  /** The staff user; null for a role judged on its own. */
  userId: string | null;
  before: readonly HeldRole[];
  after: readonly HeldRole[];
}

/** Orders a pair as stored (byte order, as JavaScript sorts strings). */
export function orderedPair(a: string, b: string): [string, string] {
  return a < b ? [a, b] : [b, a];
}

/**
 * The rules broken by whoever holds `roles` together, with the roles bringing each right (ids,
 * sorted; a role not stored yet counts but is not listed). Only rights of the catalogue count, as
 * when rights are loaded.
 */
export function separationOfDutiesViolations(
  rules: readonly SodRule[],
  roles: readonly HeldRole[],
  userId: string | null,
): SodViolation[] {
  const held = roles.map((r) => ({ id: r.id, rights: new Set<string>(knownRights(r.rights)) }));
  const bringing = (right: string) => held.filter((r) => r.rights.has(right));
  const ids = (rs: typeof held) => rs.flatMap((r) => (r.id === null ? [] : [r.id])).sort();
  const out: SodViolation[] = [];
  for (const rule of rules) {
    const withA = bringing(rule.rightA);
    const withB = bringing(rule.rightB);
    if (withA.length === 0 || withB.length === 0) continue;
    out.push({
      ruleId: rule.id,
      rightA: rule.rightA,
      rightB: rule.rightB,
      userId,
      rolesWithA: ids(withA),
      rolesWithB: ids(withB),
    });
  }
  return out;
}

/**
 * The one check of every change that brings rights together: for each holding (a user's roles, or
 * a role on its own), the rules it would break after the change that it did not already break
 * before. A breach that predates the rule (a rule added by a migration to an installation, say) does
 * not block unrelated changes or partial repairs, but nothing may add a new one.
 * @throws SeparationOfDutiesError (409 conflict, `reason: 'separation_of_duties'`) listing each new breach.
 */
export function assertSeparationOfDuties(rules: readonly SodRule[], holdings: readonly Holding[]): void {
  const violations: SodViolation[] = [];
  const names = new Map<string, string>();
  for (const h of holdings) {
    for (const r of h.after) if (r.id !== null) names.set(r.id, r.name);
    const before = new Set(separationOfDutiesViolations(rules, h.before, h.userId).map((v) => v.ruleId));
    violations.push(
      ...separationOfDutiesViolations(rules, h.after, h.userId).filter((v) => !before.has(v.ruleId)),
    );
  }
  if (violations.length) throw new SeparationOfDutiesError(violations, names);
}

/**
 * A change refused because it would let someone hold both rights of a separation-of-duties rule.
 * 409 `conflict` with `reason: 'separation_of_duties'` and `violations` (ids only); the message
 * names the pair and the roles bringing each right, for the administrator.
 */
export class SeparationOfDutiesError extends AppError {
  readonly violations: SodViolation[];

  constructor(violations: SodViolation[], roleNames: ReadonlyMap<string, string> = new Map()) {
    super('conflict', describe(violations, roleNames), {
      reason: 'separation_of_duties',
      violations,
    });
    this.violations = violations;
  }
}

function describe(violations: readonly SodViolation[], names: ReadonlyMap<string, string>): string {
  const roles = (ids: string[]) =>
    ids.length === 0 ? 'the new role' : ids.map((id) => `"${names.get(id) ?? id}"`).join(', ');
  const parts = violations.map((v) => {
    const who = v.userId === null ? 'a role' : `staff user ${v.userId}`;
    return `${who} would hold both ${v.rightA} (from ${roles(v.rolesWithA)}) and ${v.rightB} (from ${roles(v.rolesWithB)})`;
  });
  return `separation of duties: ${parts.join('; ')}`;
}
