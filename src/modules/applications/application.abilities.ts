/**
 * What the actor may do with one application, for a UI to show only those actions (issue 4, item
 * 6). Derived from the same predicates the use cases enforce (rights, transition rules, four-eyes):
 * a convenience for the client, never a substitute for the checks, which run again on every request.
 */
import type { Row, TransitionDef } from '../../db/types.ts';
import type { Actor } from '../access/actor.ts';
import { machineOf } from '../programmes/index.ts';
import type { ApplicationAbilities } from './application.schema.ts';
import { isPreparer, needsFourEyes, transitionRefusal } from './decision.policy.ts';

export function applicationAbilities(
  actor: Actor,
  row: Pick<Row<'applications'>, 'status' | 'risk_level'>,
  programme: Pick<Row<'programmes'>, 'statuses' | 'transitions'>,
  pendingDecision: Pick<Row<'application_decisions'>, 'prepared_by' | 'from_status' | 'to_status'> | null,
): ApplicationAbilities {
  const write = actor.rights.has('application:write');
  const rules: TransitionDef[] = machineOf(programme).transitions.filter((t) => t.from === row.status);
  const transitions = rules.map((rule) => {
    const refusal = transitionRefusal(actor, rule, row.risk_level);
    return {
      to: rule.to,
      allowed: refusal === null,
      fourEyes: needsFourEyes(rule),
      ...(refusal ? { refusal: refusal.reason } : {}),
    };
  });
  let decide = false;
  if (pendingDecision && !isPreparer(actor, pendingDecision)) {
    const rule = rules.find((r) => r.to === pendingDecision.to_status);
    decide = rule !== undefined && transitionRefusal(actor, rule, row.risk_level) === null;
  }
  return {
    edit: write,
    addNote: write,
    assign: write,
    setRisk: actor.rights.has('risk:override'),
    transitions,
    decide,
  };
}
