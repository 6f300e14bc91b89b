/**
 * UTC calendar dates for the review engine, as exact integers. A date is written `YYYY-MM-DD`
 * (years 0001–9999) and computed on as a day number: days since 1970-01-01 in the proleptic
 * Gregorian calendar. No `Date` arithmetic, no time zones, no daylight-saving gaps: a review falls
 * due on a calendar day, the same for every server.
 *
 * Months: `addMonths` moves the month and keeps the day of the month, clamped to the last day of
 * the target month: 31 Jan + 1 month = 28 Feb (29 Feb in a leap year), 31 Aug + 1 month = 30 Sep,
 * 29 Feb 2024 + 12 months = 28 Feb 2025. The engine always counts from the anchor date (approval or
 * last completed review), never from a previous due date, so clamping never accumulates: 31 Jan + 2
 * months is 31 Mar, not 28 Mar.
 */

/** A calendar date written `YYYY-MM-DD`. */
export type IsoDate = string;

/** A date as a day number (days since 1970-01-01, negative before). */
export type DayNumber = number;

const MS_PER_DAY = 86_400_000;
const ISO_DATE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;
const MIN_YEAR = 1;
const MAX_YEAR = 9999;

export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

export function daysInMonth(y: number, m: number): number {
  return [31, isLeapYear(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;
}

/** Splits a real calendar date written `YYYY-MM-DD`; null for anything else (e.g. 2025-02-29). */
export function parseIsoDate(s: unknown): { y: number; m: number; d: number } | null {
  if (typeof s !== 'string') return null;
  const match = ISO_DATE.exec(s);
  if (!match) return null;
  const y = Number(match[1]);
  const m = Number(match[2]);
  const d = Number(match[3]);
  if (y < MIN_YEAR || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return null;
  return { y, m, d };
}

/** True for a real calendar date written `YYYY-MM-DD` (years 0001 to 9999). */
export function isIsoDate(s: unknown): s is IsoDate {
  return parseIsoDate(s) !== null;
}

/** Day number of a civil date (H. Hinnant's days_from_civil; integer-only, exact). */
function fromCivil(y: number, m: number, d: number): DayNumber {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** Civil date of a day number (H. Hinnant's civil_from_days). */
function toCivil(z: DayNumber): { y: number; m: number; d: number } {
  const zz = z + 719_468;
  const era = Math.floor(zz / 146_097);
  const doe = zz - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return { y: yoe + era * 400 + (m <= 2 ? 1 : 0), m, d };
}

/** Day number of an ISO date. Throws a RangeError for anything that is not a real date. */
export function toDayNumber(s: IsoDate): DayNumber {
  const p = parseIsoDate(s);
  if (!p) throw new RangeError(`not a calendar date (YYYY-MM-DD): ${JSON.stringify(s)}`);
  return fromCivil(p.y, p.m, p.d);
}

/** ISO date of a day number. Throws a RangeError outside years 0001–9999. */
export function fromDayNumber(n: DayNumber): IsoDate {
  if (!Number.isSafeInteger(n)) throw new RangeError(`not a day number: ${n}`);
  const { y, m, d } = toCivil(n);
  if (y < MIN_YEAR || y > MAX_YEAR) throw new RangeError(`date out of range (years 0001–9999): day ${n}`);
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** The UTC calendar day of an instant, or of a date given as `YYYY-MM-DD`. */
export function utcDay(now: Date | IsoDate): DayNumber {
  if (typeof now === 'string') return toDayNumber(now);
  const t = now instanceof Date ? now.getTime() : Number.NaN;
  if (!Number.isFinite(t)) throw new RangeError('now must be a valid Date or a YYYY-MM-DD date');
  return Math.floor(t / MS_PER_DAY);
}

export function addDays(s: IsoDate, days: number): IsoDate {
  return fromDayNumber(toDayNumber(s) + days);
}

/** Adds whole months, clamping the day to the end of the target month (see the file comment). */
export function addMonths(s: IsoDate, months: number): IsoDate {
  return fromDayNumber(addMonthsToDay(toDayNumber(s), months));
}

/** `addMonths` on day numbers. Throws a RangeError when the result leaves years 0001–9999. */
export function addMonthsToDay(day: DayNumber, months: number): DayNumber {
  if (!Number.isSafeInteger(months)) throw new RangeError(`not a whole number of months: ${months}`);
  const p = toCivil(day);
  const index = p.y * 12 + (p.m - 1) + months;
  const y = Math.floor(index / 12);
  const m = index - y * 12 + 1;
  if (y < MIN_YEAR || y > MAX_YEAR)
    throw new RangeError(`date out of range (years 0001–9999): ${months} months from day ${day}`);
  return fromCivil(y, m, Math.min(p.d, daysInMonth(y, m)));
}

/** `b − a` in days. */
export function daysBetween(a: IsoDate, b: IsoDate): number {
  return toDayNumber(b) - toDayNumber(a);
}
