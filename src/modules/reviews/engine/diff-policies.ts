/**
 * Comparing two review policies (for a draft against the published version) and the impact preview:
 * which records' due dates a new policy moves. Role overrides are compared as the rules they make,
 * one per (role, band) pair, so reordering or regrouping overrides is not a change while narrowing
 * one to fewer bands is.
 */
import { SUBJECT_ROLES, type SubjectRole } from '../../applications/application.schema.ts';
import { daysBetween, type IsoDate } from './calendar.ts';
import { nextReview, InvalidReviewInputError, type ReviewRule } from './next-review.ts';
import { samePeriod } from './period.ts';
import {
  REVIEWED_BANDS,
  type Period,
  type ReviewedBand,
  type ReviewInput,
  type ReviewPolicy,
} from './policy.schema.ts';
import { reviewState, type ReviewStateName } from './review-state.ts';

/** A changed setting, by JSON pointer into the policy. */
export type PolicyChange = { path: string; before: unknown; after: unknown };

/** A role rule added (`before` null), removed (`after` null) or changed. `band: 'any'` is an override without bands. */
export type RoleRuleChange = {
  role: SubjectRole;
  band: ReviewedBand | 'any';
  before: { every: Period; note: string | null } | null;
  after: { every: Period; note: string | null } | null;
};

export type ReviewPolicyDiff = { equal: boolean; settings: PolicyChange[]; roleRules: RoleRuleChange[] };

/** The differences between two valid policies, `a` before and `b` after. */
export function diffReviewPolicies(a: ReviewPolicy, b: ReviewPolicy): ReviewPolicyDiff {
  const settings: PolicyChange[] = [];
  const leaf = (path: string, before: unknown, after: unknown, same = before === after) => {
    if (!same) settings.push({ path, before, after });
  };
  for (const band of REVIEWED_BANDS)
    leaf(`/cadence/${band}`, a.cadence[band], b.cadence[band], samePeriod(a.cadence[band], b.cadence[band]));
  leaf('/leadDays', a.leadDays, b.leadDays);
  leaf('/graceDays', a.graceDays, b.graceDays);
  leaf('/clientRequest/enabled', a.clientRequest.enabled, b.clientRequest.enabled);
  leaf(
    '/clientRequest/dueDaysBeforeReview',
    a.clientRequest.dueDaysBeforeReview,
    b.clientRequest.dueDaysBeforeReview,
  );
  const ra = a.triggers.bandRaised;
  const rb = b.triggers.bandRaised;
  leaf('/triggers/bandRaised/enabled', ra.enabled, rb.enabled);
  leaf('/triggers/bandRaised/atLeast', ra.atLeast, rb.atLeast);
  leaf('/triggers/bandRaised/subjects', ra.subjects, rb.subjects);
  const sa = a.triggers.screeningTrueMatch;
  const sb = b.triggers.screeningTrueMatch;
  leaf('/triggers/screeningTrueMatch/enabled', sa.enabled, sb.enabled);
  const ta = [...sa.topics].sort();
  const tb = [...sb.topics].sort();
  leaf('/triggers/screeningTrueMatch/topics', ta, tb, ta.join() === tb.join());

  const before = roleRules(a);
  const after = roleRules(b);
  const roleChanges: RoleRuleChange[] = [];
  for (const role of SUBJECT_ROLES) {
    for (const band of ['any', ...REVIEWED_BANDS] as const) {
      const key = `${role}/${band}`;
      const x = before.get(key) ?? null;
      const y = after.get(key) ?? null;
      if (x && y && samePeriod(x.every, y.every) && x.note === y.note) continue;
      if (x || y) roleChanges.push({ role, band, before: x, after: y });
    }
  }
  return { equal: !settings.length && !roleChanges.length, settings, roleRules: roleChanges };
}

function roleRules(p: ReviewPolicy): Map<string, { every: Period; note: string | null }> {
  const rules = new Map<string, { every: Period; note: string | null }>();
  for (const o of p.roleOverrides)
    for (const band of o.bands ?? ['any'])
      rules.set(`${o.role}/${band}`, { every: o.every, note: o.note ?? null });
  return rules;
}

/** One record whose due date a new policy moves. */
export type RescheduleEntry = {
  id: string;
  before: { due: IsoDate; open: IsoDate; rule: ReviewRule; state: ReviewStateName };
  after: { due: IsoDate; open: IsoDate; rule: ReviewRule; state: ReviewStateName };
  /** New due date − old due date, in days (negative: earlier). */
  daysMoved: number;
};

export type RescheduleImpact = {
  /** Records looked at. */
  checked: number;
  /** Records whose due date moves, in input order. */
  moved: RescheduleEntry[];
  /** Prohibited records: no review under either policy (listed so the preview can count them). */
  prohibited: string[];
  /** Records that could not be scheduled, with their problems; the others are still previewed. */
  invalid: { id: string | null; problems: { path: string; message: string }[] }[];
};

/**
 * The impact preview of a policy change: for each record, its schedule under both policies; the
 * records whose due date moves are listed with both dates and their state on `now`'s UTC day.
 */
export function rescheduleImpact(
  oldPolicy: ReviewPolicy,
  newPolicy: ReviewPolicy,
  inputs: Iterable<ReviewInput>,
  now: Date | IsoDate,
): RescheduleImpact {
  const impact: RescheduleImpact = { checked: 0, moved: [], prohibited: [], invalid: [] };
  for (const input of inputs) {
    impact.checked++;
    let x;
    let y;
    try {
      x = nextReview(oldPolicy, input, now);
      y = nextReview(newPolicy, input, now);
    } catch (e) {
      if (!(e instanceof InvalidReviewInputError)) throw e;
      const id = typeof input?.id === 'string' ? input.id : null;
      impact.invalid.push({ id, problems: e.problems });
      continue;
    }
    if (x.outcome === 'prohibited' || y.outcome === 'prohibited') {
      impact.prohibited.push(input.id);
      continue;
    }
    if (x.due === y.due) continue;
    impact.moved.push({
      id: input.id,
      before: { due: x.due, open: x.open, rule: x.rule, state: stateOf(oldPolicy, x, now) },
      after: { due: y.due, open: y.open, rule: y.rule, state: stateOf(newPolicy, y, now) },
      daysMoved: daysBetween(x.due, y.due),
    });
  }
  return impact;
}

function stateOf(
  policy: ReviewPolicy,
  s: { due: IsoDate; open: IsoDate },
  now: Date | IsoDate,
): ReviewStateName {
  return reviewState(policy, { outcome: 'scheduled', due: s.due, open: s.open }, now).state;
}
