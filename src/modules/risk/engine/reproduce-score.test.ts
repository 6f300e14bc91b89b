import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RISK_BANDS } from './bands.ts';
import { defaultRiskModel } from './default-model.ts';
import type { RiskExplanation } from './explanation.schema.ts';
import type { Facts } from './facts.ts';
import type { RiskModel } from './model.schema.ts';
import { reproduceScore, verifyExplanation } from './reproduce-score.ts';
import { testModel } from './risk-fixtures.ts';
import { scoreRisk } from './score-risk.ts';

/** mulberry32: a small seeded generator, so every run checks the same fact sets. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const COUNTRIES = ['GB', 'FR', 'AE', 'IR', 'KP', 'MM', 'US', 'NG', 'VG', 'CH', 'ZZ'];
const TYPES = ['individual', 'company', 'trust', 'foundation', 'charity', 'unknown_kind'];
const INDUSTRIES = ['money_services', 'gambling', 'software', 'real_estate'];
const PRODUCTS = ['current_account', 'private_banking', 'correspondent_banking', 'other'];
const CHANNELS = ['face_to_face', 'video', 'online', 'intermediary', 'pigeon'];

/** Random facts: each fact absent, null, well-typed or (rarely) of the wrong type. */
function randomFacts(r: () => number): Facts {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const f: Record<string, unknown> = {};
  const maybe = (name: string, make: () => unknown) => {
    const x = r();
    if (x < 0.15) return;
    if (x < 0.2) f[name] = null;
    else if (x < 0.23) f[name] = pick(['oops', 7, true, ['a'], { no: 1 }]);
    else f[name] = make();
  };
  maybe('subject.countryOfResidence', () => pick(COUNTRIES));
  maybe('subject.nationalities', () => Array.from({ length: Math.floor(r() * 3) }, () => pick(COUNTRIES)));
  maybe('subject.countryOfIncorporation', () => pick(COUNTRIES));
  maybe('subject.customerType', () => pick(TYPES));
  maybe('subject.pep', () => r() < 0.1);
  maybe('subject.industry', () => pick(INDUSTRIES));
  maybe('application.product', () => pick(PRODUCTS));
  maybe('application.channel', () => pick(CHANNELS));
  maybe('application.countriesOfOperation', () =>
    Array.from({ length: Math.floor(r() * 4) }, () => pick(COUNTRIES)),
  );
  maybe('application.expectedAnnualVolume', () => Math.floor(r() * 20_000_000));
  maybe('screening.trueSanctionsMatch', () => r() < 0.05);
  maybe('screening.truePepMatch', () => r() < 0.05);
  maybe('screening.adverseMedia', () => r() < 0.1);
  maybe('screening.openAlerts', () => Math.floor(r() * 3));
  maybe('ownership.layers', () => Math.floor(r() * 6) + (r() < 0.2 ? 0.5 : 0));
  maybe('ownership.countries', () => Array.from({ length: Math.floor(r() * 3) }, () => pick(COUNTRIES)));
  maybe('ownership.uboUnidentified', () => r() < 0.05);
  maybe('ownership.nomineeShareholders', () => r() < 0.1);
  maybe('ownership.trustInChain', () => r() < 0.1);
  maybe('questionnaire.kyc.cash_business', () => r() < 0.2);
  return f as Facts;
}

/** What storage does: JSON out, JSON in. */
const stored = (e: RiskExplanation): RiskExplanation => JSON.parse(JSON.stringify(e)) as RiskExplanation;

