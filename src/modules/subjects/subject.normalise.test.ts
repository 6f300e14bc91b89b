import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { COUNTRY_COUNT, isCountryCode, isJurisdiction } from './countries.ts';
import {
  identifierIndexValue,
  isValidLei,
  maskNumber,
  nameKey,
  nameTokens,
  normaliseNumber,
} from './subject.normalise.ts';

describe('subject normalisation', () => {
  it('name keys ignore diacritics, case, punctuation and word order', () => {
    assert.equal(nameKey('  Zoë  SMITH-Jones '), 'jones smith zoe');
    assert.equal(nameKey('Smith Jones, ZOE'), nameKey('Zoë Smith-Jones'));
    assert.equal(nameKey('Ångström Ltd.'), 'angstrom ltd');
    assert.deepEqual(nameTokens("O'Brien & Søn 100%"), ['o', 'brien', 'søn', '100']);
  });

  it('identifier numbers compare without spaces, dashes or case; type and country are part of the key', () => {
    assert.equal(normaliseNumber(' ab-12 34.5 '), 'AB12345');
    assert.equal(
      identifierIndexValue({ type: 'passport', country: 'FR', number: '12ab 345' }),
      identifierIndexValue({ type: 'passport', country: 'FR', number: '12AB345' }),
    );
    assert.notEqual(
      identifierIndexValue({ type: 'passport', country: 'FR', number: '12AB345' }),
      identifierIndexValue({ type: 'national_id', country: 'FR', number: '12AB345' }),
    );
  });

  it('masks numbers, showing less of short ones', () => {
    assert.equal(maskNumber('X1234-5678'), '••••5678');
    assert.equal(maskNumber('12345'), '••••45');
    assert.equal(maskNumber('1234'), '••••');
  });

  it('checks the LEI MOD 97-10 check digits', () => {
    for (const lei of ['5493001KJTIIGC8Y1R12', 'HWUPKR0MPOU8FGXBT394', '529900T8BM49AURSDO55'])
      assert.ok(isValidLei(lei), lei);
    assert.equal(isValidLei('HWUPKR0MPOU8FGXBT395'), false);
    assert.equal(isValidLei('HWUPKR0MPOU8FGXBT39'), false);
    assert.equal(isValidLei('hwupkr0mpou8fgxbt394'), false);
  });

  it('knows the ISO 3166-1 alpha-2 codes and subdivision-shaped jurisdictions', () => {
    assert.equal(COUNTRY_COUNT, 250);
    assert.ok(isCountryCode('LU') && isCountryCode('XK'));
    assert.equal(isCountryCode('UK'), false);
    assert.ok(isJurisdiction('US-DE') && isJurisdiction('GB'));
    assert.equal(isJurisdiction('QQ-DE'), false);
  });
});
