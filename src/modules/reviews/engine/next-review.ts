/**
 * When the next periodic review of an application or relationship falls due, and why.
 *
 * Every applicable rule gives a due date counted from the anchor (the later of the approval and the
 * last completed review): the band's cadence, each role override matching a subject (its role and
 * its own band), each subject override set by compliance (a cadence, or a fixed next date that is
 * spent once a review completes on or after it). The earliest date wins, so no rule can postpone a
 * review another rule asks for. On equal dates the most general rule is named (band, then role
 * override, then subject override): the more specific rule made no difference.
 *
 * A prohibited band, on the relationship or on any of its subjects, has no periodic review: the
 * engine answers `outcome: 'prohibited'` with no dates, meaning the relationship must not continue
 * and the caller starts the exit (termination) process instead of scheduling a review. A subject
 * override cannot schedule around it.
 */
import type { SubjectRole } from '../../applications/application.schema.ts';
import type { RiskBand } from '../../risk/engine/bands.ts';
import { fromDayNumber, toDayNumber, utcDay, type DayNumber, type IsoDate } from './calendar.ts';
import { addPeriodToDay, describePeriod } from './period.ts';
import type { Period, ReviewedBand, ReviewInput, ReviewPolicy } from './policy.schema.ts';
import { validateReviewInput } from './validate-policy.ts';

/** The rule behind a due date. `policyPath` is a JSON pointer into the policy. */
export type ReviewRule =
  | { kind: 'band'; band: ReviewedBand; every: Period; policyPath: string }
  | {
      kind: 'role';
      role: SubjectRole;
      subjectId: string;
      /** The subject's own band, null when it has none. */
      subjectBand: RiskBand | null;
      every: Period;
      policyPath: string;
      note: string | null;
    }
  | { kind: 'subject_cadence'; subjectId: string; every: Period; reason: string }
  | { kind: 'subject_date'; subjectId: string; nextDue: IsoDate; reason: string };

export type ReviewCandidate = { rule: ReviewRule; due: IsoDate };

export type ScheduledReview = {
  outcome: 'scheduled';
  id: string;
  band: ReviewedBand;
  /** The date cadences count from. */
  anchor: { date: IsoDate; kind: 'approved' | 'last_review' };
  due: IsoDate;
  /** The day the review opens: due − leadDays, or the anchor when that is earlier (`openClamped`). */
  open: IsoDate;
  openClamped: boolean;
  /** The rule that decided the due date (the first candidate). */
  rule: ReviewRule;
  /** Every applicable rule with its due date, earliest first. */
  candidates: ReviewCandidate[];
  /** Subject overrides that no longer apply, with why. */
  ignored: { rule: ReviewRule; why: string }[];
  /** The portal request to send the client when the review opens, or null when the policy sends none. */
  clientRequest: { sendOn: IsoDate; dueOn: IsoDate } | null;
  computedOn: IsoDate;
  explanation: string[];
};

export type ProhibitedReview = {
  outcome: 'prohibited';
  id: string;
  due: null;
  open: null;
  /** What is prohibited: the relationship's own band, and/or these subjects. */
  prohibited: { relationship: boolean; subjects: { subjectId: string; roles: SubjectRole[] }[] };
  computedOn: IsoDate;
  explanation: string[];
};

export type ReviewSchedule = ScheduledReview | ProhibitedReview;

/** Thrown when the record given to nextReview is malformed; `problems` have JSON-pointer paths. */
export class InvalidReviewInputError extends TypeError {
  readonly problems: { path: string; message: string }[];
  constructor(problems: { path: string; message: string }[]) {
    super(`invalid review input: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}`);
    this.name = 'InvalidReviewInputError';
    this.problems = problems;
  }
}

const PRECEDENCE: Record<ReviewRule['kind'], number> = {
  band: 0,
  role: 1,
  subject_cadence: 2,
  subject_date: 3,
};

/**
 * Computes the next review of one record under a policy that passed validateReviewPolicy.
 * `now` (an instant, or a UTC date `YYYY-MM-DD`) is only recorded as `computedOn`: the schedule
 * depends on the anchor, not on the day it is computed. Throws InvalidReviewInputError for a
 * malformed record.
 */
