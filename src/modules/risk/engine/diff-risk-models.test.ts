import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultRiskModel } from './default-model.ts';
import { diffRiskModels } from './diff-risk-models.ts';
import type { ChoiceFactor, RiskModel } from './model.schema.ts';
import { testModel } from './risk-fixtures.ts';

describe('diffRiskModels', () => {
  it('reports nothing for identical models, whatever the order of properties and items', () => {
    const a = testModel();
    const b = testModel();
    b.factors.reverse();
    b.factors[0] = Object.fromEntries(Object.entries(b.factors[0]!).reverse()) as RiskModel['factors'][0];
    b.tables.countryRisk!.entries = { IR: 100, AE: 40, GB: 0 };
    assert.deepEqual(diffRiskModels(a, b), []);
    assert.deepEqual(diffRiskModels(defaultRiskModel(), defaultRiskModel()), []);
  });

  it('lists table entries, factor points and weights, thresholds and rules, readably', () => {
    const a = testModel();
    const b = testModel();
    b.version = 4;
    b.tables.countryRisk!.entries.AE = 60;
    b.tables.countryRisk!.entries.RU = 80;
    delete b.tables.countryRisk!.entries.GB;
    b.tables.countryRisk!.default = 15;
    b.factors.find((f) => f.id === 'pep')!.weight = 200;
    const type = b.factors.find((f) => f.id === 'type') as ChoiceFactor;
    type.options[1]!.points = 25;
    type.options.push({ value: 'foundation', points: 45 });
    b.factors = b.factors.filter((f) => f.id !== 'alerts');
    b.categories[1]!.cap = 60;
    b.thresholds.high = 45;
    b.rules[0]!.atLeast = 'prohibited';
    b.rules.pop();

    assert.deepEqual(
      diffRiskModels(a, b).map((c) => [c.change, c.path, c.text]),
      [
        ['changed', 'version', 'Version 3 → 4'],
        ['changed', 'tables/countryRisk/default', 'Table countryRisk: default 10 → 15'],
        ['removed', 'tables/countryRisk/entries/GB', 'Table countryRisk: GB (0) removed'],
        ['changed', 'tables/countryRisk/entries/AE', 'Table countryRisk: AE 40 → 60'],
        ['added', 'tables/countryRisk/entries/RU', 'Table countryRisk: RU added with 80'],
        ['changed', 'categories/cust/cap', 'Category cust: cap 50 → 60'],
        ['changed', 'factors/type/options/company', 'Factor type: option company 20 → 25'],
        ['added', 'factors/type/options/foundation', 'Factor type: option foundation added with 45'],
        ['changed', 'factors/pep/weight', 'Factor pep: weight 150 → 200'],
        ['removed', 'factors/alerts', 'Factor alerts removed'],
        ['changed', 'thresholds/high', 'Threshold: high 40 → 45'],
        ['changed', 'rules/sanctions/atLeast', 'Rule sanctions: atLeast high → prohibited'],
        ['removed', 'rules/cash_business', 'Rule cash_business removed'],
      ],
    );
    const entry = diffRiskModels(a, b).find((c) => c.path === 'tables/countryRisk/entries/AE')!;
    assert.deepEqual([entry.before, entry.after], [40, 60]);
  });

  it('reports a changed kind, ranges and rule condition as property changes', () => {
    const a = testModel();
    const b = testModel();
    const layers = b.factors.find((f) => f.id === 'layers')!;
    (layers as { ranges: unknown }).ranges = [{ from: 0, points: 0 }];
    b.rules[1]!.when = { fact: 'subject.countryOfResidence', in: ['IR', 'KP', 'MM'] };
    b.thresholds.prohibited = undefined;
    delete b.thresholds.prohibited;
    const changes = diffRiskModels(a, b);
    assert.deepEqual(
      changes.map((c) => [c.change, c.path]),
      [
        ['changed', 'factors/layers/ranges'],
        ['removed', 'thresholds/prohibited'],
        ['changed', 'rules/prohibited_residence/when'],
      ],
    );
    assert.match(changes[2]!.text, /"in":\["IR","KP","MM"\]/);
  });

  it('adds and removes tables and categories, and never throws on junk', () => {
    const a = testModel();
    const b = testModel();
    b.tables.industryRisk = { label: 'Industry', keys: 'text', default: 0, entries: {} };
    b.categories.push({ id: 'extra', label: 'Extra', weight: 5, aggregation: 'sum' });
    assert.deepEqual(
      diffRiskModels(a, b).map((c) => [c.change, c.path]),
      [
        ['added', 'tables/industryRisk'],
        ['added', 'categories/extra'],
      ],
    );
    assert.deepEqual(
      diffRiskModels(b, a).map((c) => c.change),
      ['removed', 'removed'],
    );
    assert.doesNotThrow(() =>
      diffRiskModels(null as unknown as RiskModel, { junk: 1 } as unknown as RiskModel),
    );
  });
});
