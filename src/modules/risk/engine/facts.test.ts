import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareBands, isRiskBand, maxBand, RISK_BANDS, bandRank, type RiskBand } from './bands.ts';
import { FACTS, factSpec, isKnownFact, validateFacts, type Facts } from './facts.ts';

describe('facts', () => {
  it('knows the built-in facts and questionnaire facts by pattern', () => {
    assert.equal(factSpec('subject.pep')?.type, 'boolean');
    assert.equal(factSpec('subject.nationalities')?.country, true);
    assert.equal(factSpec('constructor'), undefined);
    assert.equal(factSpec('toString'), undefined);
    assert.ok(isKnownFact('questionnaire.kyc-company.source_of_funds'));
    assert.ok(!isKnownFact('questionnaire.kyc'));
    assert.ok(!isKnownFact('questionnaire.KYC.x'));
    assert.ok(!isKnownFact('questionnaire.kyc.x.y'));
    assert.ok(!isKnownFact('subject.unknown'));
    for (const [name, spec] of Object.entries(FACTS)) {
      assert.match(name, /^(subject|application|screening|ownership)\.[a-z][A-Za-z]+$/);
      assert.ok(spec.description.length > 0);
    }
  });

  it('types built-in facts by the catalogue (checked by the type checker)', () => {
    const ok: Facts = { 'subject.pep': true, 'ownership.layers': 2, 'questionnaire.kyc.any': ['x'] };
    // @ts-expect-error subject.pep is a boolean
    const wrong: Facts = { 'subject.pep': 'yes' };
    // @ts-expect-error subject.nationalities is a list of strings
    const wrongList: Facts = { 'subject.nationalities': 'GB' };
    assert.equal(Object.keys({ ...ok, ...wrong, ...wrongList }).length, 4);
  });

  it('validateFacts: names, types and country codes, with paths', () => {
    assert.deepEqual(
      validateFacts({
        'subject.pep': true,
        'subject.nationalities': ['GB', 'FR'],
        'ownership.layers': 2,
        'questionnaire.kyc.turnover': 5,
        'subject.industry': null,
      }),
      [],
    );
    assert.deepEqual(
      validateFacts({
        'subject.pep': 'yes',
        'subject.nationalities': ['GB', 'ZZ'],
        'subject.countryOfResidence': 'gb',
        'ownership.layers': Number.POSITIVE_INFINITY,
        'subject.shoeSize': 42,
        'questionnaire.kyc.x': { a: 1 },
        'a/b~c': 1,
      }).map((p) => p.path),
      [
        '/subject.pep',
        '/subject.nationalities/1',
        '/subject.countryOfResidence',
        '/ownership.layers',
        '/subject.shoeSize',
        '/questionnaire.kyc.x',
        '/a~1b~0c',
      ],
    );
    assert.deepEqual(validateFacts(null), [{ path: '/', message: 'must be an object' }]);
    assert.deepEqual(validateFacts([]), [{ path: '/', message: 'must be an object' }]);
  });
});

describe('bands', () => {
  it('are ordered low < medium < high < prohibited', () => {
    assert.deepEqual(RISK_BANDS, ['low', 'medium', 'high', 'prohibited']);
    assert.ok(Object.isFrozen(RISK_BANDS));
    const shuffled: RiskBand[] = ['prohibited', 'low', 'high', 'medium'];
    assert.deepEqual(shuffled.sort(compareBands), ['low', 'medium', 'high', 'prohibited']);
    assert.ok(compareBands('high', 'medium') > 0);
    assert.equal(compareBands('high', 'high'), 0);
    assert.equal(bandRank('prohibited'), 3);
    assert.throws(() => bandRank('severe' as RiskBand), TypeError);
  });

  it('maxBand and isRiskBand', () => {
    assert.equal(maxBand(), 'low');
    assert.equal(maxBand('medium', 'prohibited', 'high'), 'prohibited');
    assert.ok(isRiskBand('medium'));
    assert.ok(!isRiskBand('Medium'));
    assert.ok(!isRiskBand('toString'));
    assert.ok(!isRiskBand(1));
  });
});
