import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as reviews from './index.ts';

describe('review engine public surface', () => {
  it('parses a stored policy, schedules, gives the state and decides triggers', () => {
    const stored = JSON.parse(JSON.stringify(reviews.defaultReviewPolicy())) as unknown;
    const parsed = reviews.parseReviewPolicy(stored);
    assert.equal(parsed.ok, true);
    if (!parsed.ok) return;
    const input = {
      id: 'app-9',
      band: 'high' as const,
      approvedOn: '2024-01-31',
      subjects: [{ id: 's-1', roles: ['applicant' as const], band: 'high' as const }],
    };
    const s = reviews.nextReview(parsed.policy, input, new Date('2024-02-01T10:00:00Z'));
    assert.equal(s.outcome === 'scheduled' && s.due, '2025-01-31');
    assert.equal(reviews.reviewState(parsed.policy, s, '2025-01-01').state, 'open');
    assert.equal(
      reviews.triggeredReview(parsed.policy, {
        kind: 'screening_true_match',
        subjectId: 's-1',
        topics: ['pep'],
      }).outcome,
      'review',
    );
    assert.equal(reviews.diffReviewPolicies(parsed.policy, reviews.defaultReviewPolicy()).equal, true);
  });
});
