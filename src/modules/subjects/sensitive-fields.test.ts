import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Disclosure, maskDate, SENSITIVE_FIELD_NAMES } from './sensitive-fields.ts';

describe('sensitive fields', () => {
  it('lists the designated fields in one place', () => {
    assert.deepEqual(SENSITIVE_FIELD_NAMES, [
      'dateOfBirth',
      'registrationNumber',
      'identityDocuments.number',
    ]);
  });

  it('masks a date of birth to its year and numbers to their last characters', () => {
    assert.equal(maskDate('1985-07-21'), '1985-**-**');
    const d = new Disclosure(false);
    assert.equal(d.show('dateOfBirth', '1985-07-21'), '1985-**-**');
    assert.equal(d.show('identityDocuments.number', 'AB 1234 5678'), '••••5678');
    assert.deepEqual(d.masked(), ['dateOfBirth', 'identityDocuments.number']);
    assert.deepEqual(d.fields(), ['dateOfBirth', 'identityDocuments.number']);
  });

  it('a revealing disclosure shows values in clear and masks nothing, but knows what it showed', () => {
    const d = new Disclosure(true);
    assert.equal(d.show('registrationNumber', 'B 123 456'), 'B 123 456');
    assert.deepEqual(d.masked(), []);
    assert.deepEqual(d.fields(), ['registrationNumber']);
  });
});
