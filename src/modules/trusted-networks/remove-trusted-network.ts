import { inTransaction } from '../../db/transaction.ts';
import type { Ctx } from '../../platform/context.ts';
import { notFound } from '../../platform/errors.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { deleteTrustedNetworkRow } from './trusted-network.repository.ts';

/**
 * Removes a trusted range; sign-ins from it need the second factor from then on. Sessions already
 * started from it are not ended (they passed the rule in force when they began).
 * @throws AppError not_found.
 */
export async function removeTrustedNetwork(ctx: Ctx, id: string): Promise<void> {
  await inTransaction(ctx.db, async (tx) => {
    const row = await deleteTrustedNetworkRow(tx, id);
    if (!row) throw notFound('trusted network');
    await appendAudit(tx, ctx, {
      type: 'trusted_network.removed',
      target: { type: 'trusted_network', id },
      payload: { cidr: row.cidr, label: row.label },
    });
  });
}
