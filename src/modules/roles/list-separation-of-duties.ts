import type { Ctx } from '../../platform/context.ts';
import { currentViolations } from './enforce-separation-of-duties.ts';
import { presentSodRule, toSodRule } from './separation-of-duties.presenter.ts';
import { listSodRuleRows } from './separation-of-duties.repository.ts';
import type { SodRuleView } from './separation-of-duties.schema.ts';

/**
 * Every separation-of-duties rule, by pair, each with who breaks it now (normally nobody: every
 * change is checked; a rule seeded by a migration into an installation that already had such
 * holders lists them until an administrator fixes their roles).
 */
export async function listSeparationOfDuties(ctx: Ctx): Promise<SodRuleView[]> {
  const rows = await listSodRuleRows(ctx.db);
  const violations = await currentViolations(ctx.db, rows.map(toSodRule));
  return rows.map((r) => presentSodRule(r, violations));
}
