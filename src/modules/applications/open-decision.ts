/** What confirming and rejecting a decision share: locks, the checks on the decider, the refusals. */
import type { Tx } from '../../db/transaction.ts';
import type { Row } from '../../db/types.ts';
import type { Ctx } from '../../platform/context.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import type { TransitionDef } from '../programmes/index.ts';
import { actorRef } from '../access/actor.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { findDecision, updateDecisionRow } from './application.repository.ts';
import { isPreparer, transitionRefusal } from './decision.policy.ts';
import { findVisibleApplication } from './find-visible-application.ts';
import { declaredRule, refused, type Refused } from './transition-application.ts';

export interface OpenDecision {
  outcome: 'open';
  application: Row<'applications'>;
  decision: Row<'application_decisions'>;
  rule: TransitionDef;
}

/** The application left the decision's status, or the programme no longer declares the move. */
export interface StaleDecision {
  outcome: 'stale';
  application: Row<'applications'>;
  decision: Row<'application_decisions'>;
}

/**
 * Locks the application and its decision, and checks that `ctx.actor` may decide it: 404 when the
 * application is not visible or the decision not one of its own, `conflict` when it is no longer
 * pending; a refusal (same person, missing right, risk too high) is returned for the caller to
 * audit after rolling back; a decision that can no longer apply is returned as stale. The rule is
 * judged against the application's current risk level.
 */
export async function openDecision(
  tx: Tx,
  ctx: Ctx,
  applicationId: string,
  decisionId: string,
): Promise<OpenDecision | StaleDecision | Refused> {
  const application = await findVisibleApplication(tx, ctx.actor, applicationId, 'update');
  if (!application) throw notFound('application');
  const decision = await findDecision(tx, application.id, decisionId, 'update');
  if (!decision) throw notFound('decision');
  if (decision.status !== 'pending')
    throw new AppError('conflict', `the decision is already ${decision.status}`, {
      decisionStatus: decision.status,
    });
  if (isPreparer(ctx.actor, decision))
    return refused({ reason: 'same_person' }, application, decision.to_status, decision.id);
  if (application.status !== decision.from_status) return { outcome: 'stale', application, decision };
  const rule = await declaredRule(tx, application, decision.to_status).then(
    (r) => r.rule,
    (err: unknown) => {
      if (err instanceof AppError && err.code === 'invalid_transition') return undefined;
      throw err;
    },
  );
  if (!rule) return { outcome: 'stale', application, decision };
  const refusal = transitionRefusal(ctx.actor, rule, application.risk_level);
  if (refusal) return refused(refusal, application, decision.to_status, decision.id);
  return { outcome: 'open', application, decision, rule };
}

/** Voids a stale decision; the caller commits, then throws {@link staleError}. */
export async function withdrawStale(tx: Tx, ctx: Ctx, stale: StaleDecision): Promise<void> {
  await updateDecisionRow(tx, stale.decision.id, {
    status: 'withdrawn',
    decided_by: actorRef(ctx.actor),
    decided_at: ctx.now(),
  });
  await appendAudit(tx, ctx, {
    type: 'application.decision_withdrawn',
    target: { type: 'application', id: stale.application.id },
    payload: {
      decisionId: stale.decision.id,
      from: stale.decision.from_status,
      to: stale.decision.to_status,
      cause:
        stale.application.status !== stale.decision.from_status ? 'status_changed' : 'transition_removed',
    },
  });
}

export function staleError(stale: StaleDecision): AppError {
  return new AppError(
    'invalid_transition',
    `the decision moved from "${stale.decision.from_status}" to "${stale.decision.to_status}", which no longer applies to the application (now "${stale.application.status}"); it has been withdrawn`,
    { from: stale.application.status, to: stale.decision.to_status, decisionId: stale.decision.id },
  );
}
