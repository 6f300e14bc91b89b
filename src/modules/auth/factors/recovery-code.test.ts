import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newRecoveryCode, normaliseRecoveryCode } from './recovery-code.ts';

describe('recovery code helpers', () => {
  it('makes 4×4 groups of Crockford base32 (80 bits)', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const c = newRecoveryCode();
      assert.match(c, /^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);
      seen.add(c);
    }
    assert.equal(seen.size, 500);
  });

  it('normalises case, separators and look-alike letters', () => {
    assert.equal(normaliseRecoveryCode('ABCD-EFGH-JKMN-PQRS'), 'ABCDEFGHJKMNPQRS');
    assert.equal(normaliseRecoveryCode('abcd efgh jkmn pqrs'), 'ABCDEFGHJKMNPQRS');
    assert.equal(normaliseRecoveryCode(' abcd-efgh\tjkmn pqrs\n'), 'ABCDEFGHJKMNPQRS');
    assert.equal(normaliseRecoveryCode('OoIi-Ll00-1111-2222'), '0011110011112222');
  });

  it('refuses what cannot be a code', () => {
    assert.equal(normaliseRecoveryCode(''), null);
    assert.equal(normaliseRecoveryCode('ABCD-EFGH-JKMN-PQR'), null);
    assert.equal(normaliseRecoveryCode('ABCD-EFGH-JKMN-PQRST'), null);
    assert.equal(normaliseRecoveryCode('ABCD-EFGH-JKMN-PQRU'), null, 'U is not in the alphabet');
    assert.equal(normaliseRecoveryCode('ABCD_EFGH_JKMN_PQRS'), null);
    assert.equal(normaliseRecoveryCode('-'.repeat(65)), null);
  });
});
