/**
 * Public surface of the periodic-review engine: the review policy (cadence per band, role and
 * subject overrides, lead time, grace, client requests, immediate-review triggers), its validation,
 * scheduling, review states, triggers, policy diffs and the impact preview. Pure functions, no I/O,
 * no clock: every function that needs the day takes `now`.
 */
export {
  REVIEW_LIMITS,
  REVIEWED_BANDS,
  SCREENING_TOPICS,
  Period,
  ReviewedBand,
  RoleOverride,
  ReviewPolicy,
  SubjectOverride,
  ReviewSubject,
  ReviewInput,
  type ScreeningTopic,
} from './policy.schema.ts';
export { addDays, addMonths, daysBetween, isIsoDate, type IsoDate } from './calendar.ts';
export { describePeriod } from './period.ts';
export {
  validateReviewPolicy,
  parseReviewPolicy,
  validateReviewInput,
  type Problem,
} from './validate-policy.ts';
export {
  nextReview,
  describeRule,
  InvalidReviewInputError,
  type ReviewRule,
  type ReviewCandidate,
  type ScheduledReview,
  type ProhibitedReview,
  type ReviewSchedule,
} from './next-review.ts';
export {
  reviewState,
  type ReviewState,
  type ScheduledReviewState,
  type ReviewStateName,
  type ScheduleDates,
} from './review-state.ts';
export { triggeredReview, type ReviewEvent, type TriggerDecision } from './triggers.ts';
export {
  diffReviewPolicies,
  rescheduleImpact,
  type PolicyChange,
  type RoleRuleChange,
  type ReviewPolicyDiff,
  type RescheduleEntry,
  type RescheduleImpact,
} from './diff-policies.ts';
export { defaultReviewPolicy } from './default-policy.ts';
