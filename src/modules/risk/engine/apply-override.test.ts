import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyOverride } from './apply-override.ts';
import type { RiskBand } from './bands.ts';
import { testModel } from './risk-fixtures.ts';
import { scoreRisk } from './score-risk.ts';

const why = 'Customer relocated; evidence on file (utility bill, employment letter).';
// residence AE 40 × 100 × 50 = 200,000; cust 0 + 750 + 0 = 750 × 30 = 22,500 → 22.25 points, medium
const medium = () =>
  scoreRisk(testModel(), {
    'subject.countryOfResidence': 'AE',
    'subject.customerType': 'individual',
    'subject.pep': false,
    'ownership.layers': 0,
  });
const sanctioned = () =>
  scoreRisk(testModel(), { 'subject.countryOfResidence': 'GB', 'screening.trueSanctionsMatch': true });
const paths = (r: ReturnType<typeof applyOverride>) => (r.ok ? [] : r.problems.map((p) => p.path));

describe('applyOverride', () => {
  it('sets the effective band and keeps the computed one', () => {
    const e = medium();
    assert.equal(e.band, 'medium');
    assert.deepEqual(applyOverride(e, { band: 'high', justification: `  ${why}  ` }), {
      ok: true,
      result: {
        modelVersion: 3,
        overall: 222_500,
        computedBand: 'medium',
        effectiveBand: 'high',
        direction: 'up',
        forcedFloor: 'low',
        justification: why,
      },
    });
    const down = applyOverride(e, { band: 'low', justification: why });
    assert.equal(down.ok && down.result.direction, 'down');
    assert.equal(down.ok && down.result.effectiveBand, 'low');
  });

  it('refuses an unknown band, the computed band and a band below a forced one', () => {
    assert.deepEqual(paths(applyOverride(medium(), { band: 'severe' as RiskBand, justification: why })), [
      '/band',
    ]);
    assert.deepEqual(paths(applyOverride(medium(), { band: 'medium', justification: why })), ['/band']);
    const e = sanctioned();
    assert.equal(e.band, 'high');
    const r = applyOverride(e, { band: 'medium', justification: why });
    assert.deepEqual(r, {
      ok: false,
      problems: [{ path: '/band', message: 'may not be below "high", forced by SANCTIONS_TRUE_MATCH' }],
    });
    // Raising a forced band is allowed.
    assert.equal(applyOverride(e, { band: 'prohibited', justification: why }).ok, true);
  });

  it('refuses short, long, non-text and control-character justifications', () => {
    const e = medium();
    assert.deepEqual(paths(applyOverride(e, { band: 'high', justification: 'because' })), ['/justification']);
    assert.deepEqual(paths(applyOverride(e, { band: 'high', justification: `   ${'a'.repeat(19)}   ` })), [
      '/justification',
    ]);
    assert.deepEqual(paths(applyOverride(e, { band: 'high', justification: 'a'.repeat(20) })), []);
    assert.deepEqual(paths(applyOverride(e, { band: 'high', justification: 'a'.repeat(2001) })), [
      '/justification',
    ]);
    assert.deepEqual(paths(applyOverride(e, { band: 'high', justification: `${why}\u0000` })), [
      '/justification',
    ]);
    assert.deepEqual(paths(applyOverride(e, { band: 'high', justification: 42 as unknown as string })), [
      '/justification',
    ]);
    // Both problems at once.
    assert.deepEqual(paths(applyOverride(e, { band: 'medium', justification: '' })), [
      '/band',
      '/justification',
    ]);
  });

  it('refuses to override a score that does not reproduce', () => {
    const e = medium();
    e.band = 'low';
    assert.deepEqual(paths(applyOverride(e, { band: 'high', justification: why })), ['/explanation']);
  });
});
