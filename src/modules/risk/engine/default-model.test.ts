import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultRiskModel, FATF_CALL_FOR_ACTION, FATF_INCREASED_MONITORING } from './default-model.ts';
import { isCountryCode } from '../../subjects/countries.ts';
import { BUILT_IN_CATEGORIES } from './model.schema.ts';
import type { Facts } from './facts.ts';
import { scoreRisk } from './score-risk.ts';
import { validateRiskModel } from './validate-model.ts';

const retail: Facts = {
  'subject.kind': 'person',
  'subject.customerType': 'individual',
  'subject.countryOfResidence': 'GB',
  'subject.nationalities': ['GB'],
  'subject.pep': false,
  'subject.industry': 'software',
  'application.product': 'current_account',
  'application.channel': 'face_to_face',
  'application.expectedAnnualVolume': 40_000,
  'screening.trueSanctionsMatch': false,
  'screening.truePepMatch': false,
  'screening.adverseMedia': false,
  'screening.openAlerts': 0,
};

describe('defaultRiskModel', () => {
  it('is valid, has the built-in categories, weights adding up to 100 %, and is a fresh copy', () => {
    const m = defaultRiskModel();
    assert.deepEqual(validateRiskModel(m), []);
    assert.deepEqual(
      m.categories.map((c) => c.id),
      [...BUILT_IN_CATEGORIES],
    );
    assert.equal(
      m.categories.reduce((s, c) => s + c.weight, 0),
      100,
    );
    m.tables.countryRisk!.entries.GB = 99;
    assert.equal(defaultRiskModel().tables.countryRisk!.entries.GB, 5);
    for (const c of [...FATF_CALL_FOR_ACTION, ...FATF_INCREASED_MONITORING]) assert.ok(isCountryCode(c), c);
  });

  it('a domestic retail customer met face to face is low (hand-computed)', () => {
    const e = scoreRisk(defaultRiskModel(), retail);
    // geography max(GB 5, GB 5) × 100 = 500 × 30 = 15,000; customer type 0 + 0 + software 0 = 0;
    // product max(current account 15, volume 0) = 1500 × 15 = 22,500; channel 0; screening 0;
    // ownership 0 (facts absent, missing 0). 37,500 units = 3.75 points → low
    assert.equal(e.overall, 37_500);
    assert.equal(e.band, 'low');
    assert.deepEqual(e.forced, []);
  });

  it('a true sanctions match makes that customer at least high', () => {
    const e = scoreRisk(defaultRiskModel(), { ...retail, 'screening.trueSanctionsMatch': true });
    // + screening 100 × 100 = 10,000 × 15 = 150,000 → 187,500 = 18.75 points, low by thresholds
    assert.equal(e.overall, 187_500);
    assert.equal(e.thresholdBand, 'low');
    assert.equal(e.band, 'high');
    assert.deepEqual(
      e.forced.map((f) => f.reason),
      ['SANCTIONS_TRUE_MATCH'],
    );
  });

  it('residence in a country under an FATF call for action is prohibited; a grey-list one high', () => {
    const kp = scoreRisk(defaultRiskModel(), { ...retail, 'subject.countryOfResidence': 'KP' });
    assert.equal(kp.band, 'prohibited');
    assert.deepEqual(
      kp.forced.map((f) => f.rule),
      ['prohibited_residence', 'high_risk_third_country'],
    );
    const grey = scoreRisk(defaultRiskModel(), { ...retail, 'subject.countryOfResidence': 'NG' });
    assert.equal(grey.band, 'high');
    assert.deepEqual(
      grey.forced.map((f) => f.reason),
      ['HIGH_RISK_THIRD_COUNTRY'],
    );
    // `any` stops at the first true part: the facts recorded are the ones that decided.
    assert.deepEqual(grey.forced[0]!.facts, [{ fact: 'subject.countryOfResidence', value: 'NG' }]);
    const entity = scoreRisk(defaultRiskModel(), { ...retail, 'subject.countryOfIncorporation': 'SY' });
    assert.deepEqual(entity.forced[0]!.facts, [
      { fact: 'subject.countryOfIncorporation', value: 'SY' },
      { fact: 'subject.countryOfResidence', value: 'GB' },
    ]);
  });

  it('a PEP is high; a complex company structure scores higher than a simple one', () => {
    assert.equal(scoreRisk(defaultRiskModel(), { ...retail, 'subject.pep': true }).band, 'high');
    const company = {
      ...retail,
      'subject.kind': 'entity',
      'subject.customerType': 'company',
      'subject.countryOfIncorporation': 'GB',
    };
    const simple = scoreRisk(defaultRiskModel(), { ...company, 'ownership.layers': 1 });
    const complex = scoreRisk(defaultRiskModel(), {
      ...company,
      'ownership.layers': 4,
      'ownership.nomineeShareholders': true,
      'ownership.countries': ['VG'],
    });
    // ownership: 70 + 50 = 120 → cap 100 × 100 = 10,000 × 10 = 100,000; geography: VG 70 × 80 = 5600 × 30 = 168,000
    assert.equal(complex.categories.find((c) => c.id === 'ownership_complexity')!.capped, true);
    assert.equal(complex.overall - simple.overall, 100_000 + 168_000 - 15_000);
    assert.equal(
      scoreRisk(defaultRiskModel(), { ...company, 'ownership.uboUnidentified': true }).band,
      'high',
    );
  });
});
