import { inTransaction } from '../../db/transaction.ts';
import type { Ctx } from '../../platform/context.ts';
import { notFound } from '../../platform/errors.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { deleteSodRuleRow, findSodRule } from './separation-of-duties.repository.ts';

/**
 * Removes a separation-of-duties rule: from the next change on, one user may hold both rights.
 * Audited (`separation_of_duties.removed`, with the pair and its description).
 * @throws AppError not_found.
 */
export async function removeSeparationOfDutiesRule(ctx: Ctx, id: string): Promise<void> {
  await inTransaction(ctx.db, async (tx) => {
    const row = await findSodRule(tx, id, 'update');
    if (!row) throw notFound('separation-of-duties rule');
    await deleteSodRuleRow(tx, id);
    await appendAudit(tx, ctx, {
      type: 'separation_of_duties.removed',
      target: { type: 'separation_of_duties', id },
      payload: { rightA: row.right_a, rightB: row.right_b, description: row.description },
    });
  });
}
