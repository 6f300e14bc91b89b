import type { SodRuleRow } from './separation-of-duties.repository.ts';
import type { SodRule, SodViolation } from './separation-of-duties.policy.ts';
import type { SodRuleView } from './separation-of-duties.schema.ts';

/** Row → the rule as the policy sees it. */
export function toSodRule(row: SodRuleRow): SodRule {
  return { id: row.id, rightA: row.right_a, rightB: row.right_b };
}

/** Row → view, with the current breaches of this rule. */
export function presentSodRule(row: SodRuleRow, violations: readonly SodViolation[]): SodRuleView {
  return {
    id: row.id,
    rightA: row.right_a,
    rightB: row.right_b,
    description: row.description,
    createdAt: row.created_at.toISOString(),
    createdBy: row.created_by,
    violations: violations.filter((v) => v.ruleId === row.id),
  };
}
