import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Facts } from './facts.ts';
import { formatScore, SCORE_SCALE } from './limits.ts';
import { onePointModel, testModel } from './risk-fixtures.ts';
import { scoreRisk } from './score-risk.ts';
import { validateRiskModel } from './validate-model.ts';

const factor = (e: ReturnType<typeof scoreRisk>, id: string) =>
  e.categories.flatMap((c) => c.factors).find((f) => f.id === id)!;
const category = (e: ReturnType<typeof scoreRisk>, id: string) => e.categories.find((c) => c.id === id)!;

describe('scoreRisk', () => {
  it('the fixtures are valid models', () => {
    assert.deepEqual(validateRiskModel(testModel()), []);
    assert.deepEqual(validateRiskModel(onePointModel()), []);
  });

  it('scores each factor kind, aggregates and weights (hand-computed)', () => {
    const e = scoreRisk(testModel(), {
      'subject.countryOfResidence': 'GB',
      'subject.nationalities': ['FR', 'AE'],
      'subject.customerType': 'company',
      'subject.pep': false,
      'ownership.layers': 3,
      'screening.trueSanctionsMatch': false,
      'screening.openAlerts': 0,
    });
    // lookup: GB is listed with 0 points → 0 × 100 = 0 centipoints
    assert.deepEqual(
      { ...factor(e, 'residence') },
      {
        id: 'residence',
        label: 'Residence',
        fact: 'subject.countryOfResidence',
        kind: 'lookup',
        table: 'countryRisk',
        value: 'GB',
        status: 'present',
        matched: 'GB',
        points: 0,
        weight: 100,
        contribution: 0,
      },
    );
    // lookup on a list: FR → default 10, AE → 40; the highest wins: 40 × 50 = 2000
    assert.equal(factor(e, 'nationality').matched, 'AE');
    assert.equal(factor(e, 'nationality').points, 40);
    assert.equal(factor(e, 'nationality').contribution, 2000);
    // geo, max: max(0, 2000) = 2000 centipoints; × 50 = 100,000 units (10 points)
    assert.deepEqual(
      (({ raw, capped, score, weighted }) => ({ raw, capped, score, weighted }))(category(e, 'geo')),
      { raw: 2000, capped: false, score: 2000, weighted: 100_000 },
    );
    // choice: company → 20 × 100 = 2000; boolean false → whenFalse 5 × 150 = 750;
    // ranges: 3 → the range from 2 → 10 × 100 = 1000
    assert.equal(factor(e, 'type').contribution, 2000);
    assert.equal(factor(e, 'type').matched, 'company');
    assert.equal(factor(e, 'pep').contribution, 750);
    assert.equal(factor(e, 'pep').matched, false);
    assert.equal(factor(e, 'layers').contribution, 1000);
    assert.equal(factor(e, 'layers').matched, 2);
    // cust, sum: 2000 + 750 + 1000 = 3750 ≤ cap 50 points (5000) → × 30 = 112,500
    assert.equal(category(e, 'cust').score, 3750);
    assert.equal(category(e, 'cust').capped, false);
    assert.equal(category(e, 'cust').weighted, 112_500);
    // ranges below the first `from` (0 < 1) → below 0, matched null
    assert.equal(factor(e, 'alerts').matched, null);
    assert.equal(factor(e, 'alerts').points, 0);
    assert.equal(category(e, 'scr').weighted, 0);
    // overall: 100,000 + 112,500 + 0 = 212,500 units = 21.25 points ≥ 20 → medium
    assert.equal(e.overall, 212_500);
    assert.equal(formatScore(e.overall), '21.2500');
    assert.equal(e.thresholdBand, 'medium');
    assert.deepEqual(e.forced, []);
    assert.equal(e.band, 'medium');
    assert.equal(e.modelVersion, 3);
    assert.deepEqual(e.thresholds, { medium: 20, high: 40, prohibited: 75 });
  });

  it('caps a category and says so', () => {
    const e = scoreRisk(testModel(), {
      'subject.customerType': 'trust',
      'subject.pep': true,
      'ownership.layers': 5,
    });
    // trust 40 × 100 = 4000; PEP 40 × 150 = 6000; 5 layers → 30 × 100 = 3000; sum 13,000 > 5000
    const cust = category(e, 'cust');
    assert.equal(cust.raw, 13_000);
    assert.equal(cust.capped, true);
    assert.equal(cust.score, 5000);
    assert.equal(cust.weighted, 150_000);
    // geo: residence missing → 30 × 100 = 3000; nationality missing → 0; max 3000 × 50 = 150,000
    assert.equal(category(e, 'geo').weighted, 150_000);
    // 150,000 + 150,000 + 0 = 300,000 = 30 points → medium
    assert.equal(e.overall, 300_000);
    assert.equal(e.band, 'medium');
  });

  it('scores absent facts with the missing points and marks them missing', () => {
    const e = scoreRisk(testModel(), {});
    for (const f of e.categories.flatMap((c) => c.factors)) {
      assert.equal(f.status, 'missing', f.id);
      assert.equal(f.value, null);
      assert.equal(f.matched, null);
    }
    // residence 30 × 100 = 3000 (geo max 3000 × 50 = 150,000); type 35 × 100 = 3500, PEP 10 × 150 = 1500,
    // layers 15 × 100 = 1500: 6500 capped to 5000 × 30 = 150,000; scr 0. Total 300,000.
    assert.equal(factor(e, 'pep').contribution, 1500);
    assert.equal(category(e, 'cust').raw, 6500);
    assert.equal(e.overall, 300_000);
    // null and an empty list are absent too
    const e2 = scoreRisk(testModel(), { 'subject.countryOfResidence': null, 'subject.nationalities': [] });
    assert.equal(factor(e2, 'residence').status, 'missing');
    assert.equal(factor(e2, 'nationality').status, 'missing');
    assert.equal(e2.overall, 300_000);
  });

  it('scores values of the wrong type as invalid, with the missing points, and never crashes', () => {
    const facts = {
      'subject.countryOfResidence': 42,
      'subject.pep': 'yes',
      'ownership.layers': '3',
      'subject.customerType': { evil: true },
      'screening.openAlerts': Number.NaN,
    } as unknown as Facts;
    const e = scoreRisk(testModel(), facts);
    assert.equal(factor(e, 'residence').status, 'invalid');
    assert.equal(factor(e, 'residence').points, 30);
    assert.equal(factor(e, 'residence').value, 42);
    assert.equal(factor(e, 'pep').status, 'invalid');
    assert.equal(factor(e, 'pep').points, 10);
    assert.equal(factor(e, 'layers').status, 'invalid');
    assert.equal(factor(e, 'type').status, 'invalid');
    assert.equal(factor(e, 'type').value, null, 'a non-fact value is not stored');
    assert.equal(factor(e, 'alerts').status, 'invalid');
    assert.equal(e.overall, 300_000);
  });

  it('reads own properties only: inherited names are absent', () => {
    const facts = Object.create({ 'subject.pep': true }) as Facts;
    const e = scoreRisk(testModel(), facts);
    assert.equal(factor(e, 'pep').status, 'missing');
    const proto = JSON.parse('{"__proto__": {"subject.pep": true}}') as Facts;
    assert.equal(factor(scoreRisk(testModel(), proto), 'pep').status, 'missing');
  });

  it('choice: unlisted values score otherwise; a list scores its best option', () => {
    const m = testModel();
    assert.equal(factor(scoreRisk(m, { 'subject.customerType': 'charity' }), 'type').points, 25);
    assert.equal(factor(scoreRisk(m, { 'subject.customerType': 'charity' }), 'type').matched, null);
    // Choice on a list (a questionnaire multichoice): the highest points; ties keep the first.
    m.factors.push({
      id: 'q',
      label: 'Q',
      category: 'scr',
      fact: 'questionnaire.kyc.activities',
      kind: 'choice',
      options: [
        { value: 'a', points: 5 },
        { value: 'b', points: 7 },
      ],
      otherwise: 6,
      missing: 1,
      weight: 100,
    });
    assert.deepEqual(validateRiskModel(m), []);
    const q = factor(scoreRisk(m, { 'questionnaire.kyc.activities': ['a', 'zzz', 'b'] }), 'q');
    assert.equal(q.points, 7);
    assert.equal(q.matched, 'b');
    const q2 = factor(scoreRisk(m, { 'questionnaire.kyc.activities': ['a', 'zzz'] }), 'q');
    assert.equal(q2.points, 6);
    assert.equal(q2.matched, null);
  });

  it('ranges: the last range whose from ≤ value, at the boundaries', () => {
    const m = testModel();
    const layers = (n: number) => factor(scoreRisk(m, { 'ownership.layers': n }), 'layers');
    assert.deepEqual(
      [0, 1, 1.99, 2, 3, 3.999, 4, 1000].map((n) => layers(n).points),
      [0, 0, 0, 10, 10, 10, 30, 30],
    );
    // Below the first range (the model gives no `below`): 0 points, matched null
    assert.deepEqual([layers(-1).points, layers(-1).matched], [0, null]);
    assert.equal(factor(scoreRisk(m, { 'screening.openAlerts': 1 }), 'alerts').points, 20);
  });

  it('weights: a factor weight of 0 counts nothing, a category weight of 0 counts nothing', () => {
    const m = testModel();
    m.factors.find((f) => f.id === 'nationality')!.weight = 0;
    const e = scoreRisk(m, { 'subject.countryOfResidence': 'GB', 'subject.nationalities': ['IR'] });
    // IR 100 points × 0 = 0; geo max(0, 0) = 0
    assert.equal(factor(e, 'nationality').points, 100);
    assert.equal(factor(e, 'nationality').contribution, 0);
    assert.equal(category(e, 'geo').weighted, 0);
    m.categories.find((c) => c.id === 'cust')!.weight = 0;
    assert.equal(category(scoreRisk(m, { 'subject.pep': true }), 'cust').weighted, 0);
  });

  it('band thresholds are inclusive at their boundaries', () => {
    const m = onePointModel();
    // one factor × weight 100 in one category × weight 100: p points → p × 10,000 units
    const band = (p: number) => scoreRisk(m, { 'subject.industry': `p${p}` });
    assert.equal(band(19).overall, 19 * SCORE_SCALE);
    assert.deepEqual(
      [19, 20, 39, 40, 79, 80, 100].map((p) => band(p).band),
      ['low', 'medium', 'medium', 'high', 'high', 'prohibited', 'prohibited'],
    );
    // Without a prohibited threshold, only a rule makes a score prohibited.
    delete m.thresholds.prohibited;
    assert.equal(band(100).band, 'high');
    assert.equal(band(100).thresholds.prohibited, null);
    // One unit below a threshold: 19.9999 points is still low. Category weight 1: p × 100 × 1.
    const fine = onePointModel();
    fine.categories[0]!.weight = 1;
    fine.factors[0]!.weight = 1000; // p × 1000 × 1 units
    fine.thresholds = { medium: 1, high: 2 };
    const at = (p: number) => scoreRisk(fine, { 'subject.industry': `p${p}` });
    // 19 × 1000 = 19,000 units = 1.9 points → medium; 20 × 1000 = 20,000 = 2 points → high
    assert.equal(at(19).overall, 19_000);
    assert.equal(at(19).band, 'medium');
    assert.equal(at(20).band, 'high');
  });

  it('forces at least high on a true sanctions match with an otherwise low score', () => {
    const e = scoreRisk(testModel(), {
      'subject.countryOfResidence': 'GB',
      'subject.customerType': 'individual',
      'subject.pep': false,
      'ownership.layers': 0,
      'screening.trueSanctionsMatch': true,
      'screening.openAlerts': 0,
    });
    // geo 0; cust 0 + 5 × 150 + 0 = 750 × 30 = 22,500; scr 100 × 100 = 10,000 × 10 = 100,000
    // overall 122,500 = 12.25 points < 20 → low by thresholds, forced to high
    assert.equal(e.overall, 122_500);
    assert.equal(e.thresholdBand, 'low');
    assert.deepEqual(e.forced, [
      {
        rule: 'sanctions',
        reason: 'SANCTIONS_TRUE_MATCH',
        label: 'Confirmed sanctions match',
        atLeast: 'high',
        facts: [{ fact: 'screening.trueSanctionsMatch', value: true }],
      },
    ]);
    assert.equal(e.band, 'high');
  });

  it('forces prohibited on residence in a prohibited country; the most severe forced band wins', () => {
    const e = scoreRisk(testModel(), {
      'subject.countryOfResidence': 'IR',
      'screening.trueSanctionsMatch': true,
      'questionnaire.kyc.cash_business': true,
    });
    // geo: IR 100 × 100 = 10,000 × 50 = 500,000 (50 points → high by thresholds)
    assert.equal(category(e, 'geo').weighted, 500_000);
    assert.deepEqual(
      e.forced.map((f) => [f.rule, f.atLeast]),
      [
        ['sanctions', 'high'],
        ['prohibited_residence', 'prohibited'],
        ['cash_business', 'medium'],
      ],
    );
    assert.equal(e.band, 'prohibited');
  });

  it('a forced band never lowers the threshold band', () => {
    // questionnaire rule forces medium; residence missing etc. already give 30 points (medium)
    const e = scoreRisk(testModel(), { 'questionnaire.kyc.cash_business': true, 'subject.pep': true });
    // cust: type missing 3500 + PEP 6000 + layers missing 1500 = 11,000 → cap 5000 → 150,000; geo 150,000
    assert.equal(e.overall, 300_000);
    assert.equal(e.band, 'medium');
    const high = scoreRisk(testModel(), {
      'questionnaire.kyc.cash_business': true,
      'subject.countryOfResidence': 'IR',
    });
    assert.equal(high.band, 'prohibited');
  });

  it('is deterministic: same model and facts, same bytes', () => {
    const facts: Facts = {
      'subject.countryOfResidence': 'AE',
      'subject.nationalities': ['GB', 'IR'],
      'subject.pep': true,
    };
    assert.equal(
      JSON.stringify(scoreRisk(testModel(), facts)),
      JSON.stringify(scoreRisk(testModel(), facts)),
    );
  });
});