export function nextReview(policy: ReviewPolicy, input: ReviewInput, now: Date | IsoDate): ReviewSchedule {
  const problems = validateReviewInput(input);
  if (problems.length) throw new InvalidReviewInputError(problems);
  const computedOn = fromDayNumber(utcDay(now));

  const prohibitedSubjects = input.subjects
    .filter((s) => s.band === 'prohibited')
    .map((s) => ({ subjectId: s.id, roles: [...s.roles] }));
  if (input.band === 'prohibited' || prohibitedSubjects.length) {
    const explanation: string[] = [];
    if (input.band === 'prohibited') explanation.push('The relationship is in band prohibited.');
    for (const s of prohibitedSubjects)
      explanation.push(`Subject ${s.subjectId} (${s.roles.join(', ')}) is in band prohibited.`);
    explanation.push(
      'A prohibited relationship has no periodic review: it must not continue; start the exit process.',
    );
    return {
      outcome: 'prohibited',
      id: input.id,
      due: null,
      open: null,
      prohibited: { relationship: input.band === 'prohibited', subjects: prohibitedSubjects },
      computedOn,
      explanation,
    };
  }

  const approved = toDayNumber(input.approvedOn);
  const last = input.lastReviewedOn === undefined ? undefined : toDayNumber(input.lastReviewedOn);
  const anchorDay = last !== undefined && last >= approved ? last : approved;
  const anchor = {
    date: fromDayNumber(anchorDay),
    kind: anchorDay === last ? ('last_review' as const) : ('approved' as const),
  };

  const found: { rule: ReviewRule; day: DayNumber }[] = [];
  const ignored: { rule: ReviewRule; why: string }[] = [];
  const band = input.band as ReviewedBand;
  const bandPeriod = policy.cadence[band];
  found.push({
    rule: { kind: 'band', band, every: bandPeriod, policyPath: `/cadence/${band}` },
    day: addPeriodToDay(anchorDay, bandPeriod),
  });

  for (const s of input.subjects) {
    policy.roleOverrides.forEach((o, i) => {
      if (!s.roles.includes(o.role)) return;
      if (o.bands && !(s.band !== undefined && (o.bands as string[]).includes(s.band))) return;
      found.push({
        rule: {
          kind: 'role',
          role: o.role,
          subjectId: s.id,
          subjectBand: s.band ?? null,
          every: o.every,
          policyPath: `/roleOverrides/${i}`,
          note: o.note ?? null,
        },
        day: addPeriodToDay(anchorDay, o.every),
      });
    });
    const o = s.override;
    if (!o) continue;
    if ('every' in o) {
      found.push({
        rule: { kind: 'subject_cadence', subjectId: s.id, every: o.every, reason: o.reason },
        day: addPeriodToDay(anchorDay, o.every),
      });
    } else {
      const rule: ReviewRule = {
        kind: 'subject_date',
        subjectId: s.id,
        nextDue: o.nextDue,
        reason: o.reason,
      };
      const day = toDayNumber(o.nextDue);
      if (day <= anchorDay)
        ignored.push({
          rule,
          why: `spent: ${o.nextDue} is on or before the ${anchor.kind === 'approved' ? 'approval' : 'last completed review'} (${anchor.date})`,
        });
      else found.push({ rule, day });
    }
  }

  found.sort(
    (a, b) =>
      a.day - b.day ||
      PRECEDENCE[a.rule.kind] - PRECEDENCE[b.rule.kind] ||
      compareStrings(subjectOf(a.rule), subjectOf(b.rule)) ||
      compareStrings(pathOf(a.rule), pathOf(b.rule)),
  );
  const decisive = found[0]!;
  const dueDay = decisive.day;
  const leadOpen = dueDay - policy.leadDays;
  const openClamped = leadOpen < anchorDay;
  const openDay = openClamped ? anchorDay : leadOpen;
  let clientRequest: ScheduledReview['clientRequest'] = null;
  if (policy.clientRequest.enabled) {
    const requested = dueDay - policy.clientRequest.dueDaysBeforeReview;
    clientRequest = {
      sendOn: fromDayNumber(openDay),
      dueOn: fromDayNumber(requested > openDay ? requested : dueDay),
    };
  }

  const candidates = found.map((c) => ({ rule: c.rule, due: fromDayNumber(c.day) }));
  const due = fromDayNumber(dueDay);
  const open = fromDayNumber(openDay);
  const explanation = [
    anchor.kind === 'approved'
      ? `Counted from the approval on ${anchor.date}.`
      : `Counted from the last completed review on ${anchor.date} (approved on ${input.approvedOn}).`,
    ...candidates.map((c) => `${describeRule(c.rule)}: due ${c.due}.`),
    ...ignored.map((x) => `${describeRule(x.rule)}: ignored, ${x.why}.`),
    `Due ${due}, decided by ${describeRule(decisive.rule)} (the earliest applicable date wins).`,
    openClamped
      ? `Opens on ${open}, the ${anchor.kind === 'approved' ? 'approval' : 'last review'} date: the lead time of ${policy.leadDays} days is longer than this cadence.`
      : `Opens on ${open}, ${policy.leadDays} days before it is due.`,
  ];
  if (clientRequest)
    explanation.push(
      `The client is sent a portal request on ${clientRequest.sendOn}, due ${clientRequest.dueOn}.`,
    );

  return {
    outcome: 'scheduled',
    id: input.id,
    band,
    anchor,
    due,
    open,
    openClamped,
    rule: decisive.rule,
    candidates,
    ignored,
    clientRequest,
    computedOn,
    explanation,
  };
}

/** One line naming a rule, e.g. `role override "ubo" (band high) for subject S1: every 30 days`. */
export function describeRule(rule: ReviewRule): string {
  switch (rule.kind) {
    case 'band':
      return `band ${rule.band} cadence, every ${describePeriod(rule.every)} (${rule.policyPath})`;
    case 'role':
      return `role override "${rule.role}" for subject ${rule.subjectId}${rule.subjectBand ? ` (band ${rule.subjectBand})` : ''}, every ${describePeriod(rule.every)} (${rule.policyPath}${rule.note ? `: ${rule.note}` : ''})`;
    case 'subject_cadence':
      return `subject override for ${rule.subjectId}, every ${describePeriod(rule.every)} (reason: ${rule.reason})`;
    case 'subject_date':
      return `subject override for ${rule.subjectId}, next review on ${rule.nextDue} (reason: ${rule.reason})`;
  }
}

const subjectOf = (r: ReviewRule): string => (r.kind === 'band' ? '' : r.subjectId);
const pathOf = (r: ReviewRule): string => (r.kind === 'band' || r.kind === 'role' ? r.policyPath : '');
const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
