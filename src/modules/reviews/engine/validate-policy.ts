/**
 * Checks a review policy, and the records given to the engine, at the boundary. Problems come back
 * as {path, message} with JSON-pointer paths (as for form definitions); an empty list means usable.
 * Beyond the closed schemas, a policy must:
 * - give each period exactly one unit (`days` or `months`);
 * - never review a higher band less often than a lower one (from any start date), since that is
 *   almost certainly a slip and would weaken the control exactly where risk is highest;
 * - open reviews less than one cadence ahead (lead time shorter than the shortest band or role
 *   cadence), so that a review never opens before the period it closes has begun;
 * - give the client at least one day to answer a portal request (its due offset below the lead time);
 * - name each (role, band) pair in one role override only, so the rule that decides is unambiguous.
 * `prohibited` has no cadence and is refused with a message saying why.
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import { collectProblems, isPlainObject, type Problem } from '../../../platform/definitions/problems.ts';
import { checkObjectShape } from '../../../platform/definitions/shapes.ts';
import { createAjv, describeAjvErrors } from '../../../platform/validation.ts';
import { isIsoDate } from './calendar.ts';
import { canEndLater, describePeriod, minSpanDays } from './period.ts';
import {
  REVIEWED_BANDS,
  ReviewInput,
  ReviewPolicy,
  type Period,
  type ReviewInput as ReviewInputType,
  type ReviewPolicy as ReviewPolicyType,
} from './policy.schema.ts';

export type { Problem };

const MAX_PROBLEMS = 100;

const ajv = createAjv();
const policyShape: ValidateFunction = ajv.compile(ReviewPolicy);
const inputShape: ValidateFunction = ajv.compile(ReviewInput);

/** As describeAjvErrors, with a missing property reported at its own path rather than its parent's. */
function describeShapeErrors(errors: ErrorObject[] | null | undefined): Problem[] {
  return describeAjvErrors(
    (errors ?? []).map((e) =>
      e.keyword === 'required'
        ? {
            ...e,
            instancePath: `${e.instancePath}/${(e.params as { missingProperty: string }).missingProperty}`,
            message: 'is required',
          }
        : e,
    ),
  );
}

const PROHIBITED_MESSAGE =
  'the prohibited band has no review cadence: a prohibited relationship must not continue (the engine answers outcome "prohibited")';

/** Returns the problems of a review policy; empty when it is valid. Never throws. */
export function validateReviewPolicy(policy: unknown): Problem[] {
  return collectProblems('policy', (problems) => checkPolicy(policy, problems));
}

/** Narrows an unknown value to a ReviewPolicy, or returns its problems. */
export function parseReviewPolicy(
  policy: unknown,
): { ok: true; policy: ReviewPolicyType } | { ok: false; problems: Problem[] } {
  const problems = validateReviewPolicy(policy);
  return problems.length ? { ok: false, problems } : { ok: true, policy: policy as ReviewPolicyType };
}

function checkPolicy(policy: unknown, problems: Problem[]): void {
  if (!isPlainObject(policy)) {
    problems.push({ path: '/', message: 'must be an object' });
    return;
  }
  // Said before the shape check, whose "unknown field" would not explain the rule.
  if (isPlainObject(policy.cadence) && Object.hasOwn(policy.cadence, 'prohibited')) {
    problems.push({ path: '/cadence/prohibited', message: PROHIBITED_MESSAGE });
    return;
  }
  if (Array.isArray(policy.roleOverrides)) {
    for (const [i, o] of policy.roleOverrides.entries()) {
      if (!isPlainObject(o) || !Array.isArray(o.bands)) continue;
      const j = o.bands.indexOf('prohibited');
      if (j >= 0) {
        problems.push({ path: `/roleOverrides/${i}/bands/${j}`, message: PROHIBITED_MESSAGE });
        return;
      }
    }
  }
  if (!policyShape(policy)) {
    problems.push(...describeShapeErrors(policyShape.errors));
    return;
  }
  const p = policy as ReviewPolicyType;

  const periods: { path: string; period: Period }[] = [];
  for (const band of REVIEWED_BANDS) periods.push({ path: `/cadence/${band}`, period: p.cadence[band] });
  p.roleOverrides.forEach((o, i) => periods.push({ path: `/roleOverrides/${i}/every`, period: o.every }));
  let unitsOk = true;
  for (const { path, period } of periods) unitsOk = checkPeriod(period, path, problems) && unitsOk;

  if (unitsOk) {
    for (let i = 1; i < REVIEWED_BANDS.length; i++) {
      const lower = REVIEWED_BANDS[i - 1]!;
      const higher = REVIEWED_BANDS[i]!;
      if (canEndLater(p.cadence[higher], p.cadence[lower]))
        problems.push({
          path: `/cadence/${higher}`,
          message: `a ${higher}-band review must not fall due later than a ${lower}-band one (${describePeriod(p.cadence[higher])} against ${describePeriod(p.cadence[lower])})`,
        });
    }
    let shortest: { path: string; days: number; period: Period } | undefined;
    for (const { path, period } of periods) {
      const days = minSpanDays(period);
      if (!shortest || days < shortest.days) shortest = { path, days, period };
    }
    if (shortest && p.leadDays >= shortest.days)
      problems.push({
        path: '/leadDays',
        message: `must be shorter than the shortest cadence (${describePeriod(shortest.period)} at ${shortest.path}, at least ${shortest.days} days)`,
      });
  }

  if (p.clientRequest.enabled && p.clientRequest.dueDaysBeforeReview >= p.leadDays)
    problems.push({
      path: '/clientRequest/dueDaysBeforeReview',
      message: `must be less than leadDays (${p.leadDays}) so that the client has at least one day to answer`,
    });

  const seen = new Map<string, string>();
  p.roleOverrides.forEach((o, i) => {
    checkText(o.note, `/roleOverrides/${i}/note`, problems);
    const bands = o.bands ?? ['any'];
    bands.forEach((band, j) => {
      const key = `${o.role}/${band}`;
      const path = o.bands ? `/roleOverrides/${i}/bands/${j}` : `/roleOverrides/${i}/role`;
      const earlier = seen.get(key);
      if (earlier)
        problems.push({
          path,
          message:
            band === 'any'
              ? `role "${o.role}" for any band is already set at ${earlier}`
              : `role "${o.role}" with band "${band}" is already set at ${earlier}`,
        });
      else seen.set(key, `/roleOverrides/${i}`);
    });
  });
}

