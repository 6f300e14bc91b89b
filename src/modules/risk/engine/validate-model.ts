/**
 * Checks a risk model, which is input like any other: shape (closed TypeBox schemas, one factor at a
 * time), ids, references (categories, tables, facts), fact types against the factor kinds, table
 * keys, ascending ranges and thresholds, reachable thresholds, rule conditions and overall size.
 * Returns problems as {path, message} with JSON-pointer paths; an empty list means the model is
 * usable, and scoreRisk then cannot fail on it.
 */
import {
  checkJsonSize,
  collectProblems,
  isPlainObject,
  pointerSegment,
} from '../../../platform/definitions/problems.ts';
import { checkObjectShape, kindShapes } from '../../../platform/definitions/shapes.ts';
import { createAjv } from '../../../platform/validation.ts';
import { isCountryCode } from '../../subjects/countries.ts';
import { checkCondition, checkFact, type Problem } from './conditions.ts';
import type { FactType } from './facts.ts';
import { CENTI, CHOICE_VALUE, ID, LIMITS, REASON_CODE, SCORE_SCALE } from './limits.ts';
import {
  FACTOR_KINDS,
  FACTOR_SCHEMAS,
  RiskModelShape,
  type FactorKind,
  type RiskFactor,
  type RiskModel,
  type RiskTable,
} from './model.schema.ts';

export type { Problem } from './conditions.ts';

const ajv = createAjv();
const modelShape = ajv.compile(RiskModelShape);
const checkFactorShape = kindShapes(ajv, FACTOR_KINDS, FACTOR_SCHEMAS);

/** Ids that match ID but name inherited members of plain objects. */
const RESERVED = new Set(['constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty']);

/** Fact types each factor kind can read (`undefined`: a questionnaire fact, type unknown here). */
const READS: Record<FactorKind, FactType[]> = {
  lookup: ['string', 'string[]'],
  choice: ['string', 'string[]'],
  boolean: ['boolean'],
  ranges: ['number'],
};

/** Returns the problems of a model; empty when it is valid. Never throws. */
export function validateRiskModel(model: unknown): Problem[] {
  return collectProblems('model', (problems) => check(model, problems), LIMITS.maxErrors);
}

/** Narrows an unknown value to a RiskModel, or returns its problems. */
export function parseRiskModel(
  model: unknown,
): { ok: true; model: RiskModel } | { ok: false; problems: Problem[] } {
  const problems = validateRiskModel(model);
  return problems.length ? { ok: false, problems } : { ok: true, model: model as RiskModel };
}

function checkId(id: string, path: string, seen: Set<string>, what: string, problems: Problem[]): void {
  if (!ID.test(id) || RESERVED.has(id))
    problems.push({
      path,
      message: RESERVED.has(id)
        ? `"${id}" is reserved`
        : 'must start with a lower-case letter, then letters, digits or "_", at most 63 characters',
    });
  else if (seen.has(id)) problems.push({ path, message: `duplicate ${what} id "${id}"` });
  seen.add(id);
}

