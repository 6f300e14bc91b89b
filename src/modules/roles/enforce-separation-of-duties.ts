/**
 * What the write paths of roles share around the separation-of-duties policy: reading the rules,
 * finding who breaks them now, and recording a refusal. The decision itself is
 * `assertSeparationOfDuties` (separation-of-duties.policy.ts).
 */
import type { Executor } from '../../db/transaction.ts';
import type { Ctx } from '../../platform/context.ts';
import type { AuditTarget } from '../audit/audit.events.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import { listAssignments, listRoleRows, type Assignment } from './role.repository.ts';
import {
  SeparationOfDutiesError,
  separationOfDutiesViolations,
  type HeldRole,
  type SodRule,
  type SodViolation,
} from './separation-of-duties.policy.ts';
import { toSodRule } from './separation-of-duties.presenter.ts';
import { listSodRuleRows } from './separation-of-duties.repository.ts';

export type SodOperation = 'create_role' | 'update_role' | 'set_user_roles';

export async function loadSodRules(db: Executor): Promise<SodRule[]> {
  return (await listSodRuleRows(db)).map(toSodRule);
}

/** Assignments grouped per staff user, as the policy takes them. */
export function rolesByUser(assignments: readonly Assignment[]): Map<string, HeldRole[]> {
  const out = new Map<string, HeldRole[]>();
  for (const a of assignments) {
    const list = out.get(a.user_id) ?? [];
    list.push({ id: a.role_id, name: a.name, rights: a.rights });
    out.set(a.user_id, list);
  }
  return out;
}

/** Who breaks `rules` now: every staff user's roles together, and every role on its own. */
export async function currentViolations(db: Executor, rules: readonly SodRule[]): Promise<SodViolation[]> {
  if (rules.length === 0) return [];
  const byUser = rolesByUser(await listAssignments(db));
  const roles = await listRoleRows(db);
  return [
    ...[...byUser].flatMap(([userId, held]) => separationOfDutiesViolations(rules, held, userId)),
    ...roles.flatMap((r) => separationOfDutiesViolations(rules, [r], null)),
  ];
}

/**
 * After a refused change has rolled back: records the refusal in a transaction of its own
 * (`role.separation_of_duties_refused`, ids and rights only) and returns the error to rethrow.
 * Anything else passes through untouched.
 */
export async function auditedRefusal(
  ctx: Ctx,
  err: unknown,
  operation: SodOperation,
  target?: AuditTarget,
): Promise<unknown> {
  if (!(err instanceof SeparationOfDutiesError)) return err;
  await recordAudit(ctx.db, ctx, {
    type: 'role.separation_of_duties_refused',
    ...(target ? { target } : {}),
    payload: { operation, violations: err.violations },
  });
  return err;
}
