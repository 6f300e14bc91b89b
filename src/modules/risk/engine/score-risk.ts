/**
 * Scores facts with a risk model and explains the result. Pure and exact: integers only (units in
 * limits.ts), no clock, no I/O; the same model and facts always give the same explanation, byte for
 * byte once serialised. The model must have passed validateRiskModel.
 */
import { maxBand, type RiskBand } from './bands.ts';
import { evaluateCondition, tablePoints } from './conditions.ts';
import { hasFactType, isFactValue, readFact, type FactValue, type Facts } from './facts.ts';
import { CENTI, SCORE_SCALE } from './limits.ts';
import type { RiskFactor, RiskModel, RiskTable, RiskThresholds } from './model.schema.ts';
import {
  EXPLANATION_FORMAT,
  type CategoryExplanation,
  type FactorExplanation,
  type ForcedExplanation,
  type RiskExplanation,
} from './explanation.schema.ts';

/** Scores `facts` with `model`. */
export function scoreRisk(model: RiskModel, facts: Facts): RiskExplanation {
  const categories: CategoryExplanation[] = model.categories.map((c) => {
    const factors = model.factors
      .filter((f) => f.category === c.id)
      .map((f) => scoreFactor(f, facts, model.tables));
    return aggregate(
      { id: c.id, label: c.label, aggregation: c.aggregation, cap: c.cap ?? null, weight: c.weight },
      factors,
    );
  });
  const overall = categories.reduce((sum, c) => sum + c.weighted, 0);
  const thresholds = {
    medium: model.thresholds.medium,
    high: model.thresholds.high,
    prohibited: model.thresholds.prohibited ?? null,
  };
  const thresholdBand = bandForScore(overall, thresholds);
  const forced: ForcedExplanation[] = [];
  for (const rule of model.rules) {
    const read = new Set<string>();
    if (!evaluateCondition(rule.when, facts, model.tables, read)) continue;
    forced.push({
      rule: rule.id,
      reason: rule.reason,
      label: rule.label,
      atLeast: rule.atLeast,
      facts: [...read].sort().map((fact) => ({ fact, value: recordable(readFact(facts, fact)) })),
    });
  }
  return {
    format: EXPLANATION_FORMAT,
    modelVersion: model.version,
    categories,
    overall,
    thresholds,
    thresholdBand,
    forced,
    band: maxBand(thresholdBand, ...forced.map((f) => f.atLeast)),
  };
}

/** The band an overall score (score units) reaches; thresholds are in points and inclusive. */
export function bandForScore(
  overall: number,
  t: Pick<RiskThresholds, 'medium' | 'high'> & { prohibited?: number | null },
): RiskBand {
  if (t.prohibited !== undefined && t.prohibited !== null && overall >= t.prohibited * SCORE_SCALE)
    return 'prohibited';
  if (overall >= t.high * SCORE_SCALE) return 'high';
  if (overall >= t.medium * SCORE_SCALE) return 'medium';
  return 'low';
}

/** Applies a category's aggregation and cap to its factors' contributions. */
export function aggregate(
  c: Pick<CategoryExplanation, 'id' | 'label' | 'aggregation' | 'cap' | 'weight'>,
  factors: FactorExplanation[],
): CategoryExplanation {
  const contributions = factors.map((f) => f.contribution);
  const raw =
    c.aggregation === 'sum'
      ? contributions.reduce((a, b) => a + b, 0)
      : contributions.reduce((a, b) => Math.max(a, b), 0);
  const capped = c.cap !== null && raw > c.cap * CENTI;
  const score = capped ? c.cap! * CENTI : raw;
  return { ...c, factors, raw, capped, score, weighted: score * c.weight };
}

/** A value safe to store: fact values as they are, anything else as `null`. */
function recordable(v: unknown): FactValue {
  return isFactValue(v) ? (Array.isArray(v) ? [...v] : v) : null;
}

function scoreFactor(
  f: RiskFactor,
  facts: Facts,
  tables: Readonly<Record<string, RiskTable>>,
): FactorExplanation {
  const raw = readFact(facts, f.fact);
  const base = {
    id: f.id,
    label: f.label,
    fact: f.fact,
    kind: f.kind,
    ...(f.kind === 'lookup' ? { table: f.table } : {}),
    value: recordable(raw),
  };
  const result = (
    status: FactorExplanation['status'],
    matched: FactorExplanation['matched'],
    points: number,
  ) => ({
    ...base,
    status,
    matched,
    points,
    weight: f.weight,
    contribution: points * f.weight,
  });
  // An empty list is as good as no value: nothing to look up or choose.
  if (raw === null || (Array.isArray(raw) && raw.length === 0)) return result('missing', null, f.missing);
  switch (f.kind) {
    case 'boolean':
      if (!hasFactType(raw, 'boolean')) break;
      return result('present', raw as boolean, raw ? f.whenTrue : (f.whenFalse ?? 0));
    case 'ranges': {
      if (!hasFactType(raw, 'number')) break;
      let hit: { from: number; points: number } | undefined;
      for (const r of f.ranges) if ((raw as number) >= r.from) hit = r;
      return hit ? result('present', hit.from, hit.points) : result('present', null, f.below ?? 0);
    }
    case 'lookup': {
      if (!hasFactType(raw, 'string') && !hasFactType(raw, 'string[]')) break;
      const { points, key } = tablePoints(tables[f.table]!, raw as string | string[]);
      return result('present', key, points);
    }
    case 'choice': {
      if (!hasFactType(raw, 'string') && !hasFactType(raw, 'string[]')) break;
      let best: { points: number; value: string | null } | undefined;
      for (const v of typeof raw === 'string' ? [raw] : (raw as string[])) {
        const option = f.options.find((o) => o.value === v);
        const points = option ? option.points : f.otherwise;
        if (!best || points > best.points) best = { points, value: option ? v : null };
      }
      return result('present', best!.value, best!.points);
    }
  }
  return result('invalid', null, f.missing);
}