/** Exactly one unit. Returns whether the period is usable. */
function checkPeriod(period: Period, path: string, problems: Problem[]): boolean {
  const hasDays = Object.hasOwn(period, 'days');
  const hasMonths = Object.hasOwn(period, 'months');
  if (hasDays === hasMonths) {
    problems.push({
      path,
      message: hasDays ? 'give either days or months, not both' : 'must be {"days": n} or {"months": n}',
    });
    return false;
  }
  return true;
}

// C0 and C1 controls and DEL.
const CONTROL = /\p{Cc}/u;

/** Notes and reasons are shown to staff: trimmed, no control characters, not blank. */
function checkText(s: string | undefined, path: string, problems: Problem[]): void {
  if (s === undefined) return;
  if (!s.isWellFormed() || CONTROL.test(s))
    problems.push({ path, message: 'contains a control or invalid character' });
  else if (s.trim() !== s || !s) problems.push({ path, message: 'must be trimmed and not blank' });
}

/**
 * Returns the problems of a record given to nextReview (dates, subject override shape); empty when
 * valid. Never throws. Paths are JSON pointers into the record.
 */
export function validateReviewInput(input: unknown): Problem[] {
  return collectProblems('input', (problems) => checkInput(input, problems), MAX_PROBLEMS);
}

const LATEST_DATE = '9000-01-01';

/**
 * A record's dates: real calendar dates, before the year 9000 so that adding the longest cadence
 * (10 years) always gives a valid date.
 */
function checkDate(value: unknown, path: string, problems: Problem[]): void {
  if (!isIsoDate(value)) problems.push({ path, message: 'must be a date (YYYY-MM-DD)' });
  else if (value >= LATEST_DATE) problems.push({ path, message: `must be before ${LATEST_DATE}` });
}

function checkInput(input: unknown, problems: Problem[]): void {
  if (!checkObjectShape(input, inputShape, problems, describeShapeErrors)) return;
  const r = input as ReviewInputType;
  checkDate(r.approvedOn, '/approvedOn', problems);
  if (r.lastReviewedOn !== undefined) checkDate(r.lastReviewedOn, '/lastReviewedOn', problems);
  const ids = new Set<string>();
  r.subjects.forEach((s, i) => {
    const path = `/subjects/${i}`;
    if (ids.has(s.id)) problems.push({ path: `${path}/id`, message: `duplicate subject "${s.id}"` });
    ids.add(s.id);
    const o = s.override as Record<string, unknown> | undefined;
    if (!o) return;
    const hasEvery = Object.hasOwn(o, 'every');
    const hasNext = Object.hasOwn(o, 'nextDue');
    if (hasEvery === hasNext)
      problems.push({
        path: `${path}/override`,
        message: hasEvery ? 'give either every or nextDue, not both' : 'must give every or nextDue',
      });
    else if (hasEvery) checkPeriod(o.every as Period, `${path}/override/every`, problems);
    else checkDate(o.nextDue, `${path}/override/nextDue`, problems);
    checkText(o.reason as string, `${path}/override/reason`, problems);
  });
}
