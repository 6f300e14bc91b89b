/**
 * Cadences (`{ days: n }` or `{ months: n }`): adding one to a date, wording it, and comparing two of
 * different units. A month has 28 to 31 days, so "is 12 months longer than 365 days?" depends on the
 * start date; the policy checks answer it over every start date of a reference four-year cycle
 * (one leap year), which covers every month-length combination the calendar has.
 */
import { addMonthsToDay, toDayNumber, type DayNumber } from './calendar.ts';
import type { Period } from './policy.schema.ts';

export function isMonths(p: Period): p is { months: number } {
  return Object.hasOwn(p, 'months');
}

/** The number of days or months. */
export function countOf(p: Period): number {
  return isMonths(p) ? p.months : (p as { days: number }).days;
}

/** The day a cadence ends, counted from `day`. */
export function addPeriodToDay(day: DayNumber, p: Period): DayNumber {
  return isMonths(p) ? addMonthsToDay(day, p.months) : day + countOf(p);
}

/** "30 days", "1 month", "36 months". */
export function describePeriod(p: Period): string {
  const n = countOf(p);
  const unit = isMonths(p) ? 'month' : 'day';
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/** Same unit and same count. */
export function samePeriod(a: Period | undefined, b: Period | undefined): boolean {
  if (!a || !b) return a === b;
  return isMonths(a) === isMonths(b) && countOf(a) === countOf(b);
}

const REFERENCE_START = toDayNumber('2023-01-01');
const REFERENCE_DAYS = 4 * 365 + 1;

/** The shortest span of a cadence in days, over every start date of the reference cycle. */
export function minSpanDays(p: Period): number {
  if (!isMonths(p)) return p.days;
  let min = Number.POSITIVE_INFINITY;
  for (let d = REFERENCE_START; d < REFERENCE_START + REFERENCE_DAYS; d++)
    min = Math.min(min, addPeriodToDay(d, p) - d);
  return min;
}

/** True when, from some start date, `a` ends later than `b`. */
export function canEndLater(a: Period, b: Period): boolean {
  if (isMonths(a) === isMonths(b)) return countOf(a) > countOf(b);
  for (let d = REFERENCE_START; d < REFERENCE_START + REFERENCE_DAYS; d++)
    if (addPeriodToDay(d, a) > addPeriodToDay(d, b)) return true;
  return false;
}
