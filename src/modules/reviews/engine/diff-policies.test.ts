import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultReviewPolicy } from './default-policy.ts';
import { diffReviewPolicies, rescheduleImpact } from './diff-policies.ts';
import type { ReviewInput, ReviewPolicy } from './policy.schema.ts';
import { plainPolicy, record, subject } from './review-fixtures.ts';
import { validateReviewPolicy } from './validate-policy.ts';

function edited(edit: (p: ReviewPolicy) => void, base = defaultReviewPolicy()): ReviewPolicy {
  const p = structuredClone(base);
  edit(p);
  assert.deepEqual(validateReviewPolicy(p), []);
  return p;
}

describe('diffReviewPolicies', () => {
  it('finds no difference between equal policies, whatever the order of overrides and topics', () => {
    const a = edited((p) => {
      p.roleOverrides = [
        { role: 'ubo', bands: ['high', 'medium'], every: { months: 6 } },
        { role: 'director', every: { months: 9 } },
      ];
    });
    const b = edited((p) => {
      p.roleOverrides = [
        { role: 'director', every: { months: 9 } },
        { role: 'ubo', bands: ['medium'], every: { months: 6 } },
        { role: 'ubo', bands: ['high'], every: { months: 6 } },
      ];
      p.triggers.screeningTrueMatch.topics = ['crime', 'rca', 'pep', 'sanction'];
    });
    assert.deepEqual(diffReviewPolicies(a, b), { equal: true, settings: [], roleRules: [] });
    assert.equal(diffReviewPolicies(defaultReviewPolicy(), defaultReviewPolicy()).equal, true);
  });

  it('lists changed settings by path, with before and after', () => {
    const b = edited((p) => {
      p.cadence.high = { days: 365 };
      p.graceDays = 30;
      p.clientRequest.enabled = false;
      p.triggers.bandRaised.atLeast = 'medium';
      p.triggers.screeningTrueMatch.topics = ['sanction'];
    });
    assert.deepEqual(diffReviewPolicies(defaultReviewPolicy(), b), {
      equal: false,
      settings: [
        { path: '/cadence/high', before: { months: 12 }, after: { days: 365 } },
        { path: '/graceDays', before: 14, after: 30 },
        { path: '/clientRequest/enabled', before: true, after: false },
        { path: '/triggers/bandRaised/atLeast', before: 'high', after: 'medium' },
        {
          path: '/triggers/screeningTrueMatch/topics',
          before: ['crime', 'pep', 'rca', 'sanction'],
          after: ['sanction'],
        },
      ],
      roleRules: [],
    });
  });

  it('compares role overrides as (role, band) rules: added, removed, changed', () => {
    const a = edited((p) => {
      p.roleOverrides = [
        { role: 'ubo', bands: ['high', 'medium'], every: { months: 6 } },
        { role: 'director', every: { months: 9 }, note: 'Board members' },
      ];
    });
    const b = edited((p) => {
      p.roleOverrides = [
        { role: 'ubo', bands: ['high'], every: { months: 3 } },
        { role: 'director', every: { months: 9 }, note: 'Board members and officers' },
        { role: 'trustee', bands: ['high'], every: { months: 6 } },
      ];
    });
    assert.deepEqual(diffReviewPolicies(a, b).roleRules, [
      {
        role: 'director',
        band: 'any',
        before: { every: { months: 9 }, note: 'Board members' },
        after: { every: { months: 9 }, note: 'Board members and officers' },
      },
      { role: 'ubo', band: 'medium', before: { every: { months: 6 }, note: null }, after: null },
      {
        role: 'ubo',
        band: 'high',
        before: { every: { months: 6 }, note: null },
        after: { every: { months: 3 }, note: null },
      },
      { role: 'trustee', band: 'high', before: null, after: { every: { months: 6 }, note: null } },
    ]);
  });
});

describe('rescheduleImpact', () => {
  const NOW = '2025-06-01';
  const book: ReviewInput[] = [
    record('high', '2024-06-20', { id: 'h-1' }),
    record('high', '2023-02-01', { id: 'h-2', lastReviewedOn: '2024-08-31' }),
    record('low', '2024-01-15', { id: 'l-1' }),
    record('medium', '2024-01-15', {
      id: 'm-ubo',
      subjects: [subject('c', ['applicant'], 'medium'), subject('o', ['ubo'], 'high')],
    }),
    record('prohibited', '2024-01-15', { id: 'p-1' }),
    record('medium', '2024-02-30', { id: 'bad-1' }),
  ];

  it('lists exactly the records whose due date moves, with both dates and states', () => {
    const oldPolicy = edited(() => {}, plainPolicy());
    const newPolicy = edited((p) => (p.cadence.high = { months: 9 }), oldPolicy);
    const impact = rescheduleImpact(oldPolicy, newPolicy, book, NOW);
    assert.equal(impact.checked, 6);
    assert.deepEqual(
      impact.moved.map((m) => [m.id, m.before.due, m.after.due, m.daysMoved, m.before.state, m.after.state]),
      [
        ['h-1', '2025-06-20', '2025-03-20', -92, 'open', 'overdue'],
        ['h-2', '2025-08-31', '2025-05-31', -92, 'scheduled', 'due'],
      ],
    );
    assert.equal(impact.moved[0]!.after.rule.kind, 'band');
    assert.deepEqual(impact.prohibited, ['p-1']);
    assert.deepEqual(impact.invalid, [
      { id: 'bad-1', problems: [{ path: '/approvedOn', message: 'must be a date (YYYY-MM-DD)' }] },
    ]);
  });

  it('moves only the records a new role override reaches', () => {
    const oldPolicy = edited(() => {}, plainPolicy());
    const newPolicy = edited(
      (p) => (p.roleOverrides = [{ role: 'ubo', bands: ['high'], every: { months: 3 } }]),
      oldPolicy,
    );
    const impact = rescheduleImpact(oldPolicy, newPolicy, book, NOW);
    assert.deepEqual(
      impact.moved.map((m) => [m.id, m.before.due, m.after.due]),
      [['m-ubo', '2026-01-15', '2024-04-15']],
    );
    assert.deepEqual(impact.moved[0]!.after.rule, {
      kind: 'role',
      role: 'ubo',
      subjectId: 'o',
      subjectBand: 'high',
      every: { months: 3 },
      policyPath: '/roleOverrides/0',
      note: null,
    });
    assert.equal(impact.moved[0]!.after.state, 'overdue');
  });

  it('moves nothing when only the lead time, grace or triggers change', () => {
    const oldPolicy = defaultReviewPolicy();
    const newPolicy = edited((p) => {
      p.leadDays = 60;
      p.graceDays = 0;
      p.triggers.bandRaised.enabled = false;
    });
    const impact = rescheduleImpact(oldPolicy, newPolicy, book, NOW);
    assert.deepEqual(impact.moved, []);
    assert.equal(impact.checked, 6);
  });
});
