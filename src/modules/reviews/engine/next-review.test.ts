import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  InvalidReviewInputError,
  nextReview,
  type ReviewSchedule,
  type ScheduledReview,
} from './next-review.ts';
import type { ReviewPolicy, RoleOverride } from './policy.schema.ts';
import { plainPolicy, policyWith, record, subject } from './review-fixtures.ts';
import { validateReviewPolicy } from './validate-policy.ts';

const NOW = new Date('2024-01-20T09:00:00Z');

function scheduled(s: ReviewSchedule): ScheduledReview {
  assert.equal(s.outcome, 'scheduled', s.explanation.join('\n'));
  return s as ScheduledReview;
}

/** A valid policy (checked, so the tests never run on one the boundary would refuse). */
function valid(p: ReviewPolicy): ReviewPolicy {
  assert.deepEqual(validateReviewPolicy(p), []);
  return p;
}

/** Short lead time, so that cadences of a few weeks are allowed. */
const shortLead = (roleOverrides: RoleOverride[] = []) =>
  valid(
    plainPolicy({ leadDays: 10, clientRequest: { enabled: true, dueDaysBeforeReview: 5 }, roleOverrides }),
  );

describe('nextReview: band cadence', () => {
  it('falls due one band cadence after the approval, opening lead days before', () => {
    const policy = valid(plainPolicy());
    const expected = {
      low: { due: '2027-01-15', open: '2026-12-16', request: '2027-01-05' },
      medium: { due: '2026-01-15', open: '2025-12-16', request: '2026-01-05' },
      high: { due: '2025-01-15', open: '2024-12-16', request: '2025-01-05' },
    } as const;
    for (const band of ['low', 'medium', 'high'] as const) {
      const s = scheduled(nextReview(policy, record(band, '2024-01-15'), NOW));
      assert.equal(s.due, expected[band].due, band);
      assert.equal(s.open, expected[band].open, band);
      assert.equal(s.openClamped, false);
      assert.deepEqual(s.rule, {
        kind: 'band',
        band,
        every: policy.cadence[band],
        policyPath: `/cadence/${band}`,
      });
      assert.deepEqual(s.anchor, { date: '2024-01-15', kind: 'approved' });
      assert.deepEqual(s.clientRequest, { sendOn: expected[band].open, dueOn: expected[band].request });
      assert.equal(s.band, band);
      assert.equal(s.id, 'app-1');
      assert.equal(s.computedOn, '2024-01-20');
      assert.deepEqual(s.ignored, []);
    }
  });

  it('explains the anchor, every candidate, the deciding rule, the opening and the client request', () => {
    const s = scheduled(nextReview(valid(plainPolicy()), record('high', '2024-01-15'), NOW));
    assert.deepEqual(s.explanation, [
      'Counted from the approval on 2024-01-15.',
      'band high cadence, every 12 months (/cadence/high): due 2025-01-15.',
      'Due 2025-01-15, decided by band high cadence, every 12 months (/cadence/high) (the earliest applicable date wins).',
      'Opens on 2024-12-16, 30 days before it is due.',
      'The client is sent a portal request on 2024-12-16, due 2025-01-05.',
    ]);
  });

  it('counts from the last completed review when there is one', () => {
    const s = scheduled(
      nextReview(valid(plainPolicy()), record('medium', '2022-03-10', { lastReviewedOn: '2024-06-30' }), NOW),
    );
    assert.deepEqual(s.anchor, { date: '2024-06-30', kind: 'last_review' });
    assert.equal(s.due, '2026-06-30');
    assert.match(s.explanation[0]!, /last completed review on 2024-06-30 \(approved on 2022-03-10\)/);
    // A re-approval after the last review counts from the approval.
    const r = scheduled(
      nextReview(valid(plainPolicy()), record('medium', '2024-08-01', { lastReviewedOn: '2024-06-30' }), NOW),
    );
    assert.deepEqual(r.anchor, { date: '2024-08-01', kind: 'approved' });
    assert.equal(r.due, '2026-08-01');
  });

  it('sends no client request when the policy says so', () => {
    const policy = valid(plainPolicy({ clientRequest: { enabled: false, dueDaysBeforeReview: 0 } }));
    const s = scheduled(nextReview(policy, record('high', '2024-01-15'), NOW));
    assert.equal(s.clientRequest, null);
    assert.equal(
      s.explanation.some((l) => l.includes('portal request')),
      false,
    );
  });

  it('clamps to the end of the month and counts leap years', () => {
    const policy = valid(
      plainPolicy({
        cadence: { low: { months: 3 }, medium: { months: 2 }, high: { months: 1 } },
        leadDays: 7,
        clientRequest: { enabled: true, dueDaysBeforeReview: 3 },
      }),
    );
    const due = (band: 'low' | 'medium' | 'high', approvedOn: string) =>
      scheduled(nextReview(policy, record(band, approvedOn), NOW)).due;
    assert.equal(due('high', '2024-01-31'), '2024-02-29');
    assert.equal(due('high', '2023-01-31'), '2023-02-28');
    assert.equal(due('high', '2024-08-31'), '2024-09-30');
    assert.equal(due('medium', '2023-12-31'), '2024-02-29');
    assert.equal(due('low', '2023-11-30'), '2024-02-29');
    assert.equal(due('low', '2024-11-30'), '2025-02-28');
    const s = scheduled(nextReview(policy, record('high', '2024-01-31'), NOW));
    assert.equal(s.open, '2024-02-22');
    // A year from 29 February is 28 February.
    assert.equal(
      scheduled(nextReview(valid(plainPolicy()), record('high', '2024-02-29'), NOW)).due,
      '2025-02-28',
    );
    assert.equal(
      scheduled(nextReview(valid(plainPolicy()), record('low', '2025-02-28'), NOW)).due,
      '2028-02-28',
    );
  });
});

