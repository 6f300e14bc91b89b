import { inTransaction } from '../../db/transaction.ts';
import type { Ctx } from '../../platform/context.ts';
import { notFound } from '../../platform/errors.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { updateApplicationRow } from './application.repository.ts';
import type { ApplicationView, SetRiskBody } from './application.schema.ts';
import { findVisibleApplication } from './find-visible-application.ts';
import { loadApplicationView } from './load-application-view.ts';

/** The application and the risk level to give it, with the reason. */
export type SetApplicationRiskInput = SetRiskBody & { id: string };

/**
 * Sets the risk level transition rules are judged by (until the risk engine computes it). Setting
 * the level it already has is a no-op that keeps the version. A pending decision is judged again
 * at the new level when someone confirms it.
 */
export async function setApplicationRisk(ctx: Ctx, input: SetApplicationRiskInput): Promise<ApplicationView> {
  return inTransaction(ctx.db, async (tx) => {
    const row = await findVisibleApplication(tx, ctx.actor, input.id, 'update');
    if (!row) throw notFound('application');
    if (row.risk_level === input.riskLevel) return loadApplicationView(tx, row);
    const updated = await updateApplicationRow(tx, row.id, {
      risk_level: input.riskLevel,
      version: row.version + 1,
      updated_at: ctx.now(),
    });
    const view = await loadApplicationView(tx, updated);
    await appendAudit(tx, ctx, {
      type: 'application.risk_set',
      target: { type: 'application', id: row.id },
      payload: { from: row.risk_level, to: input.riskLevel, reason: input.reason },
    });
    return view;
  });
}
