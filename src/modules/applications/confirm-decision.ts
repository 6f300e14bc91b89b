import { inTransaction } from '../../db/transaction.ts';
import type { Ctx } from '../../platform/context.ts';
import { actorRef } from '../access/actor.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { updateDecisionRow } from './application.repository.ts';
import type { ApplicationView, DecideBody } from './application.schema.ts';
import { openDecision, staleError, withdrawStale, type StaleDecision } from './open-decision.ts';
import {
  applyTransition,
  auditRefusal,
  declaredRule,
  refused,
  screeningRefusal,
  type Refused,
} from './transition-application.ts';

/** The application, the pending decision to confirm, and an optional reason. */
export type ConfirmDecisionInput = DecideBody & { id: string; decisionId: string };

/**
 * Confirms a four-eyes decision and applies its move. The confirmer must qualify for the
 * transition as a preparer would (at the application's current risk level) and must not be the
 * actor who prepared it (403 `same_person`); refusals are audited. A decision whose move no longer
 * applies (the application left its status, or the programme dropped the transition) is withdrawn
 * and answered with `invalid_transition`.
 */
export async function confirmDecision(ctx: Ctx, input: ConfirmDecisionInput): Promise<ApplicationView> {
  const result = await inTransaction(
    ctx.db,
    async (tx): Promise<{ outcome: 'confirmed'; view: ApplicationView } | StaleDecision | Refused> => {
      const open = await openDecision(tx, ctx, input.id, input.decisionId);
      if (open.outcome === 'refused') return open;
      if (open.outcome === 'stale') {
        await withdrawStale(tx, ctx, open);
        return open;
      }
      const { application, decision } = open;
      // The screening may have changed since the decision was prepared.
      const { rule } = await declaredRule(tx, application, decision.to_status);
      const screening = await screeningRefusal(tx, application.id, rule);
      if (screening) return refused(screening, application, decision.to_status, decision.id);
      const reason = input.reason ?? null;
      await updateDecisionRow(tx, decision.id, {
        status: 'confirmed',
        decided_by: actorRef(ctx.actor),
        decided_at: ctx.now(),
        decided_reason: reason,
      });
      await appendAudit(tx, ctx, {
        type: 'application.decision_confirmed',
        target: { type: 'application', id: application.id },
        payload: {
          decisionId: decision.id,
          from: decision.from_status,
          to: decision.to_status,
          preparedBy: decision.prepared_by,
          reason,
        },
      });
      const view = await applyTransition(
        tx,
        ctx,
        application,
        decision.to_status,
        decision.reason,
        undefined,
      );
      return { outcome: 'confirmed', view };
    },
  );
  if (result.outcome === 'refused') throw await auditRefusal(ctx, input.id, result);
  if (result.outcome === 'stale') throw staleError(result);
  return result.view;
}
