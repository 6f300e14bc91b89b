import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kycForm } from './form-fixtures.ts';
import { LIMITS } from './limits.ts';
import { parseDefinition, validateDefinition } from './validate-definition.ts';

const form = (fields: unknown[]) => ({ key: 'f', title: 'F', fields });
const text = (key: string, extra: Record<string, unknown> = {}) => ({
  key,
  kind: 'text',
  label: key,
  required: false,
  ...extra,
});
const paths = (def: unknown) => validateDefinition(def).map((p) => p.path);
const messages = (def: unknown) => validateDefinition(def).map((p) => `${p.path} ${p.message}`);

describe('validateDefinition', () => {
  it('accepts the representative form', () => {
    assert.deepEqual(validateDefinition(kycForm()), []);
    assert.equal(parseDefinition(kycForm()).ok, true);
  });

  it('refuses non-objects and unknown top-level properties', () => {
    assert.deepEqual(paths(null), ['/']);
    assert.deepEqual(paths([]), ['/']);
    assert.deepEqual(paths('x'), ['/']);
    assert.deepEqual(paths({ ...form([text('a')]), version: 2 }), ['/version']);
    assert.deepEqual(paths(form([])), ['/fields']);
  });

  it('refuses bad form and field keys, reserved keys and duplicates per scope', () => {
    assert.deepEqual(paths({ ...form([text('a')]), key: 'Bad Key' }), ['/key']);
    assert.deepEqual(paths(form([text('Name')])), ['/fields/0/key']);
    assert.deepEqual(paths(form([text('1abc')])), ['/fields/0/key']);
    assert.deepEqual(paths(form([text('a'.repeat(64))])), ['/fields/0/key']);
    assert.deepEqual(paths(form([text('__proto__')])), ['/fields/0/key']);
    assert.deepEqual(paths(form([text('constructor')])), ['/fields/0/key']);
    assert.deepEqual(paths(form([text('a'), text('a')])), ['/fields/1/key']);
    // The same key in a group and at top level is fine: different scopes.
    const group = { key: 'g', kind: 'group', label: 'G', required: false, repeat: { min: 0, max: 2 } };
    assert.deepEqual(paths(form([text('a'), { ...group, fields: [text('a')] }])), []);
    assert.deepEqual(paths(form([{ ...group, fields: [text('b'), text('b')] }])), ['/fields/0/fields/1/key']);
  });

  it('refuses unknown kinds, unknown properties and any regular-expression feature', () => {
    assert.deepEqual(paths(form([{ ...text('a'), kind: 'script' }])), ['/fields/0/kind']);
    assert.deepEqual(paths(form([text('a', { placeholder: 'x' })])), ['/fields/0/placeholder']);
    const [p] = validateDefinition(form([text('a', { pattern: '^(a+)+$' })]));
    assert.equal(p?.path, '/fields/0/pattern');
    assert.match(p!.message, /regular expressions are not supported/);
    assert.deepEqual(paths(form([text('a', { regex: 'a' })])), ['/fields/0/regex']);
    assert.deepEqual(paths(form([text('a', { format: 'regex' })])), ['/fields/0/format']);
    assert.deepEqual(paths(form([text('a', { format: 'iban' })])), []);
  });

  it('refuses conflicting bounds', () => {
    assert.deepEqual(paths(form([text('a', { minLength: 5, maxLength: 4 })])), ['/fields/0/minLength']);
    assert.deepEqual(paths(form([text('a', { maxLength: LIMITS.maxText + 1 })])), ['/fields/0/maxLength']);
    const num = { key: 'n', kind: 'number', label: 'N', required: false };
    assert.deepEqual(paths(form([{ ...num, min: 10, max: 1 }])), ['/fields/0/min']);
    assert.deepEqual(paths(form([{ ...num, min: 1, max: 1 }])), []);
    const date = { key: 'd', kind: 'date', label: 'D', required: false };
    assert.deepEqual(paths(form([{ ...date, min: '2020-01-02', max: '2020-01-01' }])), ['/fields/0/min']);
    assert.deepEqual(paths(form([{ ...date, min: '2021-02-29' }])), ['/fields/0/min']);
    assert.deepEqual(paths(form([{ ...date, relative: 'yesterday' }])), ['/fields/0/relative']);
    const group = { key: 'g', kind: 'group', label: 'G', required: false, fields: [text('a')] };
    assert.deepEqual(paths(form([{ ...group, repeat: { min: 3, max: 2 } }])), ['/fields/0/repeat/min']);
    assert.deepEqual(paths(form([{ ...group, repeat: { min: 0, max: LIMITS.maxGroupItems + 1 } }])), [
      '/fields/0/repeat/max',
    ]);
  });

  it('refuses empty option lists, duplicate or untrimmed option values and impossible item counts', () => {
    const choice = { key: 'c', kind: 'choice', label: 'C', required: false };
    const opt = (value: string) => ({ value, label: value });
    assert.deepEqual(paths(form([{ ...choice, options: [] }])), ['/fields/0/options']);
    assert.deepEqual(paths(form([{ ...choice, options: [opt('a'), opt('b'), opt('a')] }])), [
      '/fields/0/options/2/value',
    ]);
    assert.deepEqual(paths(form([{ ...choice, options: [opt(' a')] }])), ['/fields/0/options/0/value']);
    const many = Array.from({ length: LIMITS.maxOptions + 1 }, (_, i) => opt(`o${i}`));
    assert.deepEqual(paths(form([{ ...choice, options: many }])), ['/fields/0/options']);
    const multi = { ...choice, kind: 'multichoice', options: [opt('a'), opt('b')] };
    assert.deepEqual(paths(form([{ ...multi, minItems: 2, maxItems: 1 }])), ['/fields/0/minItems']);
    assert.deepEqual(paths(form([{ ...multi, maxItems: 3 }])), ['/fields/0/maxItems']);
  });

  it('refuses over-long labels and control characters in labels', () => {
    assert.deepEqual(paths(form([{ ...text('a'), label: 'x'.repeat(LIMITS.maxLabel + 1) }])), [
      '/fields/0/label',
    ]);
    assert.deepEqual(paths(form([{ ...text('a'), label: 'a\u0007b' }])), ['/fields/0/label']);
    assert.deepEqual(paths(form([{ ...text('a'), label: '   ' }])), ['/fields/0/label']);
    assert.deepEqual(paths(form([{ ...text('a'), help: 'line one\nline two' }])), []);
  });

  it('checks conditions: only earlier fields, known fields, comparable values', () => {
    const choice = {
      key: 'c',
      kind: 'choice',
      label: 'C',
      required: false,
      options: [{ value: 'yes', label: 'Yes' }],
    };
    assert.deepEqual(paths(form([choice, text('t', { showIf: { field: 'c', equals: 'yes' } })])), []);
    // later field
    const later = messages(form([text('t', { showIf: { field: 'c', equals: 'yes' } }), choice]));
    assert.equal(later.length, 1);
    assert.match(later[0]!, /^\/fields\/0\/showIf\/field .*later/);
    // unknown field, itself
    assert.match(
      messages(form([text('t', { showIf: { field: 'zz', notEmpty: true } })]))[0]!,
      /unknown field/,
    );
    assert.match(messages(form([text('t', { showIf: { field: 't', notEmpty: true } })]))[0]!, /itself/);
    // value not an option, wrong type for a boolean
    assert.deepEqual(paths(form([choice, text('t', { showIf: { field: 'c', equals: 'no' } })])), [
      '/fields/1/showIf/equals',
    ]);
    const bool = { key: 'b', kind: 'boolean', label: 'B', required: false };
    assert.deepEqual(paths(form([bool, text('t', { showIf: { field: 'b', in: ['true'] } })])), [
      '/fields/1/showIf/in/0',
    ]);
    // malformed shapes: code-like strings, extra operators, empty lists, notEmpty false
    assert.deepEqual(paths(form([bool, text('t', { showIf: 'b === true' })])), ['/fields/1/showIf']);
    assert.deepEqual(paths(form([bool, text('t', { showIf: { field: 'b', equals: true, in: [true] } })])), [
      '/fields/1/showIf',
    ]);
    assert.deepEqual(paths(form([bool, text('t', { showIf: { all: [] } })])), ['/fields/1/showIf/all']);
    assert.deepEqual(paths(form([bool, text('t', { showIf: { field: 'b', notEmpty: false } })])), [
      '/fields/1/showIf/notEmpty',
    ]);
    // nested all/any/not resolve fields inside
    assert.deepEqual(
      paths(
        form([
          bool,
          text('t', {
            showIf: { any: [{ not: { field: 'b', equals: true } }, { field: 'x', notEmpty: true }] },
          }),
        ]),
      ),
      ['/fields/1/showIf/any/1/field'],
    );
  });

  it('resolves conditions in groups against siblings and enclosing fields, never later ones', () => {
    const bool = { key: 'b', kind: 'boolean', label: 'B', required: false };
    const group = (fields: unknown[]) => ({
      key: 'g',
      kind: 'group',
      label: 'G',
      required: false,
      repeat: { min: 0, max: 5 },
      fields,
    });
    assert.deepEqual(paths(form([bool, group([text('x', { showIf: { field: 'b', equals: true } })])])), []);
    assert.deepEqual(
      paths(form([group([text('a'), text('x', { showIf: { field: 'a', notEmpty: true } })])])),
      [],
    );
    // a field after the group is later for the group's fields
    assert.deepEqual(paths(form([group([text('x', { showIf: { field: 'b', equals: true } })]), bool])), [
      '/fields/0/fields/0/showIf/field',
    ]);
    // the group itself is not available to its own fields
    assert.deepEqual(paths(form([group([text('x', { showIf: { field: 'g', notEmpty: true } })])])), [
      '/fields/0/fields/0/showIf/field',
    ]);
    // a later sibling hides an earlier enclosing field of the same name: refused, not guessed
    assert.deepEqual(
      paths(form([bool, group([text('x', { showIf: { field: 'b', notEmpty: true } }), { ...bool }])])),
      ['/fields/1/fields/0/showIf/field'],
    );
    // fields inside a group are not visible outside it
    assert.deepEqual(
      paths(form([group([text('a')]), text('y', { showIf: { field: 'a', notEmpty: true } })])),
      ['/fields/1/showIf/field'],
    );
    // groups can only be tested for being non-empty
    assert.deepEqual(
      paths(form([group([text('a')]), text('y', { showIf: { field: 'g', notEmpty: true } })])),
      [],
    );
    assert.deepEqual(paths(form([group([text('a')]), text('y', { showIf: { field: 'g', equals: 'a' } })])), [
      '/fields/1/showIf/equals',
    ]);
  });

  it('bounds condition depth and size', () => {
    const bool = { key: 'b', kind: 'boolean', label: 'B', required: false };
    let deep: unknown = { field: 'b', equals: true };
    for (let i = 0; i < 20; i++) deep = { not: deep };
    assert.equal(validateDefinition(form([bool, text('t', { showIf: deep })])).length, 1);
    const wide = { any: Array.from({ length: 100 }, () => ({ field: 'b', equals: true })) };
    assert.equal(validateDefinition(form([bool, text('t', { showIf: wide })])).length, 1);
  });

  it('limits group nesting to two levels', () => {
    const group = (key: string, fields: unknown[]) => ({
      key,
      kind: 'group',
      label: key,
      required: false,
      repeat: { min: 0, max: 2 },
      fields,
    });
    assert.deepEqual(paths(form([group('a', [group('b', [text('x')])])])), []);
    assert.deepEqual(paths(form([group('a', [group('b', [group('c', [text('x')])])])])), [
      '/fields/0/fields/0/fields/0',
    ]);
  });

  it('limits the total number of fields, counting fields in groups', () => {
    const inner = Array.from({ length: 300 }, (_, i) => text(`f${i}`));
    const def = form([
      ...inner,
      { key: 'g', kind: 'group', label: 'G', required: false, repeat: { min: 0, max: 2 }, fields: inner },
    ]);
    const problems = validateDefinition(def);
    assert.equal(problems.length, 1);
    assert.match(problems[0]!.message, /at most 500 fields/);
    assert.deepEqual(validateDefinition(form(inner)), []);
  });

  it('survives hostile definitions without throwing', () => {
    let deep: unknown = text('a');
    for (let i = 0; i < 100_000; i++) deep = { fields: [deep] };
    assert.deepEqual(paths(deep), ['/']);
    const huge = form(Array.from({ length: 100_000 }, (_, i) => text(`f${i}`)));
    assert.deepEqual(paths(huge), ['/']);
    const polluted = JSON.parse(
      '{"key":"f","title":"F","fields":[{"key":"a","kind":"text","label":"A","required":false,"__proto__":{"x":1}}]}',
    );
    assert.deepEqual(paths(polluted), ['/fields/0/__proto__']);
    const cyclic: Record<string, unknown> = { key: 'f', title: 'F' };
    cyclic.fields = [cyclic];
    assert.deepEqual(paths(cyclic), ['/']);
    assert.equal(({} as Record<string, unknown>).x, undefined);
  });
});
