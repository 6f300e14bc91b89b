import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultReviewPolicy } from './default-policy.ts';
import { REVIEW_LIMITS } from './policy.schema.ts';
import { record, subject } from './review-fixtures.ts';
import { parseReviewPolicy, validateReviewInput, validateReviewPolicy } from './validate-policy.ts';

// These tests write deliberately ill-typed values anywhere in a policy.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Draft = Record<string, any>;

/** The default policy with `edit` applied to a deep copy. */
const edited = (edit: (p: Draft) => void): unknown => {
  const p = structuredClone(defaultReviewPolicy()) as Draft;
  edit(p);
  return p;
};
const paths = (policy: unknown) => validateReviewPolicy(policy).map((p) => p.path);
const ubo = (extra: Record<string, unknown> = {}) => ({ role: 'ubo', every: { months: 6 }, ...extra });

describe('validateReviewPolicy', () => {
  it('accepts the default policy, a fresh copy each time', () => {
    assert.deepEqual(validateReviewPolicy(defaultReviewPolicy()), []);
    const r = parseReviewPolicy(defaultReviewPolicy());
    assert.equal(r.ok, true);
    assert.notEqual(defaultReviewPolicy(), defaultReviewPolicy());
    assert.equal(defaultReviewPolicy().cadence.high.constructor, Object);
  });

  it('refuses non-objects, unknown and missing settings, naming the path', () => {
    for (const v of [null, [], 'x', 42, undefined]) assert.deepEqual(paths(v), ['/'], String(v));
    assert.deepEqual(paths(edited((p) => (p.extra = 1))), ['/extra']);
    assert.deepEqual(paths(edited((p) => delete p.graceDays)), ['/graceDays']);
    assert.equal(validateReviewPolicy(edited((p) => delete p.graceDays))[0]!.message, 'is required');
    assert.deepEqual(paths(edited((p) => delete p.cadence.medium)), ['/cadence/medium']);
    assert.deepEqual(paths(edited((p) => (p.triggers.bandRaised.extra = true))), [
      '/triggers/bandRaised/extra',
    ]);
    assert.deepEqual(paths(edited((p) => (p.leadDays = -1))), ['/leadDays']);
    assert.deepEqual(paths(edited((p) => (p.graceDays = 366))), ['/graceDays']);
    assert.deepEqual(paths(edited((p) => (p.graceDays = 1.5))), ['/graceDays']);
    assert.deepEqual(paths(edited((p) => (p.graceDays = '14'))), ['/graceDays']);
    assert.deepEqual(paths(edited((p) => (p.clientRequest.enabled = 'yes'))), ['/clientRequest/enabled']);
    const r = parseReviewPolicy(edited((p) => (p.leadDays = -1)));
    assert.equal(r.ok, false);
  });

  it('refuses a cadence for the prohibited band, saying why', () => {
    const [p] = validateReviewPolicy(edited((p) => (p.cadence.prohibited = { months: 1 })));
    assert.equal(p!.path, '/cadence/prohibited');
    assert.match(p!.message, /must not continue/);
    const [q] = validateReviewPolicy(edited((p) => (p.roleOverrides[0].bands = ['high', 'prohibited'])));
    assert.equal(q!.path, '/roleOverrides/0/bands/1');
    assert.match(q!.message, /must not continue/);
    assert.deepEqual(paths(edited((p) => (p.triggers.bandRaised.atLeast = 'prohibited'))), [
      '/triggers/bandRaised/atLeast',
    ]);
  });

  it('wants exactly one whole, bounded unit per period', () => {
    assert.deepEqual(paths(edited((p) => (p.cadence.low = { months: 36, days: 3 }))), ['/cadence/low']);
    assert.match(
      validateReviewPolicy(edited((p) => (p.cadence.low = { months: 36, days: 3 })))[0]!.message,
      /not both/,
    );
    assert.deepEqual(paths(edited((p) => (p.cadence.low = {}))), ['/cadence/low']);
    assert.deepEqual(paths(edited((p) => (p.cadence.low = { weeks: 3 }))), ['/cadence/low/weeks']);
    assert.deepEqual(paths(edited((p) => (p.cadence.high = { days: 0 }))), ['/cadence/high/days']);
    assert.deepEqual(paths(edited((p) => (p.cadence.high = { days: 2.5 }))), ['/cadence/high/days']);
    assert.deepEqual(paths(edited((p) => (p.cadence.low = { months: REVIEW_LIMITS.maxMonths + 1 }))), [
      '/cadence/low/months',
    ]);
    assert.deepEqual(paths(edited((p) => (p.cadence.low = { days: REVIEW_LIMITS.maxDays + 1 }))), [
      '/cadence/low/days',
    ]);
    assert.deepEqual(paths(edited((p) => (p.roleOverrides[0].every = { days: 10, months: 1 }))), [
      '/roleOverrides/0/every',
    ]);
    assert.deepEqual(paths(edited((p) => (p.cadence.low = { months: 120 }))), []);
  });

  it('never reviews a higher band less often than a lower one, in either unit', () => {
    assert.deepEqual(paths(edited((p) => (p.cadence.high = { months: 30 }))), ['/cadence/high']);
    assert.deepEqual(paths(edited((p) => (p.cadence.medium = { months: 48 }))), ['/cadence/medium']);
    // Equal is fine.
    assert.deepEqual(paths(edited((p) => (p.cadence.medium = { months: 36 }))), []);
    // 24 months are 730 or 731 days depending on the start: 730 days never end later, 731 can.
    const mixed = (days: number) =>
      validateReviewPolicy(
        edited((p) => {
          p.cadence.low = { months: 24 };
          p.cadence.medium = { days };
        }),
      );
    assert.deepEqual(mixed(730), []);
    const [m] = mixed(731);
    assert.equal(m!.path, '/cadence/medium');
    assert.equal(
      m!.message,
      'a medium-band review must not fall due later than a low-band one (731 days against 24 months)',
    );
    const highDays = (days: number) =>
      paths(
        edited((p) => {
          p.cadence.medium = { months: 12 };
          p.cadence.high = { days };
        }),
      );
    assert.deepEqual(highDays(366), ['/cadence/high']);
    assert.deepEqual(highDays(365), []);
  });

  it('keeps the lead time shorter than the shortest band or role cadence', () => {
    const [p] = validateReviewPolicy(
      edited((p) => {
        p.roleOverrides = [ubo({ every: { days: 30 } })];
        p.leadDays = 30;
      }),
    );
    assert.equal(p!.path, '/leadDays');
    assert.match(p!.message, /30 days at \/roleOverrides\/0\/every/);
    // One month is at least 28 days (February).
    const month = (lead: number) =>
      paths(
        edited((p) => {
          p.roleOverrides = [ubo({ every: { months: 1 } })];
          p.leadDays = lead;
          p.clientRequest.dueDaysBeforeReview = 0;
        }),
      );
    assert.deepEqual(month(28), ['/leadDays']);
    assert.deepEqual(month(27), []);
    assert.deepEqual(paths(edited((p) => (p.cadence.high = { days: 20 }))), ['/leadDays']);
  });

  it('gives the client at least one day when a portal request is sent', () => {
    assert.deepEqual(paths(edited((p) => (p.clientRequest.dueDaysBeforeReview = 30))), [
      '/clientRequest/dueDaysBeforeReview',
    ]);
    assert.deepEqual(paths(edited((p) => (p.clientRequest.dueDaysBeforeReview = 29))), []);
    assert.deepEqual(
      paths(
        edited((p) => {
          p.clientRequest = { enabled: false, dueDaysBeforeReview: 200 };
        }),
      ),
      [],
    );
  });

  it('refuses two overrides for the same role and band, and bad roles, bands and notes', () => {
    const dup = (a: object, b: object) => paths(edited((p) => (p.roleOverrides = [a, b])));
    assert.deepEqual(dup(ubo({ bands: ['high', 'medium'] }), ubo({ bands: ['low', 'medium'] })), [
      '/roleOverrides/1/bands/1',
    ]);
    assert.deepEqual(dup(ubo(), ubo()), ['/roleOverrides/1/role']);
    // A role for any band and the same role for one band are two different rules.
    assert.deepEqual(dup(ubo(), ubo({ bands: ['high'] })), []);
    assert.deepEqual(dup(ubo({ bands: ['high'] }), { ...ubo({ bands: ['high'] }), role: 'director' }), []);
    assert.deepEqual(paths(edited((p) => (p.roleOverrides = [ubo({ role: 'owner' })]))), [
      '/roleOverrides/0/role',
    ]);
    assert.deepEqual(paths(edited((p) => (p.roleOverrides = [ubo({ bands: [] })]))), [
      '/roleOverrides/0/bands',
    ]);
    assert.deepEqual(paths(edited((p) => (p.roleOverrides = [ubo({ bands: ['high', 'high'] })]))), [
      '/roleOverrides/0/bands',
    ]);
    assert.deepEqual(paths(edited((p) => (p.roleOverrides = [ubo({ bands: ['severe'] })]))), [
      '/roleOverrides/0/bands/0',
    ]);
    assert.deepEqual(paths(edited((p) => (p.roleOverrides = [ubo({ note: 'a\u0000b' })]))), [
      '/roleOverrides/0/note',
    ]);
    assert.deepEqual(paths(edited((p) => (p.roleOverrides = [ubo({ note: ' padded ' })]))), [
      '/roleOverrides/0/note',
    ]);
    assert.deepEqual(paths(edited((p) => (p.roleOverrides = [ubo({ note: 'x'.repeat(501) })]))), [
      '/roleOverrides/0/note',
    ]);
    assert.deepEqual(paths(edited((p) => (p.roleOverrides = Array.from({ length: 41 }, () => ubo())))), [
      '/roleOverrides',
    ]);
  });

  it('checks the triggers', () => {
    assert.deepEqual(paths(edited((p) => (p.triggers.screeningTrueMatch.topics = []))), [
      '/triggers/screeningTrueMatch/topics',
    ]);
    assert.deepEqual(paths(edited((p) => (p.triggers.screeningTrueMatch.topics = ['sanction', 'gossip']))), [
      '/triggers/screeningTrueMatch/topics/1',
    ]);
    assert.deepEqual(paths(edited((p) => delete p.triggers.bandRaised.subjects)), [
      '/triggers/bandRaised/subjects',
    ]);
  });

  it('survives hostile documents', () => {
    let deep: unknown = { months: 1 };
    for (let i = 0; i < 10_000; i++) deep = { a: deep };
    assert.deepEqual(paths(edited((p) => (p.cadence.low = deep))), ['/cadence/low/a']);
    assert.deepEqual(paths(edited((p) => (p.roleOverrides = new Array(100_000).fill(ubo())))), [
      '/roleOverrides',
    ]);
    const throwing = new Proxy(
      {},
      {
        get: () => {
          throw new Error('boom');
        },
      },
    );
    assert.deepEqual(paths(throwing), ['/']);
  });
});

