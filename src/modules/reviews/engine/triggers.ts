/**
 * Events that open a review at once, whatever the schedule: a band raised (on the relationship, or
 * with `subjects` on one of its subjects) to at least the policy's `atLeast`, and a screening alert
 * decided a true match on a list with one of the policy's topics. A band lowered never opens one;
 * the next due date simply follows the new band.
 *
 * A band raised to `prohibited` is not a review trigger the policy can switch off: the answer is
 * `prohibited` (the relationship must not continue; start the exit process). A true match whose
 * topics are unknown counts as matching, so that missing data never silences the trigger.
 */
import { compareBands, type RiskBand } from '../../risk/engine/bands.ts';
import type { ReviewPolicy, ScreeningTopic } from './policy.schema.ts';

export type ReviewEvent =
  /** A band changed; `subjectId` absent: the relationship's (application's) own band. */
  | { kind: 'band_changed'; from: RiskBand; to: RiskBand; subjectId?: string }
  /** A screening alert on a subject was decided a true match; the matched entry's list topics. */
  | { kind: 'screening_true_match'; subjectId: string; topics: ScreeningTopic[] };

export type TriggerDecision = {
  outcome: 'review' | 'prohibited' | 'none';
  /** The policy setting that decided, as a JSON pointer; null when no setting was involved. */
  policyPath: string | null;
  explanation: string;
};

/** Whether an event opens an immediate review under the policy. */
export function triggeredReview(policy: ReviewPolicy, event: ReviewEvent): TriggerDecision {
  if (event.kind === 'band_changed') {
    const who = event.subjectId === undefined ? 'the relationship' : `subject ${event.subjectId}`;
    const change = compareBands(event.to, event.from);
    if (change <= 0)
      return {
        outcome: 'none',
        policyPath: null,
        explanation: `The band of ${who} did not rise (${event.from} → ${event.to}): no immediate review; the next due date follows the band.`,
      };
    if (event.to === 'prohibited')
      return {
        outcome: 'prohibited',
        policyPath: null,
        explanation: `The band of ${who} rose to prohibited (from ${event.from}): the relationship must not continue; start the exit process.`,
      };
    const t = policy.triggers.bandRaised;
    if (!t.enabled)
      return {
        outcome: 'none',
        policyPath: '/triggers/bandRaised/enabled',
        explanation: `The band of ${who} rose (${event.from} → ${event.to}) but band rises do not open reviews under this policy.`,
      };
    if (event.subjectId !== undefined && !t.subjects)
      return {
        outcome: 'none',
        policyPath: '/triggers/bandRaised/subjects',
        explanation: `The band of ${who} rose (${event.from} → ${event.to}) but only the relationship's own band opens reviews under this policy.`,
      };
    if (compareBands(event.to, t.atLeast) < 0)
      return {
        outcome: 'none',
        policyPath: '/triggers/bandRaised/atLeast',
        explanation: `The band of ${who} rose (${event.from} → ${event.to}), below ${t.atLeast}: no immediate review.`,
      };
    return {
      outcome: 'review',
      policyPath: '/triggers/bandRaised',
      explanation: `The band of ${who} rose from ${event.from} to ${event.to} (at least ${t.atLeast}): a review opens now.`,
    };
  }

  const t = policy.triggers.screeningTrueMatch;
  if (!t.enabled)
    return {
      outcome: 'none',
      policyPath: '/triggers/screeningTrueMatch/enabled',
      explanation: `A true screening match on subject ${event.subjectId} does not open a review under this policy.`,
    };
  const topics = event.topics ?? [];
  const hit = topics.filter((x) => (t.topics as string[]).includes(x));
  if (topics.length && !hit.length)
    return {
      outcome: 'none',
      policyPath: '/triggers/screeningTrueMatch/topics',
      explanation: `A true screening match on subject ${event.subjectId} (${topics.join(', ')}) is on none of the topics that open a review (${t.topics.join(', ')}).`,
    };
  return {
    outcome: 'review',
    policyPath: '/triggers/screeningTrueMatch',
    explanation: topics.length
      ? `A true screening match on subject ${event.subjectId} (${hit.join(', ')}): a review opens now.`
      : `A true screening match on subject ${event.subjectId} with no known topic: a review opens now.`,
  };
}
