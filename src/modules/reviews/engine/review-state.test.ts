import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addDays } from './calendar.ts';
import { defaultReviewPolicy } from './default-policy.ts';
import { nextReview } from './next-review.ts';
import { record, subject } from './review-fixtures.ts';
import { reviewState, type ReviewStateName } from './review-state.ts';

const schedule = { outcome: 'scheduled', due: '2025-01-15', open: '2024-12-16' } as const;
const grace14 = { graceDays: 14 };

describe('reviewState', () => {
  it('is scheduled, open, due within grace, then overdue, with the day counts', () => {
    const at = (day: string) => reviewState(grace14, schedule, day);
    assert.deepEqual(at('2024-12-15'), {
      state: 'scheduled',
      on: '2024-12-15',
      due: '2025-01-15',
      open: '2024-12-16',
      daysUntilDue: 31,
      daysPastDue: 0,
      graceDaysLeft: 14,
      daysOverdue: 0,
    });
    assert.equal(at('2024-12-16').state, 'open');
    assert.equal(at('2024-12-16').daysUntilDue, 30);
    assert.equal(at('2025-01-14').state, 'open');
    assert.equal(at('2025-01-14').daysUntilDue, 1);
    assert.deepEqual(
      [at('2025-01-15').state, at('2025-01-15').daysUntilDue, at('2025-01-15').graceDaysLeft],
      ['due', 0, 14],
    );
    const last = at('2025-01-29');
    assert.deepEqual([last.state, last.daysPastDue, last.graceDaysLeft, last.daysOverdue], ['due', 14, 0, 0]);
    const first = at('2025-01-30');
    assert.deepEqual(
      [first.state, first.daysUntilDue, first.daysPastDue, first.graceDaysLeft, first.daysOverdue],
      ['overdue', -15, 15, 0, 1],
    );
    assert.equal(at('2026-01-30').daysOverdue, 366);
  });

  it('turns overdue exactly at the end of the grace period, on UTC days', () => {
    assert.equal(reviewState(grace14, schedule, new Date('2025-01-29T23:59:59.999Z')).state, 'due');
    assert.equal(reviewState(grace14, schedule, new Date('2025-01-30T00:00:00.000Z')).state, 'overdue');
    // 20:00 in New York on the 29th is already the 30th in UTC.
    assert.equal(reviewState(grace14, schedule, new Date('2025-01-29T20:00:00-05:00')).state, 'overdue');
    const none = { graceDays: 0 };
    assert.equal(reviewState(none, schedule, '2025-01-15').state, 'due');
    assert.equal(reviewState(none, schedule, '2025-01-16').state, 'overdue');
    assert.equal(reviewState(none, schedule, '2025-01-16').daysOverdue, 1);
  });

  it('with no lead time goes straight from scheduled to due', () => {
    const same = { outcome: 'scheduled', due: '2025-01-15', open: '2025-01-15' } as const;
    assert.equal(reviewState(grace14, same, '2025-01-14').state, 'scheduled');
    assert.equal(reviewState(grace14, same, '2025-01-15').state, 'due');
  });

  it('has no review for a prohibited relationship', () => {
    assert.deepEqual(reviewState(grace14, { outcome: 'prohibited' }, '2025-01-15'), {
      state: 'prohibited',
      on: '2025-01-15',
    });
  });

  it('refuses a bad clock or stored date', () => {
    assert.throws(() => reviewState(grace14, schedule, new Date('x')), RangeError);
    assert.throws(() => reviewState(grace14, { ...schedule, due: '2025-02-30' }, '2025-01-01'), RangeError);
  });
});

describe('scheduler walk with a controllable clock', () => {
  /** Runs a daily clock from `from` for `days` days and returns the first day of each state. */
  function walk(s: { outcome: 'scheduled'; due: string; open: string }, from: string, days: number) {
    const first = new Map<ReviewStateName, string>();
    const policy = defaultReviewPolicy();
    for (let i = 0; i < days; i++) {
      const day = addDays(from, i);
      const now = new Date(`${day}T12:34:56Z`);
      const st = reviewState(policy, s, now);
      if (!first.has(st.state)) first.set(st.state, day);
    }
    return Object.fromEntries(first);
  }

  it('opens, falls due and turns overdue on the right day for each band and for a UBO override', () => {
    const policy = defaultReviewPolicy();
    const cases = [
      { input: record('low', '2024-03-31'), open: '2027-03-01', due: '2027-03-31', overdue: '2027-04-15' },
      { input: record('medium', '2024-03-31'), open: '2026-03-01', due: '2026-03-31', overdue: '2026-04-15' },
      { input: record('high', '2024-03-31'), open: '2025-03-01', due: '2025-03-31', overdue: '2025-04-15' },
      {
        // The default policy's high-risk UBO every six months: 31 March + 6 months = 30 September.
        input: record('medium', '2024-03-31', {
          subjects: [subject('c', ['applicant'], 'medium'), subject('o', ['ubo'], 'high')],
        }),
        open: '2024-08-31',
        due: '2024-09-30',
        overdue: '2024-10-15',
      },
    ];
    for (const c of cases) {
      const s = nextReview(policy, c.input, '2024-03-31');
      assert.equal(s.outcome, 'scheduled');
      if (s.outcome !== 'scheduled') continue;
      const span = Math.round((Date.parse(c.overdue) - Date.parse('2024-03-31')) / 86_400_000) + 2;
      assert.deepEqual(walk(s, '2024-03-31', span), {
        scheduled: '2024-03-31',
        open: c.open,
        due: c.due,
        overdue: c.overdue,
      });
    }
  });
});
