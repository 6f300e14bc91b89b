import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  addDays,
  addMonths,
  daysBetween,
  fromDayNumber,
  isIsoDate,
  isLeapYear,
  toDayNumber,
  utcDay,
} from './calendar.ts';

describe('calendar', () => {
  it('numbers days from 1970-01-01 and back, matching Date.UTC', () => {
    assert.equal(toDayNumber('1970-01-01'), 0);
    assert.equal(toDayNumber('1969-12-31'), -1);
    assert.equal(toDayNumber('2000-03-01'), 11_017);
    for (let day = -719_000; day < 2_900_000; day += 997) {
      const iso = fromDayNumber(day);
      assert.equal(toDayNumber(iso), day, iso);
      if (day >= 0) assert.equal(new Date(day * 86_400_000).toISOString().slice(0, 10), iso);
    }
    assert.equal(fromDayNumber(toDayNumber('0001-01-01')), '0001-01-01');
    assert.equal(fromDayNumber(toDayNumber('9999-12-31')), '9999-12-31');
    assert.throws(() => fromDayNumber(toDayNumber('9999-12-31') + 1), RangeError);
    assert.throws(() => fromDayNumber(toDayNumber('0001-01-01') - 1), RangeError);
  });

  it('accepts real dates only', () => {
    for (const ok of ['2024-02-29', '2000-02-29', '2025-12-31', '0001-01-01'])
      assert.equal(isIsoDate(ok), true, ok);
    for (const bad of [
      '2025-02-29',
      '1900-02-29',
      '2100-02-29',
      '2025-04-31',
      '2025-13-01',
      '2025-00-10',
      '2025-1-01',
      '0000-01-01',
      '2025-01-01T00:00:00Z',
      ' 2025-01-01',
      '',
      20250101,
      null,
    ])
      assert.equal(isIsoDate(bad), false, String(bad));
    assert.throws(() => toDayNumber('2025-02-29'), RangeError);
    assert.equal(isLeapYear(2024), true);
    assert.equal(isLeapYear(1900), false);
    assert.equal(isLeapYear(2000), true);
  });

  it('adds months with end-of-month clamping, counting leap years', () => {
    assert.equal(addMonths('2025-01-31', 1), '2025-02-28');
    assert.equal(addMonths('2024-01-31', 1), '2024-02-29');
    assert.equal(addMonths('2024-01-30', 1), '2024-02-29');
    assert.equal(addMonths('2024-01-29', 1), '2024-02-29');
    assert.equal(addMonths('2024-01-28', 1), '2024-02-28');
    assert.equal(addMonths('2024-08-31', 1), '2024-09-30');
    assert.equal(addMonths('2024-03-31', -1), '2024-02-29');
    // From the anchor, never chained: two months from 31 January is 31 March.
    assert.equal(addMonths('2025-01-31', 2), '2025-03-31');
    assert.equal(addMonths('2024-02-29', 12), '2025-02-28');
    assert.equal(addMonths('2024-02-29', 48), '2028-02-29');
    assert.equal(addMonths('2025-11-30', 3), '2026-02-28');
    assert.equal(addMonths('2025-12-15', 1), '2026-01-15');
    assert.equal(addMonths('2025-12-15', 36), '2028-12-15');
    // Century years: 2100 is not a leap year, 2000 was.
    assert.equal(addMonths('2100-01-31', 1), '2100-02-28');
    assert.equal(addMonths('2000-01-31', 1), '2000-02-29');
    assert.throws(() => addMonths('9999-12-01', 1), RangeError);
    assert.throws(() => addMonths('2025-01-01', 1.5), RangeError);
  });

  it('adds days across month, leap and year ends', () => {
    assert.equal(addDays('2024-02-28', 1), '2024-02-29');
    assert.equal(addDays('2024-02-28', 2), '2024-03-01');
    assert.equal(addDays('2023-02-28', 1), '2023-03-01');
    assert.equal(addDays('2025-12-31', 1), '2026-01-01');
    assert.equal(addDays('2025-03-01', -1), '2025-02-28');
    assert.equal(daysBetween('2024-01-01', '2025-01-01'), 366);
    assert.equal(daysBetween('2025-01-01', '2026-01-01'), 365);
    assert.equal(daysBetween('2025-01-10', '2025-01-01'), -9);
  });

  it('takes the UTC calendar day of an instant or a date, never the local one', () => {
    assert.equal(fromDayNumber(utcDay(new Date('2025-01-15T00:00:00.000Z'))), '2025-01-15');
    assert.equal(fromDayNumber(utcDay(new Date('2025-01-15T23:59:59.999Z'))), '2025-01-15');
    assert.equal(fromDayNumber(utcDay(new Date('2025-01-15T23:30:00-05:00'))), '2025-01-16');
    assert.equal(fromDayNumber(utcDay(new Date('1969-12-31T12:00:00Z'))), '1969-12-31');
    assert.equal(fromDayNumber(utcDay('2025-01-15')), '2025-01-15');
    assert.throws(() => utcDay(new Date('nonsense')), RangeError);
    assert.throws(() => utcDay('2025-02-30'), RangeError);
  });
});
