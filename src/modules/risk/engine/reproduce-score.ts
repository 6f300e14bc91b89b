/**
 * Re-checks stored scores.
 *
 * `reproduceScore` needs only the explanation: it reads it through its schema (it comes from storage),
 * recomputes every contribution, category score, the overall score, the threshold band and the final
 * band, and says whether they equal what is stored. It keeps working after the model has changed or
 * been deleted, because the explanation carries the weights, caps, aggregations, thresholds and the
 * fired rules it was computed with. It proves the arithmetic, not the inputs: a factor's points are
 * taken as stored.
 *
 * `verifyExplanation` is the strict check: the model version the score names, and the facts it was
 * computed from, must give exactly the stored explanation (points from values, rules that fired and
 * those that did not).
 */
import { maxBand, type RiskBand } from './bands.ts';
import type { Problem } from './conditions.ts';
import { RiskExplanation } from './explanation.schema.ts';
import type { Facts } from './facts.ts';
import { pointerSegment } from '../../../platform/definitions/problems.ts';
import { createAjv, describeAjvErrors } from '../../../platform/validation.ts';
import type { RiskModel } from './model.schema.ts';
import { aggregate, bandForScore, scoreRisk } from './score-risk.ts';

const ajv = createAjv();
const explanationShape = ajv.compile(RiskExplanation);

export type Reproduction =
  { ok: true; overall: number; thresholdBand: RiskBand; band: RiskBand } | { ok: false; problems: Problem[] };

/** Recomputes a stored explanation's results from the explanation alone. */
export function reproduceScore(explanation: unknown): Reproduction {
  if (!explanationShape(explanation))
    return { ok: false, problems: describeAjvErrors(explanationShape.errors) };
  const e = explanation as RiskExplanation;
  const problems: Problem[] = [];
  const expect = (path: string, stored: unknown, computed: unknown) => {
    if (stored !== computed)
      problems.push({
        path,
        message: `stored ${JSON.stringify(stored)}, recomputed ${JSON.stringify(computed)}`,
      });
  };

  let overall = 0;
  e.categories.forEach((c, i) => {
    const p = `/categories/${i}`;
    c.factors.forEach((f, j) =>
      expect(`${p}/factors/${j}/contribution`, f.contribution, f.points * f.weight),
    );
    const again = aggregate(
      c,
      c.factors.map((f) => ({ ...f, contribution: f.points * f.weight })),
    );
    expect(`${p}/raw`, c.raw, again.raw);
    expect(`${p}/capped`, c.capped, again.capped);
    expect(`${p}/score`, c.score, again.score);
    expect(`${p}/weighted`, c.weighted, again.weighted);
    overall += again.weighted;
  });
  expect('/overall', e.overall, overall);
  const t = e.thresholds;
  if (!(t.medium < t.high && (t.prohibited === null || t.high < t.prohibited)))
    problems.push({ path: '/thresholds', message: 'thresholds are not ascending' });
  const thresholdBand = bandForScore(overall, t);
  expect('/thresholdBand', e.thresholdBand, thresholdBand);
  const band = maxBand(thresholdBand, ...e.forced.map((f) => f.atLeast));
  expect('/band', e.band, band);
  if (!Number.isSafeInteger(overall)) problems.push({ path: '/overall', message: 'not a safe integer' });
  return problems.length ? { ok: false, problems } : { ok: true, overall, thresholdBand, band };
}

/**
 * The strict check: `model` (the version the explanation names) and `facts` give exactly the stored
 * explanation. Problems name the JSON pointers where they differ (at most 20).
 */
export function verifyExplanation(
  model: RiskModel,
  facts: Facts,
  explanation: unknown,
): { ok: true } | { ok: false; problems: Problem[] } {
  const reproduced = reproduceScore(explanation);
  if (!reproduced.ok) return reproduced;
  const e = explanation as RiskExplanation;
  if (e.modelVersion !== model.version)
    return {
      ok: false,
      problems: [
        {
          path: '/modelVersion',
          message: `explanation is of model version ${e.modelVersion}, not ${model.version}`,
        },
      ],
    };
  const problems: Problem[] = [];
  diff(scoreRisk(model, facts), explanation, '', problems);
  return problems.length ? { ok: false, problems } : { ok: true };
}

function diff(expected: unknown, actual: unknown, path: string, problems: Problem[]): void {
  if (problems.length >= 20) return;
  if (Array.isArray(expected) && Array.isArray(actual)) {
    if (expected.length !== actual.length) {
      problems.push({
        path: path || '/',
        message: `expected ${expected.length} items, found ${actual.length}`,
      });
      return;
    }
    expected.forEach((x, i) => diff(x, actual[i], `${path}/${i}`, problems));
    return;
  }
  const isObj = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObj(expected) && isObj(actual)) {
    const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
    for (const k of keys) {
      const p = `${path}/${pointerSegment(k)}`;
      if (!Object.hasOwn(actual, k)) problems.push({ path: p, message: 'missing' });
      else if (!Object.hasOwn(expected, k)) problems.push({ path: p, message: 'unexpected' });
      else diff(expected[k], actual[k], p, problems);
    }
    return;
  }
  if (expected !== actual)
    problems.push({
      path: path || '/',
      message: `expected ${JSON.stringify(expected)}, found ${JSON.stringify(actual)}`,
    });
}
