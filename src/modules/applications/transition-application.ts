import { randomUUID } from 'node:crypto';
import { inTransaction, type Tx } from '../../db/transaction.ts';
import type { Row } from '../../db/types.ts';
import type { Ctx } from '../../platform/context.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { actorRef } from '../access/actor.ts';
import { appendAudit, recordAudit } from '../audit/audit.repository.ts';
import {
  allowedTargets,
  findProgramme,
  machineOf,
  transitionRule,
  type StatusMachine,
  type TransitionDef,
} from '../programmes/index.ts';
import { namesOf } from './actor-names.ts';
import { presentDecision } from './application.presenter.ts';
import {
  findPendingDecision,
  insertDecision,
  updateApplicationRow,
  updateDecisionRow,
} from './application.repository.ts';
import { needsFourEyes, refusalError, transitionRefusal, type TransitionRefusal } from './decision.policy.ts';
import { findVisibleApplication } from './find-visible-application.ts';
import type { ApplicationView, DecisionView, TransitionBody } from './application.schema.ts';
import { loadApplicationView } from './load-application-view.ts';

/** The application to move, the target status, an optional reason and optional expected version. */
export type TransitionApplicationInput = TransitionBody & { id: string };

/** A move is applied at once, or (four-eyes) prepared as a decision awaiting a second person. */
export type TransitionOutcome =
  { outcome: 'applied'; application: ApplicationView } | { outcome: 'pending'; decision: DecisionView };

/** A refusal found inside a transaction: it is rolled back, then the refusal is audited and thrown. */
export interface Refused {
  outcome: 'refused';
  refusal: TransitionRefusal;
  from: string;
  to: string;
  riskLevel: string | null;
  decisionId: string | null;
}

/**
 * Moves an application along one of its programme's transitions. The row is locked FOR UPDATE, so
 * two concurrent moves run one after the other and the second is judged against the first's
 * result (typically `invalid_transition`). A move the programme does not declare is
 * `invalid_transition` with the allowed targets; a stale `version`, when given, is `version_conflict`.
 *
 * The transition's rules (decision.policy) decide whether the actor may make it: refused with 403
 * (missing right) or 409 (risk too high), and the refusal audited. A four-eyes transition is not
 * applied: it becomes a pending decision (at most one per application; another is a `conflict`).
 * A move that is applied voids a pending decision, which assumed the status it leaves.
 */
export async function transitionApplication(
  ctx: Ctx,
  input: TransitionApplicationInput,
): Promise<TransitionOutcome> {
  const result = await inTransaction(ctx.db, async (tx): Promise<TransitionOutcome | Refused> => {
    const row = await findVisibleApplication(tx, ctx.actor, input.id, 'update');
    if (!row) throw notFound('application');
    if (input.version !== undefined && input.version !== row.version) {
      throw new AppError(
        'version_conflict',
        `the application is at version ${row.version}, not ${input.version}`,
        { currentVersion: row.version },
      );
    }
    const { rule } = await declaredRule(tx, row, input.to);
    const refusal =
      transitionRefusal(ctx.actor, rule, row.risk_level) ?? (await screeningRefusal(tx, row.id, rule));
    if (refusal) return refused(refusal, row, input.to, null);

    const pending = await findPendingDecision(tx, row.id);
    if (needsFourEyes(rule)) {
      if (pending) {
        throw new AppError(
          'conflict',
          `a decision (${pending.from_status} → ${pending.to_status}) is already awaiting confirmation`,
          { decisionId: pending.id },
        );
      }
      const decision = await insertDecision(tx, {
        id: randomUUID(),
        application_id: row.id,
        from_status: row.status,
        to_status: input.to,
        reason: input.reason ?? null,
        prepared_by: actorRef(ctx.actor),
        prepared_at: ctx.now(),
        status: 'pending',
      });
      await appendAudit(tx, ctx, {
        type: 'application.decision_prepared',
        target: { type: 'application', id: row.id },
        payload: { decisionId: decision.id, from: row.status, to: input.to, reason: input.reason ?? null },
      });
      return {
        outcome: 'pending',
        decision: presentDecision(decision, await namesOf(tx, [decision.prepared_by])),
      };
    }
    const application = await applyTransition(tx, ctx, row, input.to, input.reason ?? null, pending);
    return { outcome: 'applied', application };
  });
  if (result.outcome === 'refused') throw await auditRefusal(ctx, input.id, result);
  return result;
}