describe('nextReview: role overrides', () => {
  const uboHigh30: RoleOverride = {
    role: 'ubo',
    bands: ['high'],
    every: { days: 30 },
    note: 'EDD on owners',
  };

  it('a high-risk UBO override shorter than the band cadence wins, naming the role and subject', () => {
    const input = record('low', '2024-01-15', {
      subjects: [
        subject('applicant-1', ['applicant'], 'low'),
        subject('owner-7', ['director', 'ubo'], 'high'),
      ],
    });
    const s = scheduled(nextReview(shortLead([uboHigh30]), input, NOW));
    assert.equal(s.due, '2024-02-14');
    assert.equal(s.open, '2024-02-04');
    assert.deepEqual(s.clientRequest, { sendOn: '2024-02-04', dueOn: '2024-02-09' });
    assert.deepEqual(s.rule, {
      kind: 'role',
      role: 'ubo',
      subjectId: 'owner-7',
      subjectBand: 'high',
      every: { days: 30 },
      policyPath: '/roleOverrides/0',
      note: 'EDD on owners',
    });
    assert.deepEqual(
      s.candidates.map((c) => [c.rule.kind, c.due]),
      [
        ['role', '2024-02-14'],
        ['band', '2027-01-15'],
      ],
    );
    assert.match(
      s.explanation.join('\n'),
      /Due 2024-02-14, decided by role override "ubo" for subject owner-7 \(band high\), every 30 days \(\/roleOverrides\/0: EDD on owners\)/,
    );
  });

  it('does not apply to a UBO of another band, another role, or a subject with no band', () => {
    const subjects = [
      subject('applicant-1', ['applicant'], 'high'),
      subject('owner-1', ['ubo'], 'medium'),
      subject('owner-2', ['ubo']),
      subject('director-1', ['director'], 'high'),
    ];
    const s = scheduled(nextReview(shortLead([uboHigh30]), record('low', '2024-01-15', { subjects }), NOW));
    assert.equal(s.due, '2027-01-15');
    assert.equal(s.rule.kind, 'band');
    assert.equal(s.candidates.length, 1);
  });

  it('an override without bands applies to every subject in the role, scored or not', () => {
    const o: RoleOverride = { role: 'ubo', every: { months: 6 } };
    const subjects = [subject('owner-2', ['ubo'])];
    const s = scheduled(
      nextReview(valid(plainPolicy({ roleOverrides: [o] })), record('low', '2024-01-15', { subjects }), NOW),
    );
    assert.equal(s.due, '2024-07-15');
    assert.deepEqual(s.rule, {
      kind: 'role',
      role: 'ubo',
      subjectId: 'owner-2',
      subjectBand: null,
      every: { months: 6 },
      policyPath: '/roleOverrides/0',
      note: null,
    });
  });

  it('a role override longer than the band cadence does not win', () => {
    const o: RoleOverride = { role: 'ubo', every: { months: 48 } };
    const subjects = [subject('owner-1', ['ubo'], 'low')];
    const s = scheduled(
      nextReview(valid(plainPolicy({ roleOverrides: [o] })), record('low', '2024-01-15', { subjects }), NOW),
    );
    assert.equal(s.due, '2027-01-15');
    assert.equal(s.rule.kind, 'band');
    assert.deepEqual(
      s.candidates.map((c) => c.due),
      ['2027-01-15', '2028-01-15'],
    );
  });

  it('the shortest of several overrides and subjects wins; on equal dates the band is named', () => {
    const overrides: RoleOverride[] = [
      { role: 'ubo', bands: ['high'], every: { months: 12 } },
      { role: 'director', every: { months: 9 } },
      { role: 'ubo', bands: ['medium'], every: { months: 18 } },
    ];
    const subjects = [
      subject('b-owner', ['ubo'], 'high'),
      subject('a-dir', ['director'], 'low'),
      subject('c-owner', ['ubo'], 'medium'),
    ];
    const policy = valid(plainPolicy({ roleOverrides: overrides }));
    const s = scheduled(nextReview(policy, record('high', '2024-01-15', { subjects }), NOW));
    assert.equal(s.due, '2024-10-15');
    assert.equal(s.rule.kind === 'role' && s.rule.subjectId, 'a-dir');
    // Without the director, the UBO's 12 months equal the high band's: the band is named.
    const t = scheduled(
      nextReview(policy, record('high', '2024-01-15', { subjects: [subjects[0]!, subjects[2]!] }), NOW),
    );
    assert.equal(t.due, '2025-01-15');
    assert.equal(t.rule.kind, 'band');
    assert.deepEqual(
      t.candidates.map((c) => [c.rule.kind, c.due]),
      [
        ['band', '2025-01-15'],
        ['role', '2025-01-15'],
        ['role', '2025-07-15'],
      ],
    );
  });

  it('does not depend on the order of subjects', () => {
    const o: RoleOverride = { role: 'ubo', every: { months: 6 } };
    const policy = valid(plainPolicy({ roleOverrides: [o] }));
    const a = subject('owner-a', ['ubo'], 'low');
    const b = subject('owner-b', ['ubo'], 'medium');
    const x = scheduled(nextReview(policy, record('low', '2024-01-15', { subjects: [a, b] }), NOW));
    const y = scheduled(nextReview(policy, record('low', '2024-01-15', { subjects: [b, a] }), NOW));
    assert.deepEqual(x.rule, y.rule);
    assert.deepEqual(x.candidates, y.candidates);
    assert.equal(x.rule.kind === 'role' && x.rule.subjectId, 'owner-a');
  });
});