describe('reproduceScore', () => {
  it('reproduces the stored overall score and bands for 2,000 random fact sets on two models', () => {
    const r = rng(20261125);
    const bands = new Map<string, number>();
    for (const model of [defaultRiskModel(), testModel()]) {
      for (let i = 0; i < 1000; i++) {
        const facts = randomFacts(r);
        const e = stored(scoreRisk(model, facts));
        const again = reproduceScore(e);
        assert.deepEqual(
          again,
          { ok: true, overall: e.overall, thresholdBand: e.thresholdBand, band: e.band },
          JSON.stringify(facts),
        );
        assert.ok(Number.isSafeInteger(e.overall));
        assert.deepEqual(verifyExplanation(model, facts, e), { ok: true });
        bands.set(e.band, (bands.get(e.band) ?? 0) + 1);
      }
    }
    // The generator reaches every band, so every branch of the band logic was reproduced.
    for (const b of RISK_BANDS) assert.ok((bands.get(b) ?? 0) > 0, `no ${b} score generated`);
  });

  it('keeps reproducing after the model changes: the explanation carries what it needs', () => {
    const model = testModel();
    const facts: Facts = { 'subject.countryOfResidence': 'AE', 'subject.pep': true };
    const e = stored(scoreRisk(model, facts));
    model.thresholds.medium = 1;
    model.categories[0]!.weight = 1000;
    model.tables.countryRisk!.entries.AE = 0;
    assert.equal(reproduceScore(e).ok, true);
    // …while the strict check against the changed model (same version number) shows the difference
    const strict = verifyExplanation(model, facts, e);
    assert.equal(strict.ok, false);
  });

  const base = (): RiskExplanation =>
    stored(
      scoreRisk(testModel(), {
        'subject.countryOfResidence': 'AE',
        'subject.nationalities': ['GB'],
        'subject.customerType': 'company',
        'subject.pep': false,
        'ownership.layers': 2,
      }),
    );
  const problemPaths = (e: unknown) => {
    const r = reproduceScore(e);
    return r.ok ? [] : r.problems.map((p) => p.path);
  };

  it('detects tampered arithmetic, at the path that was changed', () => {
    assert.deepEqual(problemPaths(base()), []);
    // lookup AE 40 × 100 = 4000 → geo 4000 × 50 = 200,000; cust 2000 + 750 + 1000 = 3750 × 30 = 112,500
    assert.equal(base().overall, 312_500);

    let e = base();
    e.categories[0]!.factors[0]!.points = 0; // contribution no longer points × weight
    assert.deepEqual(problemPaths(e), [
      '/categories/0/factors/0/contribution',
      '/categories/0/raw',
      '/categories/0/score',
      '/categories/0/weighted',
      '/overall',
      '/thresholdBand',
      '/band',
    ]);

    e = base();
    e.overall -= 1;
    assert.deepEqual(problemPaths(e), ['/overall']);

    e = base();
    e.band = 'low';
    assert.deepEqual(problemPaths(e), ['/band']);

    e = base();
    e.thresholdBand = 'high';
    e.band = 'high';
    assert.deepEqual(problemPaths(e), ['/thresholdBand', '/band']);

    e = base();
    e.categories[1]!.capped = true;
    assert.deepEqual(problemPaths(e), ['/categories/1/capped']);

    e = base();
    e.categories[1]!.cap = 10; // a lowered cap without the capped score
    assert.deepEqual(problemPaths(e).slice(0, 3), [
      '/categories/1/capped',
      '/categories/1/score',
      '/categories/1/weighted',
    ]);

    e = base();
    e.categories[0]!.weight = 10; // weights are part of the explanation: 4000 × 10 + 112,500 = 15.25 points, low
    assert.deepEqual(problemPaths(e), ['/categories/0/weighted', '/overall', '/thresholdBand', '/band']);

    e = base();
    e.thresholds.medium = 50; // a moved threshold changes the band computed from it
    assert.deepEqual(problemPaths(e), ['/thresholds', '/thresholdBand', '/band']);
  });

  it('detects a removed forced band, and one added without its effect', () => {
    const e = stored(
      scoreRisk(testModel(), { 'screening.trueSanctionsMatch': true, 'subject.countryOfResidence': 'GB' }),
    );
    assert.equal(e.band, 'high');
    const removed = stored(e);
    removed.forced = [];
    assert.deepEqual(problemPaths(removed), ['/band']);
    const added = base();
    added.forced.push({ rule: 'x', reason: 'X', label: 'X', atLeast: 'prohibited', facts: [] });
    assert.deepEqual(problemPaths(added), ['/band']);
  });

  it('refuses explanations that are not explanations', () => {
    assert.deepEqual(problemPaths(null), ['/']);
    assert.deepEqual(problemPaths({}), ['/']);
    assert.deepEqual(problemPaths({ ...base(), extra: 1 }), ['/extra']);
    assert.deepEqual(problemPaths({ ...base(), format: 2 }), ['/format']);
    assert.deepEqual(problemPaths({ ...base(), overall: 1.5 }), ['/overall']);
    assert.deepEqual(problemPaths({ ...base(), overall: -1 }), ['/overall']);
    assert.deepEqual(problemPaths({ ...base(), band: 'severe' }), ['/band']);
    const e = base();
    (e.categories[0]!.factors[0] as { points: number }).points = 1e300;
    assert.deepEqual(problemPaths(e), ['/categories/0/factors/0/points']);
  });
});

describe('verifyExplanation', () => {
  const model = testModel();
  const facts: Facts = { 'subject.countryOfResidence': 'AE', 'subject.customerType': 'trust' };

  it('accepts the explanation the model and facts give', () => {
    assert.deepEqual(verifyExplanation(model, facts, stored(scoreRisk(model, facts))), { ok: true });
  });

  it('detects consistent tampering that reproduceScore cannot: points not from the value', () => {
    const e = stored(scoreRisk(model, facts));
    // Lower AE from 40 to 0 points and redo all the arithmetic so it reproduces.
    const f = e.categories[0]!.factors[0]!;
    f.points = 0;
    f.contribution = 0;
    const geo = e.categories[0]!;
    // geo max(0, nationality missing 0) = 0
    geo.raw = 0;
    geo.score = 0;
    e.overall -= geo.weighted;
    geo.weighted = 0;
    e.thresholdBand = 'low';
    e.band = 'low';
    assert.equal(reproduceScore(e).ok, true);
    const v = verifyExplanation(model, facts, e);
    assert.equal(v.ok, false);
    assert.deepEqual(!v.ok && v.problems.map((p) => p.path).slice(0, 3), [
      '/band',
      '/categories/0/factors/0/contribution',
      '/categories/0/factors/0/points',
    ]);
  });

  it('detects a changed fact value, a hidden rule and another model version', () => {
    const e = stored(scoreRisk(model, facts));
    const changedValue = stored(e);
    changedValue.categories[0]!.factors[0]!.value = 'GB';
    assert.equal(verifyExplanation(model, facts, changedValue).ok, false);

    const sanctioned: Facts = { ...facts, 'screening.trueSanctionsMatch': true };
    const hidden = stored(scoreRisk(model, { ...facts, 'screening.trueSanctionsMatch': false }));
    // The explanation of a non-match presented for a match: the forced rule is missing.
    assert.equal(verifyExplanation(model, sanctioned, hidden).ok, false);

    const other: RiskModel = { ...testModel(), version: 4 };
    assert.deepEqual(verifyExplanation(other, facts, e), {
      ok: false,
      problems: [{ path: '/modelVersion', message: 'explanation is of model version 3, not 4' }],
    });
    assert.equal(verifyExplanation(model, facts, { nonsense: true }).ok, false);
  });
});
