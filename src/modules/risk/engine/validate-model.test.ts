import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultRiskModel } from './default-model.ts';
import { LIMITS } from './limits.ts';
import type { RiskModel } from './model.schema.ts';
import { testModel } from './risk-fixtures.ts';
import { parseRiskModel, validateRiskModel } from './validate-model.ts';

const paths = (m: unknown) => validateRiskModel(m).map((p) => p.path);
const messages = (m: unknown) => validateRiskModel(m).map((p) => `${p.path} ${p.message}`);
/** testModel() changed by `edit`. */
const changed = (edit: (m: RiskModel) => void): RiskModel => {
  const m = testModel();
  edit(m);
  return m;
};
const loose = (m: RiskModel) =>
  m as unknown as Record<string, unknown> & { factors: Record<string, unknown>[] };

describe('validateRiskModel', () => {
  it('accepts the test and default models', () => {
    assert.deepEqual(validateRiskModel(testModel()), []);
    assert.deepEqual(validateRiskModel(defaultRiskModel()), []);
    assert.equal(parseRiskModel(testModel()).ok, true);
  });

  it('refuses non-objects, unknown properties and missing sections', () => {
    assert.deepEqual(paths(null), ['/']);
    assert.deepEqual(paths([]), ['/']);
    assert.deepEqual(paths('model'), ['/']);
    assert.deepEqual(paths({ ...testModel(), extra: 1 }), ['/extra']);
    const { rules: _rules, ...noRules } = testModel();
    assert.deepEqual(paths(noRules), ['/']);
    assert.deepEqual(paths({ ...testModel(), version: 1.5 }), ['/version']);
    assert.deepEqual(paths({ ...testModel(), version: 0 }), ['/version']);
    const parsed = parseRiskModel({ ...testModel(), categories: [] });
    assert.equal(parsed.ok, false);
    assert.deepEqual(!parsed.ok && parsed.problems.map((p) => p.path), ['/categories']);
  });

  it('refuses unknown category, table and fact names, naming the path', () => {
    // geo keeps its other factor (nationality), so only the reference is wrong
    assert.deepEqual(messages(changed((m) => (m.factors[0]!.category = 'nowhere'))), [
      '/factors/0/category unknown category "nowhere"',
    ]);
    assert.deepEqual(paths(changed((m) => ((m.factors[0] as { table: string }).table = 'nope'))), [
      '/factors/0/table',
    ]);
    assert.deepEqual(paths(changed((m) => (m.factors[0]!.fact = 'subject.shoeSize'))), ['/factors/0/fact']);
    assert.deepEqual(paths(changed((m) => (m.factors[0]!.fact = 'questionnaire.Bad.x'))), [
      '/factors/0/fact',
    ]);
    assert.deepEqual(paths(changed((m) => (m.factors[0]!.fact = 'questionnaire.kyc.country'))), []);
    assert.deepEqual(paths(changed((m) => (m.rules[0]!.when = { fact: 'nope', equals: true }))), [
      '/rules/0/when/fact',
    ]);
    assert.deepEqual(
      paths(
        changed(
          (m) =>
            (m.rules[0]!.when = { fact: 'subject.countryOfResidence', lookup: { table: 'x', atLeast: 5 } }),
        ),
      ),
      ['/rules/0/when/lookup/table'],
    );
  });

  it('refuses a factor kind that cannot read its fact', () => {
    const [p] = validateRiskModel(changed((m) => (m.factors[0]!.fact = 'subject.pep')));
    assert.equal(p?.path, '/factors/0/fact');
    assert.match(p!.message, /a lookup factor cannot read "subject.pep" \(boolean\)/);
    assert.deepEqual(paths(changed((m) => (m.factors[3]!.fact = 'ownership.layers'))), ['/factors/3/fact']);
    assert.deepEqual(paths(changed((m) => (m.factors[4]!.fact = 'subject.customerType'))), [
      '/factors/4/fact',
    ]);
  });

  it('refuses duplicate and malformed ids', () => {
    assert.deepEqual(paths(changed((m) => (m.factors[1]!.id = 'residence'))), ['/factors/1/id']);
    assert.deepEqual(
      paths(changed((m) => m.categories.push({ id: 'geo', label: 'Again', weight: 1, aggregation: 'sum' }))),
      ['/categories/3/id'],
    );
    assert.deepEqual(paths(changed((m) => (m.rules[1]!.id = 'sanctions'))), ['/rules/1/id']);
    assert.deepEqual(paths(changed((m) => (m.factors[0]!.id = 'Residence'))), ['/factors/0/id']);
    assert.deepEqual(paths(changed((m) => (m.factors[0]!.id = 'constructor'))), ['/factors/0/id']);
    assert.deepEqual(
      paths(changed((m) => (m.tables = { 'bad name': m.tables.countryRisk! } as RiskModel['tables']))),
      ['/tables/bad name', '/factors/0/table', '/factors/1/table'],
    );
    assert.deepEqual(paths(changed((m) => (m.rules[0]!.reason = 'lower_case'))), ['/rules/0/reason']);
  });

  it('refuses unknown factor kinds and properties, at the factor', () => {
    assert.deepEqual(paths(changed((m) => (loose(m).factors[2]!.kind = 'script'))), ['/factors/2/kind']);
    assert.deepEqual(paths(changed((m) => (loose(m).factors[2]!.formula = 'x*2'))), ['/factors/2/formula']);
    assert.deepEqual(paths(changed((m) => delete loose(m).factors[2]!.missing)), ['/factors/2']);
    assert.deepEqual(paths(changed((m) => (loose(m).factors[3]!.whenTrue = 1.5))), ['/factors/3/whenTrue']);
  });

  it('refuses negative or oversized weights and points', () => {
    assert.deepEqual(paths(changed((m) => (m.factors[0]!.weight = -1))), ['/factors/0/weight']);
    assert.deepEqual(paths(changed((m) => (m.factors[0]!.weight = LIMITS.maxWeight + 1))), [
      '/factors/0/weight',
    ]);
    assert.deepEqual(paths(changed((m) => (m.categories[0]!.weight = -5))), ['/categories/0/weight']);
    assert.deepEqual(paths(changed((m) => (m.factors[0]!.missing = LIMITS.maxPoints + 1))), [
      '/factors/0/missing',
    ]);
    assert.deepEqual(paths(changed((m) => (m.tables.countryRisk!.default = -1))), [
      '/tables/countryRisk/default',
    ]);
    assert.deepEqual(paths(changed((m) => (m.tables.countryRisk!.entries.GB = 2.5))), [
      '/tables/countryRisk/entries/GB',
    ]);
  });

  it('refuses thresholds that are not ascending or cannot be reached', () => {
    assert.deepEqual(paths(changed((m) => (m.thresholds.high = 20))), ['/thresholds/high']);
    assert.deepEqual(paths(changed((m) => (m.thresholds.high = 10))), ['/thresholds/high']);
    assert.deepEqual(paths(changed((m) => (m.thresholds.prohibited = 40))), ['/thresholds/prohibited']);
    assert.deepEqual(paths(changed((m) => (m.thresholds.medium = 0))), ['/thresholds/medium']);
    // The highest score of testModel: geo 100 × 100 × 50 + cust cap 50 points × 30 + scr 120 × 100 × 10
    // = 500,000 + 150,000 + 120,000 = 770,000 units = 77 points.
    assert.deepEqual(paths(changed((m) => (m.thresholds.prohibited = 77))), []);
    assert.deepEqual(messages(changed((m) => (m.thresholds.prohibited = 78))), [
      '/thresholds/prohibited can never be reached: the highest possible score is 77 points',
    ]);
    assert.deepEqual(paths(changed((m) => m.categories.forEach((c) => (c.weight = 0)))), [
      '/thresholds/medium',
      '/thresholds/high',
      '/thresholds/prohibited',
    ]);
  });

  it('refuses ranges not ascending, duplicate options and bad table keys', () => {
    const ranges = (m: RiskModel) => (m.factors[4] as { ranges: { from: number; points: number }[] }).ranges;
    assert.deepEqual(paths(changed((m) => (ranges(m)[1]!.from = 0))), ['/factors/4/ranges/1/from']);
    assert.deepEqual(paths(changed((m) => (ranges(m)[2]!.from = 1))), ['/factors/4/ranges/2/from']);
    assert.deepEqual(paths(changed((m) => ranges(m).splice(0))), ['/factors/4/ranges']);
    const options = (m: RiskModel) =>
      (m.factors[2] as { options: { value: string; points: number }[] }).options;
    assert.deepEqual(paths(changed((m) => options(m).push({ value: 'trust', points: 1 }))), [
      '/factors/2/options/3/value',
    ]);
    assert.deepEqual(paths(changed((m) => options(m).push({ value: ' padded', points: 1 }))), [
      '/factors/2/options/3/value',
    ]);
    assert.deepEqual(paths(changed((m) => (m.tables.countryRisk!.entries.ZZ = 5))), [
      '/tables/countryRisk/entries/ZZ',
    ]);
    assert.deepEqual(paths(changed((m) => (m.tables.countryRisk!.entries.gb = 5))), [
      '/tables/countryRisk/entries/gb',
    ]);
    // A key JSON.parse makes an own property: refused, never a prototype change.
    const hostile = JSON.parse(JSON.stringify(testModel()).replace('"GB":0', '"__proto__":0')) as unknown;
    assert.deepEqual(paths(hostile), ['/tables/countryRisk/entries/__proto__']);
  });

  it('checks rule conditions: operators, types, sizes and nesting', () => {
    const rule = (when: unknown) => paths(changed((m) => (m.rules[0]!.when = when as never)));
    assert.deepEqual(rule({ fact: 'subject.pep', equals: 'yes' }), ['/rules/0/when/equals']);
    assert.deepEqual(rule({ fact: 'subject.nationalities', equals: 'IR' }), []);
    assert.deepEqual(rule({ fact: 'subject.nationalities', equals: 1 }), ['/rules/0/when/equals']);
    assert.deepEqual(rule({ fact: 'subject.pep', atLeast: 1 }), ['/rules/0/when/atLeast']);
    assert.deepEqual(rule({ fact: 'ownership.layers', atLeast: 4 }), []);
    assert.deepEqual(rule({ fact: 'subject.countryOfResidence', in: [] }), ['/rules/0/when/in']);
    assert.deepEqual(rule({ fact: 'subject.countryOfResidence', in: ['IR', 3] }), ['/rules/0/when/in/1']);
    assert.deepEqual(
      rule({
        fact: 'subject.countryOfResidence',
        in: Array.from({ length: LIMITS.maxConditionValues + 1 }, () => 'IR'),
      }),
      ['/rules/0/when/in'],
    );
    assert.deepEqual(rule({ fact: 'subject.pep', present: 'yes' }), ['/rules/0/when/present']);
    assert.deepEqual(rule({ fact: 'subject.pep', equals: true, in: [true] }), ['/rules/0/when']);
    assert.deepEqual(rule({ fact: 'subject.pep', matches: '.*' }), ['/rules/0/when']);
    assert.deepEqual(rule({ all: [] }), ['/rules/0/when/all']);
    assert.deepEqual(rule({ not: { any: [{ fact: 'subject.pep', equals: true }, 'x'] } }), [
      '/rules/0/when/not/any/1',
    ]);
    assert.deepEqual(rule({ fact: 'subject.pep', lookup: { table: 'countryRisk', atLeast: 1 } }), [
      '/rules/0/when/fact',
    ]);
    assert.deepEqual(rule({ fact: 'subject.nationalities', lookup: { table: 'countryRisk', atLeast: -1 } }), [
      '/rules/0/when/lookup/atLeast',
    ]);
    let deep: unknown = { fact: 'subject.pep', equals: true };
    for (let i = 0; i < LIMITS.maxConditionDepth; i++) deep = { not: deep };
    assert.deepEqual(rule(deep), ['/rules/0/when/not/not/not/not/not']);
    const wide = {
      any: Array.from({ length: LIMITS.maxConditionNodes }, () => ({ fact: 'subject.pep', equals: true })),
    };
    assert.deepEqual(rule(wide), ['/rules/0/when']);
    assert.deepEqual(paths(changed((m) => (m.rules[0]!.atLeast = 'low'))), ['/rules/0/atLeast']);
    assert.deepEqual(paths(changed((m) => ((m.rules[0] as { atLeast: string }).atLeast = 'severe'))), [
      '/rules/0/atLeast',
    ]);
  });

  it('refuses a category without factors and oversized models', () => {
    assert.deepEqual(
      messages(
        changed((m) => m.categories.push({ id: 'empty', label: 'Empty', weight: 5, aggregation: 'sum' })),
      ),
      ['/categories/3 category "empty" has no factors'],
    );
    const huge = changed((m) => (m.categories[0]!.label = 'x'.repeat(LIMITS.maxModelBytes)));
    assert.deepEqual(paths(huge), ['/']);
    const many = changed((m) => {
      for (let i = 0; i < LIMITS.maxFactors; i++) m.factors.push({ ...m.factors[0]!, id: `f${i}` });
    });
    assert.deepEqual(paths(many), ['/factors']);
  });

  it('never throws, even on hostile values', () => {
    const throwing = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('boom');
        },
      },
    );
    assert.deepEqual(paths(throwing), ['/']);
    const cyclic: Record<string, unknown> = { ...testModel() };
    cyclic.self = cyclic;
    assert.ok(validateRiskModel(cyclic).length > 0);
  });
});
