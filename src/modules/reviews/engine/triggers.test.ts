import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultReviewPolicy } from './default-policy.ts';
import type { ReviewPolicy, ScreeningTopic } from './policy.schema.ts';
import { triggeredReview, type ReviewEvent } from './triggers.ts';
import { validateReviewPolicy } from './validate-policy.ts';

function policy(edit: (p: ReviewPolicy) => void = () => {}): ReviewPolicy {
  const p = defaultReviewPolicy();
  edit(p);
  assert.deepEqual(validateReviewPolicy(p), []);
  return p;
}
const decide = (p: ReviewPolicy, e: ReviewEvent) => {
  const d = triggeredReview(p, e);
  return [d.outcome, d.policyPath];
};

describe('triggeredReview: band raised', () => {
  it('opens a review when the band rises to at least the threshold', () => {
    const p = policy();
    assert.deepEqual(decide(p, { kind: 'band_changed', from: 'low', to: 'high' }), [
      'review',
      '/triggers/bandRaised',
    ]);
    assert.deepEqual(decide(p, { kind: 'band_changed', from: 'medium', to: 'high' }), [
      'review',
      '/triggers/bandRaised',
    ]);
    assert.deepEqual(decide(p, { kind: 'band_changed', from: 'low', to: 'medium' }), [
      'none',
      '/triggers/bandRaised/atLeast',
    ]);
    const low = policy((x) => (x.triggers.bandRaised.atLeast = 'medium'));
    assert.deepEqual(decide(low, { kind: 'band_changed', from: 'low', to: 'medium' }), [
      'review',
      '/triggers/bandRaised',
    ]);
    const d = triggeredReview(p, { kind: 'band_changed', from: 'medium', to: 'high' });
    assert.equal(
      d.explanation,
      'The band of the relationship rose from medium to high (at least high): a review opens now.',
    );
  });

  it('never opens one for a band lowered or unchanged', () => {
    const p = policy((x) => (x.triggers.bandRaised.atLeast = 'low'));
    assert.deepEqual(decide(p, { kind: 'band_changed', from: 'high', to: 'medium' }), ['none', null]);
    assert.deepEqual(decide(p, { kind: 'band_changed', from: 'high', to: 'high' }), ['none', null]);
    assert.deepEqual(decide(p, { kind: 'band_changed', from: 'prohibited', to: 'high' }), ['none', null]);
  });

  it("applies to a subject's own band only when the policy says so", () => {
    const e: ReviewEvent = { kind: 'band_changed', from: 'medium', to: 'high', subjectId: 'owner-1' };
    assert.deepEqual(decide(policy(), e), ['review', '/triggers/bandRaised']);
    assert.match(triggeredReview(policy(), e).explanation, /subject owner-1 rose from medium to high/);
    const off = policy((x) => (x.triggers.bandRaised.subjects = false));
    assert.deepEqual(decide(off, e), ['none', '/triggers/bandRaised/subjects']);
    assert.deepEqual(decide(off, { ...e, subjectId: undefined }), ['review', '/triggers/bandRaised']);
  });

  it('can be switched off, except a rise to prohibited, which always answers prohibited', () => {
    const off = policy((x) => (x.triggers.bandRaised.enabled = false));
    assert.deepEqual(decide(off, { kind: 'band_changed', from: 'low', to: 'high' }), [
      'none',
      '/triggers/bandRaised/enabled',
    ]);
    for (const p of [policy(), off]) {
      for (const from of ['low', 'medium', 'high'] as const) {
        const d = triggeredReview(p, { kind: 'band_changed', from, to: 'prohibited', subjectId: 'owner-1' });
        assert.equal(d.outcome, 'prohibited');
        assert.match(d.explanation, /must not continue/);
      }
    }
  });
});

describe('triggeredReview: screening true match', () => {
  it('opens a review for a true match on a listed topic', () => {
    const p = policy((x) => (x.triggers.screeningTrueMatch.topics = ['sanction', 'pep']));
    const e = (topics: ScreeningTopic[]): ReviewEvent => ({
      kind: 'screening_true_match',
      subjectId: 's-1',
      topics,
    });
    assert.deepEqual(decide(p, e(['sanction'])), ['review', '/triggers/screeningTrueMatch']);
    assert.deepEqual(decide(p, e(['crime', 'pep'])), ['review', '/triggers/screeningTrueMatch']);
    assert.match(triggeredReview(p, e(['crime', 'pep'])).explanation, /\(pep\): a review opens now/);
    assert.deepEqual(decide(p, e(['crime'])), ['none', '/triggers/screeningTrueMatch/topics']);
    // Unknown topics never silence the trigger.
    assert.deepEqual(decide(p, e([])), ['review', '/triggers/screeningTrueMatch']);
    const off = policy((x) => (x.triggers.screeningTrueMatch.enabled = false));
    assert.deepEqual(decide(off, e(['sanction'])), ['none', '/triggers/screeningTrueMatch/enabled']);
  });
});
