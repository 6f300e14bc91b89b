import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Field, FormDefinition, GroupField } from './definition.schema.ts';
import { diffDefinitions } from './diff-definitions.ts';
import { kycForm } from './form-fixtures.ts';

const directors = (def: FormDefinition) => def.fields.find((f) => f.key === 'directors') as GroupField;

describe('diffDefinitions', () => {
  it('reports nothing for identical definitions, whatever the property order', () => {
    const a = kycForm();
    const b = kycForm();
    b.fields[0] = Object.fromEntries(Object.entries(b.fields[0]!).reverse()) as Field;
    assert.deepEqual(diffDefinitions(a, b), { form: [], added: [], removed: [], changed: [], reordered: [] });
  });

  it('lists added, removed and changed fields by path, inside groups too', () => {
    const a = kycForm();
    const b = kycForm();
    b.title = 'Company onboarding v2';
    b.fields = b.fields.filter((f) => f.key !== 'employees');
    b.fields.push({ key: 'website', kind: 'text', label: 'Website', required: false, format: 'url' });
    const d = directors(b);
    d.repeat = { min: 1, max: 10 };
    d.fields = d.fields.filter((f) => f.key !== 'addresses');
    d.fields.push({ key: 'nationality', kind: 'country', label: 'Nationality', required: true });
    const name = d.fields.find((f) => f.key === 'name')!;
    name.required = false;
    name.help = 'As on the passport';

    const diff = diffDefinitions(a, b);
    assert.deepEqual(diff.form, [
      { property: 'title', before: 'Company onboarding', after: 'Company onboarding v2' },
    ]);
    assert.deepEqual(
      diff.added.map((x) => x.path),
      ['/directors/nationality', '/website'],
    );
    assert.deepEqual(
      diff.removed.map((x) => x.path),
      ['/employees', '/directors/addresses', '/directors/addresses/country'],
    );
    assert.deepEqual(diff.changed, [
      {
        path: '/directors',
        changes: [{ property: 'repeat', before: { min: 1, max: 3 }, after: { min: 1, max: 10 } }],
      },
      {
        path: '/directors/name',
        changes: [
          { property: 'help', before: undefined, after: 'As on the passport' },
          { property: 'required', before: true, after: false },
        ],
      },
    ]);
    assert.deepEqual(diff.reordered, []);
  });

  it('reports option and condition changes and reordering', () => {
    const a = kycForm();
    const b = kycForm();
    const sector = b.fields.find((f) => f.key === 'sector')!;
    if (sector.kind === 'choice') sector.options.push({ value: 'energy', label: 'Energy' });
    const [first, second] = b.fields;
    b.fields[0] = second!;
    b.fields[1] = first!;
    const diff = diffDefinitions(a, b);
    assert.deepEqual(
      diff.changed.map((c) => [c.path, c.changes.map((x) => x.property)]),
      [['/sector', ['options']]],
    );
    assert.deepEqual(diff.reordered, ['']);
  });

  it('treats a kind change from group to text as a change plus removed children', () => {
    const a = kycForm();
    const b = kycForm();
    b.fields = b.fields.map((f) =>
      f.key === 'directors' ? { key: 'directors', kind: 'text', label: 'Directors', required: true } : f,
    );
    const diff = diffDefinitions(a, b);
    assert.ok(diff.removed.some((r) => r.path === '/directors/name'));
    const change = diff.changed.find((c) => c.path === '/directors');
    assert.ok(
      change?.changes.some((c) => c.property === 'kind' && c.before === 'group' && c.after === 'text'),
    );
  });

  it('does not throw on malformed input', () => {
    const bad = { key: 'x', title: 'X', fields: 'nope' } as unknown as FormDefinition;
    assert.deepEqual(diffDefinitions(bad, kycForm()).added.length, 17);
    assert.doesNotThrow(() => diffDefinitions(null as unknown as FormDefinition, bad));
  });
});