describe('nextReview: subject overrides', () => {
  it('a cadence set for one subject brings the review forward, with its reason', () => {
    const subjects = [
      subject('applicant-1', ['applicant'], 'low'),
      subject('dir-1', ['director'], 'low', {
        override: { every: { months: 3 }, reason: 'Adverse media under assessment' },
      }),
    ];
    const s = scheduled(nextReview(valid(plainPolicy()), record('low', '2024-01-31', { subjects }), NOW));
    assert.equal(s.due, '2024-04-30');
    assert.equal(s.open, '2024-03-31');
    assert.deepEqual(s.rule, {
      kind: 'subject_cadence',
      subjectId: 'dir-1',
      every: { months: 3 },
      reason: 'Adverse media under assessment',
    });
    assert.match(
      s.explanation.join('\n'),
      /subject override for dir-1, every 3 months \(reason: Adverse media under assessment\)/,
    );
  });

  it('a fixed next date applies until a review completes on or after it', () => {
    const override = { nextDue: '2024-05-01', reason: 'Passport expires' };
    const subjects = [subject('applicant-1', ['applicant'], 'low', { override })];
    const s = scheduled(nextReview(valid(plainPolicy()), record('low', '2024-01-15', { subjects }), NOW));
    assert.equal(s.due, '2024-05-01');
    assert.deepEqual(s.rule, {
      kind: 'subject_date',
      subjectId: 'applicant-1',
      nextDue: '2024-05-01',
      reason: 'Passport expires',
    });
    const after = scheduled(
      nextReview(
        valid(plainPolicy()),
        record('low', '2024-01-15', { subjects, lastReviewedOn: '2024-05-01' }),
        NOW,
      ),
    );
    assert.equal(after.due, '2027-05-01');
    assert.equal(after.rule.kind, 'band');
    assert.equal(after.ignored.length, 1);
    assert.match(
      after.ignored[0]!.why,
      /spent: 2024-05-01 is on or before the last completed review \(2024-05-01\)/,
    );
    assert.match(after.explanation.join('\n'), /ignored, spent/);
  });

  it('cannot postpone a review: a later subject override does not win', () => {
    const subjects = [
      subject('applicant-1', ['applicant'], 'high', {
        override: { every: { months: 24 }, reason: 'Stable client' },
      }),
      subject('dir-1', ['director'], 'high', {
        override: { nextDue: '2026-01-01', reason: 'After restructuring' },
      }),
    ];
    const s = scheduled(nextReview(valid(plainPolicy()), record('high', '2024-01-15', { subjects }), NOW));
    assert.equal(s.due, '2025-01-15');
    assert.equal(s.rule.kind, 'band');
    assert.deepEqual(
      s.candidates.map((c) => [c.rule.kind, c.due]),
      [
        ['band', '2025-01-15'],
        ['subject_date', '2026-01-01'],
        ['subject_cadence', '2026-01-15'],
      ],
    );
  });

  it('opens on the anchor when the lead time is longer than the cadence', () => {
    const withEvery = (days: number) =>
      scheduled(
        nextReview(
          valid(plainPolicy()),
          record('low', '2024-01-15', {
            subjects: [
              subject('a', ['applicant'], 'low', { override: { every: { days }, reason: 'Watch closely' } }),
            ],
          }),
          NOW,
        ),
      );
    const s = withEvery(20);
    assert.equal(s.due, '2024-02-04');
    assert.equal(s.open, '2024-01-15');
    assert.equal(s.openClamped, true);
    assert.deepEqual(s.clientRequest, { sendOn: '2024-01-15', dueOn: '2024-01-25' });
    assert.match(
      s.explanation.join('\n'),
      /Opens on 2024-01-15, the approval date: the lead time of 30 days is longer than this cadence/,
    );
    // The client's due date would fall on or before the opening: it is the review's due date instead.
    assert.deepEqual(withEvery(5).clientRequest, { sendOn: '2024-01-15', dueOn: '2024-01-20' });
    assert.deepEqual(withEvery(10).clientRequest, { sendOn: '2024-01-15', dueOn: '2024-01-25' });
  });
});