describe('validateReviewInput', () => {
  const inputPaths = (i: unknown) => validateReviewInput(i).map((p) => p.path);
  it('accepts a record and names what is wrong in a bad one', () => {
    assert.deepEqual(validateReviewInput(record('high', '2024-01-15')), []);
    assert.deepEqual(inputPaths(null), ['/']);
    assert.deepEqual(inputPaths(record('severe' as never, '2024-01-15')), ['/band']);
    assert.deepEqual(inputPaths(record('high', '2025-02-29')), ['/approvedOn']);
    assert.deepEqual(inputPaths(record('high', '9000-01-01')), ['/approvedOn']);
    assert.deepEqual(inputPaths(record('high', '8999-12-31')), []);
    assert.deepEqual(inputPaths(record('high', '2024-01-15', { lastReviewedOn: '15/01/2025' })), [
      '/lastReviewedOn',
    ]);
    assert.deepEqual(inputPaths({ ...record('high', '2024-01-15'), subjects: undefined }), ['/subjects']);
    const s = (extra: object) =>
      inputPaths(record('high', '2024-01-15', { subjects: [subject('s', ['ubo'], 'high', extra)] }));
    assert.deepEqual(s({ override: { reason: 'r' } }), ['/subjects/0/override']);
    assert.deepEqual(s({ override: { every: { days: 5 }, nextDue: '2024-03-01', reason: 'r' } }), [
      '/subjects/0/override',
    ]);
    assert.deepEqual(s({ override: { every: { days: 5, months: 1 }, reason: 'r' } }), [
      '/subjects/0/override/every',
    ]);
    assert.deepEqual(s({ override: { nextDue: '2024-02-30', reason: 'r' } }), [
      '/subjects/0/override/nextDue',
    ]);
    assert.deepEqual(s({ override: { nextDue: '2024-03-01' } }), ['/subjects/0/override/reason']);
    assert.deepEqual(s({ override: { nextDue: '2024-03-01', reason: 'bad\u0007' } }), [
      '/subjects/0/override/reason',
    ]);
    assert.deepEqual(s({ roles: [] }), ['/subjects/0/roles']);
    assert.deepEqual(s({ roles: ['ubo', 'ubo'] }), ['/subjects/0/roles']);
    assert.deepEqual(s({ band: 'severe' }), ['/subjects/0/band']);
    assert.deepEqual(
      inputPaths(
        record('high', '2024-01-15', { subjects: [subject('s', ['ubo']), subject('s', ['director'])] }),
      ),
      ['/subjects/1/id'],
    );
  });
});
