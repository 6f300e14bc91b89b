import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FormDefinition } from './definition.schema.ts';
import { kycForm, TODAY, validAnswers } from './form-fixtures.ts';
import { LIMITS } from './limits.ts';
import { validateAnswers } from './validate-answers.ts';

const submit = (answers: unknown, def: FormDefinition = kycForm()) =>
  validateAnswers(def, answers, { mode: 'submit', today: TODAY });
const draft = (answers: unknown, def: FormDefinition = kycForm()) =>
  validateAnswers(def, answers, { mode: 'draft', today: TODAY });
const codes = (r: { errors: { path: string; code: string }[] }) => r.errors.map((e) => `${e.path} ${e.code}`);
const single = (field: Record<string, unknown>): FormDefinition =>
  ({ key: 'f', title: 'F', fields: [{ key: 'a', label: 'A', required: false, ...field }] }) as FormDefinition;

describe('validateAnswers', () => {
  it('accepts valid answers and returns them normalised', () => {
    const r = submit(validAnswers());
    assert.deepEqual(r.errors, []);
    assert.equal(r.ok, true);
    assert.deepEqual(r.value, {
      company_name: 'Acme Ltd',
      email: 'Ops@example.com',
      employees: 12,
      incorporated: '2001-05-04',
      country: 'GB',
      sector: 'finance',
      has_pep: false,
      directors: [{ name: 'Ada Lovelace', date_of_birth: '1815-12-10' }],
    });
  });

  it('applies NFC normalisation', () => {
    const r = submit({ ...validAnswers(), company_name: 'Cafe\u0301' });
    assert.equal(r.value.company_name, 'Caf\u00e9');
  });

  it('draft skips required answers and minimums; submit does not', () => {
    const partial = { company_name: 'Acme', description: 'short', products: ['loans'], directors: [] };
    const d = draft(partial);
    assert.deepEqual(codes(d), []);
    assert.equal(d.ok, true);
    const s = submit(partial);
    assert.deepEqual(codes(s).sort(), [
      '/country required',
      '/description too_short',
      '/directors required',
      '/email required',
      '/has_pep required',
      '/incorporated required',
      '/sector required',
    ]);
    for (const e of s.errors) assert.match(e.message, /^[A-Z].+\.$/);
    // draft still checks types, formats and upper limits
    assert.deepEqual(
      codes(draft({ email: 'not an email', employees: '12', products: ['loans', 'cards', 'fx'] })),
      ['/email format', '/employees type', '/products too_many_items'],
    );
  });

  it('refuses unknown keys, including prototype keys, without polluting anything', () => {
    const hostile = JSON.parse(
      '{"company_name":"A","__proto__":{"admin":true},"constructor":{"prototype":{"x":1}},"extra/~key":1}',
    );
    const r = draft(hostile);
    assert.deepEqual(codes(r).sort(), [
      '/__proto__ unknown_field',
      '/constructor unknown_field',
      '/extra~1~0key unknown_field',
    ]);
    assert.equal(Object.getPrototypeOf(r.value), Object.prototype);
    assert.equal(Object.hasOwn(r.value, '__proto__'), false);
    assert.equal(({} as Record<string, unknown>).admin, undefined);
    assert.equal((r.value as Record<string, unknown>).admin, undefined);
    // also inside a group item
    const inGroup = draft({ directors: [JSON.parse('{"name":"A","__proto__":{"x":1}}')] });
    assert.deepEqual(codes(inGroup), ['/directors/0/__proto__ unknown_field']);
  });

  it('does not mistake inherited members for answers', () => {
    // "constructor" is refused as a field key, but an absent answer must never read Object.prototype members.
    const r = submit({});
    assert.ok(codes(r).includes('/company_name required'));
  });

  it('refuses hidden-field answers and does not require hidden fields', () => {
    // sector_other is shown only when sector = other
    const shown = submit({ ...validAnswers(), sector: 'other' });
    assert.deepEqual(codes(shown), ['/sector_other required']);
    const hidden = submit({ ...validAnswers(), sector: 'retail', sector_other: 'Widgets' });
    assert.deepEqual(codes(hidden), ['/sector_other hidden_field']);
    assert.equal(hidden.ok, false);
    assert.equal(draft({ sector: 'retail', sector_other: 'Widgets' }).ok, false);
    // null and blank answers for a hidden field are no answer
    assert.deepEqual(codes(submit({ ...validAnswers(), sector_other: null })), []);
    assert.deepEqual(codes(submit({ ...validAnswers(), sector_other: '  ' })), []);
    const ok = submit({ ...validAnswers(), sector: 'other', sector_other: ' Widgets ' });
    assert.equal(ok.value.sector_other, 'Widgets');
  });

  it('evaluates conditions in group items against enclosing answers and siblings', () => {
    const base = validAnswers();
    const withPep = { ...base, has_pep: true, directors: [{ name: 'A', date_of_birth: '1970-01-01' }] };
    assert.deepEqual(codes(submit(withPep)), ['/directors/0/is_pep required']);
    const pepRole = {
      ...base,
      has_pep: true,
      directors: [
        { name: 'A', date_of_birth: '1970-01-01', is_pep: false },
        { name: 'B', date_of_birth: '1970-01-01', is_pep: true },
        { name: 'C', date_of_birth: '1970-01-01', is_pep: false, pep_role: 'Minister' },
      ],
    };
    assert.deepEqual(codes(submit(pepRole)), [
      '/directors/1/pep_role required',
      '/directors/2/pep_role hidden_field',
    ]);
    const noPep = {
      ...base,
      has_pep: false,
      directors: [{ name: 'A', date_of_birth: '1970-01-01', is_pep: true }],
    };
    assert.deepEqual(codes(submit(noPep)), ['/directors/0/is_pep hidden_field']);
  });

  it('reports the real error, not a knock-on one, when a condition reads an invalid answer', () => {
    const r = submit({ ...validAnswers(), sector: 'banking', sector_other: 'Banking' });
    assert.deepEqual(codes(r), ['/sector not_an_option']);
    const s = submit({ ...validAnswers(), sector: 42 });
    assert.deepEqual(codes(s), ['/sector type']);
  });

  it('enforces repeating-group min and max with per-item pointers', () => {
    const person = (name: unknown, dob: unknown) => ({ name, date_of_birth: dob });
    const tooMany = submit({
      ...validAnswers(),
      directors: [
        person('A', '1970-01-01'),
        person('B', '1970-01-01'),
        person('C', '1970-01-01'),
        person('D', '1970-01-01'),
      ],
    });
    assert.deepEqual(codes(tooMany), ['/directors too_many_items']);
    assert.deepEqual(codes(draft({ directors: Array(4).fill(person('A', '1970-01-01')) })), [
      '/directors too_many_items',
    ]);
    const perItem = submit({
      ...validAnswers(),
      directors: [
        person('A', '1970-01-01'),
        person('', '2999-01-01'),
        'not an object',
        person('C', '1970-02-30'),
      ],
    });
    assert.deepEqual(codes(perItem), ['/directors too_many_items']);
    const three = submit({
      ...validAnswers(),
      directors: [person('A', '1970-01-01'), person('', '2999-01-01'), person('C', '1970-02-30')],
    });
    assert.deepEqual(codes(three), [
      '/directors/1/name required',
      '/directors/1/date_of_birth too_late',
      '/directors/2/date_of_birth format',
    ]);
    const notObj = submit({ ...validAnswers(), directors: [person('A', '1970-01-01'), 'x'] });
    assert.deepEqual(codes(notObj), ['/directors/1 type']);
    // nested group: pointer through both levels
    const nested = submit({
      ...validAnswers(),
      directors: [{ ...person('A', '1970-01-01'), addresses: [{ country: 'GB' }, { country: 'gb' }] }],
    });
    assert.deepEqual(codes(nested), ['/directors/0/addresses/1/country not_a_country']);
    const group = single({
      key: 'a',
      kind: 'group',
      repeat: { min: 2, max: 3 },
      fields: [{ key: 'x', kind: 'boolean', label: 'X', required: false }],
    });
    assert.deepEqual(codes(submit({ a: [{}] }, group)), ['/a too_few_items']);
    assert.deepEqual(codes(draft({ a: [{}] }, group)), []);
    assert.deepEqual(codes(submit({}, group)), []); // optional group may be skipped entirely
  });

  it('refuses bad country codes', () => {
    for (const c of ['gb', 'UK', 'XX', 'GBR', 'G', 1]) {
      const r = submit({ ...validAnswers(), country: c });
      assert.equal(r.ok, false, String(c));
      assert.equal(r.errors[0]?.path, '/country');
    }
    assert.equal(submit({ ...validAnswers(), country: 'XK' }).ok, true);
  });

  it('checks text limits, hard caps and control characters', () => {
    assert.deepEqual(codes(submit({ ...validAnswers(), company_name: 'x'.repeat(201) })), [
      '/company_name too_long',
    ]);
    const plain = single({ kind: 'text' });
    assert.deepEqual(codes(submit({ a: 'x'.repeat(LIMITS.maxText) }, plain)), []);
    assert.deepEqual(codes(submit({ a: 'x'.repeat(LIMITS.maxText + 1) }, plain)), ['/a too_long']);
    // characters, not UTF-16 units: 1000 emoji are 1000 characters
    assert.deepEqual(codes(submit({ a: '\u{1F600}'.repeat(LIMITS.maxText) }, plain)), []);
    const area = single({ kind: 'textarea' });
    assert.deepEqual(codes(submit({ a: 'x'.repeat(LIMITS.maxTextarea + 1) }, area)), ['/a too_long']);
    assert.deepEqual(codes(submit({ a: 'a\u0000b' }, plain)), ['/a invalid_character']);
    assert.deepEqual(codes(submit({ a: 'a\nb' }, plain)), ['/a invalid_character']);
    assert.deepEqual(codes(submit({ a: 'a\u009bb' }, plain)), ['/a invalid_character']);
    assert.deepEqual(codes(submit({ a: '\ud800' }, plain)), ['/a invalid_character']);
    const r = submit({ a: ' line 1\r\n\tline 2\r' }, area);
    assert.deepEqual(codes(r), []);
    assert.equal(r.value.a, 'line 1\n\tline 2');
    assert.deepEqual(codes(submit({ a: 'a\u0000b' }, area)), ['/a invalid_character']);
    assert.deepEqual(codes(submit({ a: 42 }, plain)), ['/a type']);
  });

  it('checks the fixed formats and returns canonical values', () => {
    const fmt = (format: string) => single({ kind: 'text', format });
    const value = (format: string, v: string) => {
      const r = submit({ a: v }, fmt(format));
      return r.ok ? r.value.a : r.errors[0]?.code;
    };
    assert.equal(value('phone', '+44 (20) 7946-0000'), '+442079460000');
    assert.equal(value('phone', '020 7946 0000'), 'format');
    assert.equal(value('iban', 'gb82 west 1234 5698 7654 32'), 'GB82WEST12345698765432');
    assert.equal(value('iban', 'GB82WEST12345698765433'), 'format');
    assert.equal(value('iban', 'XX82WEST12345698765432'), 'format');
    assert.equal(value('postcode', 'sw1a  1aa'), 'SW1A 1AA');
    assert.equal(value('postcode', 'SW1A_1AA'), 'format');
    assert.equal(value('url', 'https://example.com/a?b=1'), 'https://example.com/a?b=1');
    assert.equal(value('url', 'http://example.com/'), 'format');
    assert.equal(value('url', 'javascript:alert(1)'), 'format');
    assert.equal(value('url', 'https://user:pw@example.com/'), 'format');
    assert.equal(value('email', 'a@b'), 'format');
    assert.equal(value('email', 'a b@example.com'), 'format');
    assert.equal(value('email', `${'a'.repeat(250)}@example.com`), 'format');
  });

  it('checks numbers, dates, booleans and choices strictly', () => {
    const num = single({ kind: 'number', integer: true, min: 0, max: 10 });
    assert.deepEqual(codes(submit({ a: 1.5 }, num)), ['/a not_integer']);
    assert.deepEqual(codes(submit({ a: -1 }, num)), ['/a too_small']);
    assert.deepEqual(codes(submit({ a: 11 }, num)), ['/a too_large']);
    assert.deepEqual(codes(submit({ a: '5' }, num)), ['/a type']);
    assert.deepEqual(codes(submit({ a: '' }, num)), ['/a type']);
    assert.deepEqual(codes(submit({ a: Infinity }, num)), ['/a type']);
    const date = (rule: string) => single({ kind: 'date', relative: rule });
    assert.deepEqual(codes(submit({ a: TODAY }, date('past'))), ['/a too_late']);
    assert.deepEqual(codes(submit({ a: TODAY }, date('not_future'))), []);
    assert.deepEqual(codes(submit({ a: TODAY }, date('future'))), ['/a too_early']);
    assert.deepEqual(codes(submit({ a: '2026-03-14' }, date('not_past'))), ['/a too_early']);
    assert.deepEqual(codes(submit({ a: '2026-3-14' }, date('past'))), ['/a format']);
    const bounded = single({ kind: 'date', min: '2000-01-01', max: '2000-12-31' });
    assert.deepEqual(codes(submit({ a: '1999-12-31' }, bounded)), ['/a too_early']);
    assert.deepEqual(codes(submit({ a: '2001-01-01' }, bounded)), ['/a too_late']);
    assert.deepEqual(codes(submit({ a: 'true' }, single({ kind: 'boolean' }))), ['/a type']);
    const multi = single({
      kind: 'multichoice',
      options: [
        { value: 'x', label: 'X' },
        { value: 'y', label: 'Y' },
      ],
    });
    assert.deepEqual(codes(submit({ a: ['x', 'x'] }, multi)), ['/a/1 duplicate_item']);
    assert.deepEqual(codes(submit({ a: ['z', 'y'] }, multi)), ['/a/0 not_an_option']);
    assert.deepEqual(codes(submit({ a: 'x' }, multi)), ['/a type']);
    assert.deepEqual(submit({ a: [' y ', 'x'] }, multi).value, { a: ['y', 'x'] });
  });

  it('survives a 100k-item array without reading the items', () => {
    const items = new Array(100_000).fill(0);
    const r = submit({ ...validAnswers(), products: items });
    assert.deepEqual(codes(r), ['/products too_many_items']);
    const g = submit({ ...validAnswers(), directors: items });
    assert.deepEqual(codes(g), ['/directors too_many_items']);
    const big = submit({ ...validAnswers(), directors: new Array(100_000).fill({ name: 'A' }) });
    assert.deepEqual(codes(big), [' payload_too_large']);
  });

  it('caps the total size and the nesting depth of the answers', () => {
    const r = draft({ description: 'x'.repeat(LIMITS.maxAnswerBytes) });
    assert.deepEqual(codes(r), [' payload_too_large']);
    assert.equal(r.value && Object.keys(r.value).length, 0);
    let deep: unknown = 'x';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    assert.deepEqual(codes(draft({ directors: deep })), [' too_deep']);
    let deepObj: unknown = {};
    for (let i = 0; i < 100_000; i++) deepObj = { a: deepObj };
    assert.deepEqual(codes(draft(deepObj)), [' too_deep']);
  });

  it('limits the number of errors listed', () => {
    const many: Record<string, unknown> = {};
    for (let i = 0; i < 5000; i++) many[`k${i}`] = 1;
    const r = draft(many);
    assert.equal(r.ok, false);
    assert.equal(r.errors.length, LIMITS.maxErrors + 1);
    assert.equal(r.errors.at(-1)?.code, 'too_many_errors');
  });

  it('refuses non-object answers and never throws on odd values', () => {
    for (const v of [null, [], 'x', 1, true, undefined, new Date(), new Map()]) {
      assert.deepEqual(codes(draft(v)), [' type']);
    }
    const cyclic: Record<string, unknown> = {};
    cyclic.company_name = cyclic;
    assert.deepEqual(codes(draft(cyclic)), [' too_deep']);
    const throwing = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('boom');
        },
      },
    );
    assert.deepEqual(codes(draft(throwing)), [' unreadable']);
  });

  it('refuses to validate against an invalid definition', () => {
    const bad = {
      key: 'f',
      title: 'F',
      fields: [{ key: 'a', kind: 'text', label: 'A', required: false, pattern: '(a+)+' }],
    };
    const r = submit({ a: 'aaaa' }, bad as unknown as FormDefinition);
    assert.deepEqual(codes(r), [' invalid_definition']);
  });

  it('throws on programming errors in the options only', () => {
    assert.throws(
      () => validateAnswers(kycForm(), {}, { mode: 'final' as 'draft', today: TODAY }),
      TypeError,
    );
    assert.throws(() => validateAnswers(kycForm(), {}, { mode: 'draft', today: '15/03/2026' }), TypeError);
  });
});
