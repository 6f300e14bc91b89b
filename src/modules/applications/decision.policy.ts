/**
 * Who may make, prepare, confirm or reject a status transition of an application: the object rules
 * behind `application:transition` at the gate. Pure predicates; the use cases load the rows, call
 * these, and record refusals in the audit trail.
 *
 * A transition's rules (see TransitionDef) are judged against the application's risk level, where
 * unknown (null) counts as 'high' (fail closed):
 * - `right`: the actor must hold it (besides application:transition);
 * - `maxRisk`: refused for applications above it, whoever asks;
 * - `limits`: the actor must hold at least one listed right whose maxRisk is ≥ the risk, so that
 *   e.g. analysts (application:transition) approve low-risk files only and compliance officers
 *   (application:approve) any.
 * Whoever confirms or rejects a four-eyes decision must qualify the same way, and must not be the
 * actor who prepared it.
 */
import { actorRef, type Actor } from '../access/actor.ts';
import { isRight } from '../access/rights.ts';
import { riskAtMost, RISK_LEVELS, type RiskLevel, type TransitionDef } from '../programmes/index.ts';
import { AppError } from '../../platform/errors.ts';

export type TransitionRefusal =
  | { reason: 'missing_right'; rights: string[] }
  | { reason: 'risk_too_high'; riskLevel: RiskLevel | null; maxRisk: RiskLevel }
  | { reason: 'same_person' }
  | { reason: 'screening_not_clear'; subjects: { subjectId: string; status: string }[] };

/** The risk level rules are judged by: unknown is high. */
export function effectiveRisk(level: RiskLevel | null): RiskLevel {
  return level ?? 'high';
}

function holds(actor: Actor, right: string): boolean {
  return isRight(right) && actor.rights.has(right);
}

/** Why `actor` may not make (or prepare, confirm, reject) `rule` on an application at `riskLevel`; null if they may. */
export function transitionRefusal(
  actor: Actor,
  rule: TransitionDef,
  riskLevel: RiskLevel | null,
): TransitionRefusal | null {
  const risk = effectiveRisk(riskLevel);
  if (!holds(actor, 'application:transition'))
    return { reason: 'missing_right', rights: ['application:transition'] };
  if (rule.right !== undefined && !holds(actor, rule.right))
    return { reason: 'missing_right', rights: [rule.right] };
  if (rule.maxRisk !== undefined && !riskAtMost(risk, rule.maxRisk))
    return { reason: 'risk_too_high', riskLevel, maxRisk: rule.maxRisk };
  if (rule.limits?.length) {
    const held = rule.limits.filter((l) => holds(actor, l.right));
    if (held.length === 0) return { reason: 'missing_right', rights: rule.limits.map((l) => l.right) };
    if (!held.some((l) => riskAtMost(risk, l.maxRisk))) {
      const maxRisk = RISK_LEVELS.filter((r) => held.some((l) => l.maxRisk === r)).at(-1)!;
      return { reason: 'risk_too_high', riskLevel, maxRisk };
    }
  }
  return null;
}

/** Whether the move needs a second person: it is prepared first, applied on confirmation. */
export function needsFourEyes(rule: TransitionDef): boolean {
  return rule.fourEyes === true;
}

/** Whether `actor` is the one who prepared the decision (who may then neither confirm nor reject it). */
export function isPreparer(actor: Actor, decision: { prepared_by: string }): boolean {
  return actorRef(actor) === decision.prepared_by;
}

/** The client-facing error of a refusal: 403 for rights and the same person, 409 for risk. */
export function refusalError(refusal: TransitionRefusal, from: string, to: string): AppError {
  switch (refusal.reason) {
    case 'missing_right':
      return new AppError(
        'forbidden',
        `moving from "${from}" to "${to}" requires ${refusal.rights.length > 1 ? 'one of the rights' : 'the right'} ${refusal.rights.map((r) => `"${r}"`).join(', ')}`,
        { reason: 'missing_right', rights: refusal.rights },
      );
    case 'risk_too_high':
      return new AppError(
        'conflict',
        `moving from "${from}" to "${to}" is allowed up to ${refusal.maxRisk} risk; the application is ${refusal.riskLevel ?? 'of unknown risk (counted as high)'}`,
        { reason: 'risk_too_high', riskLevel: refusal.riskLevel, maxRisk: refusal.maxRisk },
      );
    case 'screening_not_clear':
      return new AppError(
        'conflict',
        `moving from "${from}" to "${to}" needs every subject screened, with no open alert and no true match`,
        { reason: 'screening_not_clear', subjects: refusal.subjects },
      );
    case 'same_person':
      return new AppError(
        'forbidden',
        'a decision must be confirmed or rejected by someone other than who prepared it',
        {
          reason: 'same_person',
        },
      );
  }
}
