/**
 * The review policy a programme starts with until compliance publishes its own. The figures follow
 * common practice for a risk-based approach (FATF and EU AMLD guidance leave the numbers to the
 * firm); every one of them is a starting point to be set by the firm's own risk assessment.
 */
import type { ReviewPolicy } from './policy.schema.ts';

/** A new copy each call, so that a caller can edit it as a draft. */
export function defaultReviewPolicy(): ReviewPolicy {
  return {
    cadence: {
      // Simplified/standard due diligence: every three years, every two years.
      low: { months: 36 },
      medium: { months: 24 },
      // Enhanced due diligence: at least once a year.
      high: { months: 12 },
      // `prohibited` has no cadence: such a relationship must not continue (outcome 'prohibited').
    },
    roleOverrides: [
      {
        // A high-risk beneficial owner brings the whole relationship's review forward, even when the
        // company itself scores lower: the owner is who the controls are about.
        role: 'ubo',
        bands: ['high'],
        every: { months: 6 },
        note: 'High-risk beneficial owners are reviewed every six months.',
      },
    ],
    // A month to gather documents before the due date; the client's part is due ten days before it,
    // leaving compliance time to assess the answers.
    leadDays: 30,
    // Two weeks before an unfinished review is flagged overdue.
    graceDays: 14,
    clientRequest: { enabled: true, dueDaysBeforeReview: 10 },
    triggers: {
      // Any rise to high (the relationship or one of its subjects) calls for enhanced due diligence
      // now, not at the next date; a rise to prohibited always answers 'prohibited' (exit).
      bandRaised: { enabled: true, atLeast: 'high', subjects: true },
      // A confirmed match on any list changes what the firm knows about the client.
      screeningTrueMatch: { enabled: true, topics: ['sanction', 'pep', 'rca', 'crime'] },
    },
  };
}