function check(model: unknown, problems: Problem[]): void {
  if (!checkJsonSize(model, 'model', LIMITS.maxModelBytes, 32, problems)) return;
  if (!checkObjectShape(model, modelShape, problems)) return;
  const m = model as unknown as RiskModel;

  for (const [name, table] of Object.entries(m.tables)) {
    const p = `/tables/${pointerSegment(name)}`;
    checkId(name, p, new Set(), 'table', problems);
    for (const key of Object.keys(table.entries)) {
      const ok =
        table.keys === 'country' ? /^[A-Z]{2}$/.test(key) && isCountryCode(key) : CHOICE_VALUE.test(key);
      if (!ok)
        problems.push({
          path: `${p}/entries/${pointerSegment(key)}`,
          message:
            table.keys === 'country'
              ? 'must be an upper-case ISO 3166-1 alpha-2 country code'
              : 'must be a code of letters, digits and _ . : / & + - or spaces, trimmed',
        });
    }
  }

  const categories = new Set<string>();
  m.categories.forEach((c, i) => checkId(c.id, `/categories/${i}/id`, categories, 'category', problems));

  const factorIds = new Set<string>();
  const used = new Set<string>();
  m.factors.forEach((f, i) => {
    const p = `/factors/${i}`;
    if (!isPlainObject(f)) {
      problems.push({ path: p, message: 'must be a factor object' });
      return;
    }
    if (!checkFactorShape(f, p, problems)) return;
    checkId(f.id, `${p}/id`, factorIds, 'factor', problems);
    if (!categories.has(f.category))
      problems.push({ path: `${p}/category`, message: `unknown category "${f.category}"` });
    used.add(f.category);
    const type = checkFact(f.fact, `${p}/fact`, problems);
    if (type && !READS[f.kind].includes(type))
      problems.push({
        path: `${p}/fact`,
        message: `a ${f.kind} factor cannot read "${f.fact}" (${type}); it reads ${READS[f.kind].join(' or ')}`,
      });
    checkFactor(f, p, m.tables, problems);
  });
  m.categories.forEach((c, i) => {
    if (!used.has(c.id))
      problems.push({ path: `/categories/${i}`, message: `category "${c.id}" has no factors` });
  });

  const t = m.thresholds;
  if (t.high <= t.medium)
    problems.push({ path: '/thresholds/high', message: 'must be above the medium threshold' });
  if (t.prohibited !== undefined && t.prohibited <= t.high)
    problems.push({ path: '/thresholds/prohibited', message: 'must be above the high threshold' });
  if (!problems.length) {
    const ceiling = maxOverallPoints(m);
    for (const band of ['medium', 'high', 'prohibited'] as const) {
      const v = t[band];
      if (v !== undefined && v > ceiling)
        problems.push({
          path: `/thresholds/${band}`,
          message: `can never be reached: the highest possible score is ${ceiling} points`,
        });
    }
  }

  const ruleIds = new Set<string>();
  m.rules.forEach((r, i) => {
    const p = `/rules/${i}`;
    checkId(r.id, `${p}/id`, ruleIds, 'rule', problems);
    if (!REASON_CODE.test(r.reason))
      problems.push({ path: `${p}/reason`, message: 'must be an upper-case code (letters, digits, "_")' });
    if (r.atLeast === 'low')
      problems.push({ path: `${p}/atLeast`, message: 'a rule forcing "low" has no effect' });
    checkCondition(r.when, `${p}/when`, m.tables, problems);
  });
}

function checkFactor(
  f: RiskFactor,
  p: string,
  tables: Readonly<Record<string, RiskTable>>,
  problems: Problem[],
): void {
  switch (f.kind) {
    case 'lookup':
      if (!Object.hasOwn(tables, f.table))
        problems.push({ path: `${p}/table`, message: `unknown table "${f.table}"` });
      return;
    case 'boolean':
      return;
    case 'ranges':
      f.ranges.forEach((r, i) => {
        if (!Number.isFinite(r.from))
          problems.push({ path: `${p}/ranges/${i}/from`, message: 'must be finite' });
        else if (i > 0 && !(r.from > f.ranges[i - 1]!.from))
          problems.push({
            path: `${p}/ranges/${i}/from`,
            message: 'must be above the previous range\'s "from"',
          });
      });
      return;
    case 'choice': {
      const seen = new Set<string>();
      f.options.forEach((o, i) => {
        if (!CHOICE_VALUE.test(o.value))
          problems.push({
            path: `${p}/options/${i}/value`,
            message: 'must be a code of letters, digits and _ . : / & + - or spaces, trimmed',
          });
        else if (seen.has(o.value))
          problems.push({ path: `${p}/options/${i}/value`, message: `duplicate option "${o.value}"` });
        seen.add(o.value);
      });
      return;
    }
  }
}

/** The highest points a factor can give, whatever the facts. */
export function maxFactorPoints(f: RiskFactor, tables: Readonly<Record<string, RiskTable>>): number {
  let top = f.missing;
  switch (f.kind) {
    case 'lookup': {
      const t = tables[f.table];
      if (t) top = Math.max(top, t.default, ...Object.values(t.entries));
      break;
    }
    case 'boolean':
      top = Math.max(top, f.whenTrue, f.whenFalse ?? 0);
      break;
    case 'ranges':
      top = Math.max(top, f.below ?? 0, ...f.ranges.map((r) => r.points));
      break;
    case 'choice':
      top = Math.max(top, f.otherwise, ...f.options.map((o) => o.points));
      break;
  }
  return top;
}

/** The highest overall score the model can give, in whole points (rounded down). */
function maxOverallPoints(m: RiskModel): number {
  let total = 0;
  for (const c of m.categories) {
    const contributions = m.factors
      .filter((f) => f.category === c.id)
      .map((f) => maxFactorPoints(f, m.tables) * f.weight);
    let score =
      c.aggregation === 'sum' ? contributions.reduce((a, b) => a + b, 0) : Math.max(0, ...contributions);
    if (c.cap !== undefined) score = Math.min(score, c.cap * CENTI);
    total += score * c.weight;
  }
  return Math.floor(total / SCORE_SCALE);
}