describe('nextReview: prohibited', () => {
  it('has no periodic review: the relationship must not continue', () => {
    const s = nextReview(valid(policyWith()), record('prohibited', '2024-01-15'), NOW);
    assert.equal(s.outcome, 'prohibited');
    assert.equal(s.due, null);
    assert.equal(s.open, null);
    assert.deepEqual(s.outcome === 'prohibited' && s.prohibited, {
      relationship: true,
      subjects: [{ subjectId: 'applicant-1', roles: ['applicant'] }],
    });
    assert.match(s.explanation.join('\n'), /must not continue; start the exit process/);
  });

  it('a prohibited subject makes the relationship prohibited, whatever its overrides', () => {
    const subjects = [
      subject('applicant-1', ['applicant'], 'low'),
      subject('owner-9', ['ubo'], 'prohibited', { override: { every: { days: 7 }, reason: 'Watch' } }),
    ];
    const s = nextReview(valid(policyWith()), record('medium', '2024-01-15', { subjects }), NOW);
    assert.equal(s.outcome, 'prohibited');
    assert.deepEqual(s.outcome === 'prohibited' && s.prohibited, {
      relationship: false,
      subjects: [{ subjectId: 'owner-9', roles: ['ubo'] }],
    });
    assert.deepEqual(s.explanation[0], 'Subject owner-9 (ubo) is in band prohibited.');
  });
});

describe('nextReview: input', () => {
  it('refuses a malformed record with the paths of its problems', () => {
    assert.throws(
      () => nextReview(valid(policyWith()), record('high', '2025-02-29'), NOW),
      (e: unknown) =>
        e instanceof InvalidReviewInputError &&
        e.problems.length === 1 &&
        e.problems[0]!.path === '/approvedOn',
    );
    assert.throws(
      () => nextReview(valid(policyWith()), record('high', '2024-01-15'), new Date(Number.NaN)),
      RangeError,
    );
  });

  it('takes now as an instant or a date and records its UTC day', () => {
    const at = (now: Date | string) =>
      nextReview(valid(policyWith()), record('high', '2024-01-15'), now).computedOn;
    assert.equal(at(new Date('2024-03-01T23:59:59-02:00')), '2024-03-02');
    assert.equal(at('2024-03-01'), '2024-03-01');
  });

  it('does not change its inputs', () => {
    const policy = valid(policyWith());
    const input = record('high', '2024-01-15', { subjects: [subject('u', ['ubo'], 'high')] });
    const before = JSON.stringify([policy, input]);
    nextReview(policy, input, NOW);
    assert.equal(JSON.stringify([policy, input]), before);
  });
});
