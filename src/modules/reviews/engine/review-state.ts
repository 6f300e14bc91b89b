/**
 * Where a scheduled review stands on a given UTC day. With due date D, open date O and grace G days:
 *   day < O              scheduled  (nothing to do yet)
 *   O ≤ day < D          open       (the review is to be opened now, ahead of its due date)
 *   D ≤ day ≤ D + G      due        (due, within the grace period)
 *   day > D + G          overdue    (flagged; from the first day after the grace period)
 * With no grace (G = 0) a review is `due` on its due date only and `overdue` the next day. A
 * prohibited schedule has no review: its state is `prohibited` (the relationship must be exited).
 */
import { fromDayNumber, toDayNumber, utcDay, type IsoDate } from './calendar.ts';
import type { ReviewPolicy } from './policy.schema.ts';

export type ReviewStateName = 'scheduled' | 'open' | 'due' | 'overdue';

/** The state of a scheduled review. */
export type ScheduledReviewState = {
  state: ReviewStateName;
  /** The UTC day the state is for. */
  on: IsoDate;
  due: IsoDate;
  open: IsoDate;
  /** Due date − today: positive before it, 0 on it, negative after it. */
  daysUntilDue: number;
  /** Today − due date, 0 before it. */
  daysPastDue: number;
  /** Days of grace left (0 once overdue, the whole grace before the due date). */
  graceDaysLeft: number;
  /** Days since the grace period ended; 0 unless overdue. */
  daysOverdue: number;
};

export type ReviewState = ScheduledReviewState | { state: 'prohibited'; on: IsoDate };

/** The schedule fields the state needs (a ReviewSchedule, or the same fields loaded from storage). */
export type ScheduleDates = { outcome: 'scheduled'; due: IsoDate; open: IsoDate } | { outcome: 'prohibited' };

/** The state of a review on the UTC day of `now` (see the file comment for the boundaries). */
export function reviewState(
  policy: Pick<ReviewPolicy, 'graceDays'>,
  schedule: { outcome: 'scheduled'; due: IsoDate; open: IsoDate },
  now: Date | IsoDate,
): ScheduledReviewState;
export function reviewState(
  policy: Pick<ReviewPolicy, 'graceDays'>,
  schedule: ScheduleDates,
  now: Date | IsoDate,
): ReviewState;
export function reviewState(
  policy: Pick<ReviewPolicy, 'graceDays'>,
  schedule: ScheduleDates,
  now: Date | IsoDate,
): ReviewState {
  const today = utcDay(now);
  const on = fromDayNumber(today);
  if (schedule.outcome === 'prohibited') return { state: 'prohibited', on };
  const due = toDayNumber(schedule.due);
  const open = toDayNumber(schedule.open);
  const grace = policy.graceDays;
  const lastGraceDay = due + grace;
  const state: ReviewStateName =
    today < open ? 'scheduled' : today < due ? 'open' : today <= lastGraceDay ? 'due' : 'overdue';
  return {
    state,
    on,
    due: schedule.due,
    open: schedule.open,
    daysUntilDue: due - today,
    daysPastDue: Math.max(0, today - due),
    graceDaysLeft: state === 'overdue' ? 0 : Math.min(grace, lastGraceDay - today),
    daysOverdue: Math.max(0, today - lastGraceDay),
  };
}
