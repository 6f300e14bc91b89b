import { inTransaction } from '../../db/transaction.ts';
import type { Ctx } from '../../platform/context.ts';
import { actorRef } from '../access/actor.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { presentDecision } from './application.presenter.ts';
import { updateDecisionRow } from './application.repository.ts';
import { namesOf } from './actor-names.ts';
import type { DecideBody, DecisionView } from './application.schema.ts';
import { openDecision, staleError, withdrawStale, type StaleDecision } from './open-decision.ts';
import { auditRefusal, type Refused } from './transition-application.ts';

/** The application, the pending decision to reject, and an optional reason. */
export type RejectDecisionInput = DecideBody & { id: string; decisionId: string };

/**
 * Rejects a four-eyes decision: the application stays where it is. The same rules as confirming
 * apply to who may reject (qualifying for the transition, not the preparer), so that a decision
 * is settled either way by a second person.
 */
export async function rejectDecision(ctx: Ctx, input: RejectDecisionInput): Promise<DecisionView> {
  const result = await inTransaction(
    ctx.db,
    async (tx): Promise<{ outcome: 'rejected'; view: DecisionView } | StaleDecision | Refused> => {
      const open = await openDecision(tx, ctx, input.id, input.decisionId);
      if (open.outcome === 'refused') return open;
      if (open.outcome === 'stale') {
        await withdrawStale(tx, ctx, open);
        return open;
      }
      const { application, decision } = open;
      const reason = input.reason ?? null;
      const updated = await updateDecisionRow(tx, decision.id, {
        status: 'rejected',
        decided_by: actorRef(ctx.actor),
        decided_at: ctx.now(),
        decided_reason: reason,
      });
      await appendAudit(tx, ctx, {
        type: 'application.decision_rejected',
        target: { type: 'application', id: application.id },
        payload: {
          decisionId: decision.id,
          from: decision.from_status,
          to: decision.to_status,
          preparedBy: decision.prepared_by,
          reason,
        },
      });
      const nameOf = await namesOf(tx, [updated.prepared_by, updated.decided_by]);
      return { outcome: 'rejected', view: presentDecision(updated, nameOf) };
    },
  );
  if (result.outcome === 'refused') throw await auditRefusal(ctx, input.id, result);
  if (result.outcome === 'stale') throw staleError(result);
  return result.view;
}