/**
 * The programme's rule for `row.status → to`, reading the machine FOR SHARE so that it cannot change
 * until the caller commits; `invalid_transition` with the allowed targets when it is not declared.
 */
export async function declaredRule(
  tx: Tx,
  row: Row<'applications'>,
  to: string,
): Promise<{ machine: StatusMachine; rule: TransitionDef }> {
  const programme = await findProgramme(tx, row.programme_id, 'share');
  if (!programme) throw new Error(`application ${row.id}: programme ${row.programme_id} missing`);
  const machine = machineOf(programme);
  const rule = transitionRule(machine, row.status, to);
  if (!rule) {
    const allowed = allowedTargets(machine, row.status);
    throw new AppError(
      'invalid_transition',
      `cannot move from "${row.status}" to "${to}"; allowed: ${allowed.length ? allowed.join(', ') : 'none'}`,
      { from: row.status, to, allowed },
    );
  }
  return { machine, rule };
}

/**
 * Sets the status, bumps the version and audits the change; `pending`, when given, is withdrawn,
 * since the status it was prepared from is gone.
 */
export async function applyTransition(
  tx: Tx,
  ctx: Ctx,
  row: Row<'applications'>,
  to: string,
  reason: string | null,
  pending: Row<'application_decisions'> | undefined,
): Promise<ApplicationView> {
  const now = ctx.now();
  const updated = await updateApplicationRow(tx, row.id, {
    status: to,
    version: row.version + 1,
    updated_at: now,
  });
  if (pending)
    await updateDecisionRow(tx, pending.id, {
      status: 'withdrawn',
      decided_by: actorRef(ctx.actor),
      decided_at: now,
    });
  const view = await loadApplicationView(tx, updated);
  if (pending)
    await appendAudit(tx, ctx, {
      type: 'application.decision_withdrawn',
      target: { type: 'application', id: row.id },
      payload: {
        decisionId: pending.id,
        from: pending.from_status,
        to: pending.to_status,
        cause: 'status_changed',
      },
    });
  await appendAudit(tx, ctx, {
    type: 'application.status_changed',
    target: { type: 'application', id: row.id },
    payload: { from: row.status, to, reason },
  });
  return view;
}

/**
 * A transition that needs the screening clear (`screeningClear`): refused while a subject of the
 * application is unscreened, has an open alert or a true match.
 */
export async function screeningRefusal(
  tx: Tx,
  applicationId: string,
  rule: TransitionDef,
): Promise<TransitionRefusal | null> {
  if (rule.screeningClear !== true) return null;
  const blocking = await tx
    .selectFrom('application_subjects as a')
    .innerJoin('subjects as s', 's.id', 'a.subject_id')
    .select(['s.id', 's.screening_status'])
    .distinct()
    .where('a.application_id', '=', applicationId)
    .where('s.screening_status', '<>', 'clear')
    .orderBy('s.id')
    .execute();
  return blocking.length
    ? {
        reason: 'screening_not_clear',
        subjects: blocking.map((b) => ({ subjectId: b.id, status: b.screening_status })),
      }
    : null;
}

export function refused(
  refusal: TransitionRefusal,
  row: Row<'applications'>,
  to: string,
  decisionId: string | null,
): Refused {
  return { outcome: 'refused', refusal, from: row.status, to, riskLevel: row.risk_level, decisionId };
}

/** Records a refusal in a transaction of its own (nothing else changed) and returns the error to throw. */
export async function auditRefusal(ctx: Ctx, applicationId: string, r: Refused): Promise<AppError> {
  await recordAudit(ctx.db, ctx, {
    type: 'application.transition_refused',
    target: { type: 'application', id: applicationId },
    payload: {
      from: r.from,
      to: r.to,
      reason: r.refusal.reason,
      rights: r.refusal.reason === 'missing_right' ? r.refusal.rights : [],
      riskLevel: r.riskLevel,
      decisionId: r.decisionId,
    },
  });
  return refusalError(r.refusal, r.from, r.to);
}
