/**
 * The condition language of forcing rules: checked against the model (known facts, comparable
 * values, known tables, bounded size) and evaluated against facts. Evaluation is two-valued: a test
 * on an absent fact, or on a value of the wrong type, is false (only `present: false` is true), so
 * a rule never fires on data that is not there; the factors' `missing` points are how a model
 * penalises missing data.
 */
import {
  checkConditionTree,
  checkValueList,
  evaluateConditionTree,
} from '../../../platform/definitions/condition-tree.ts';
import { isPlainObject, type Problem } from '../../../platform/definitions/problems.ts';
import { factSpec, hasFactType, isKnownFact, readFact, type Facts, type FactType } from './facts.ts';
import { LIMITS } from './limits.ts';
import type { ConditionValue, RiskCondition, RiskTable } from './model.schema.ts';

export type { Problem };

const isScalar = (v: unknown): v is ConditionValue =>
  typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));

/** Checks one condition, appending problems. `tables` are the model's tables. */
export function checkCondition(
  cond: unknown,
  path: string,
  tables: Readonly<Record<string, RiskTable>>,
  problems: Problem[],
): void {
  checkConditionTree(cond, path, LIMITS, problems, (c, p) => {
    const tests = ['atLeast', 'equals', 'in', 'lookup', 'present'];
    const test = Object.keys(c).filter((k) => k !== 'fact');
    if (!Object.hasOwn(c, 'fact') || test.length !== 1 || !tests.includes(test[0]!)) {
      problems.push({
        path: p,
        message: 'must be {fact, equals|in|atLeast|present|lookup} or {all}, {any}, {not}',
      });
      return;
    }
    const type = checkFact(c.fact, `${p}/fact`, problems);
    if (type === null) return;
    const op = test[0]!;
    const at = `${p}/${op}`;
    const value = c[op];
    switch (op) {
      case 'present':
        if (typeof value !== 'boolean') problems.push({ path: at, message: 'must be true or false' });
        return;
      case 'atLeast':
        if (typeof value !== 'number' || !Number.isFinite(value))
          problems.push({ path: at, message: 'must be a finite number' });
        else if (type !== undefined && type !== 'number')
          problems.push({ path: at, message: `fact "${String(c.fact)}" is not a number` });
        return;
      case 'equals':
        checkComparable(type, value, at, problems);
        return;
      case 'in':
        if (!checkValueList(value, at, LIMITS.maxConditionValues, problems)) return;
        value.forEach((v, i) => checkComparable(type, v, `${at}/${i}`, problems));
        return;
      case 'lookup': {
        if (!isPlainObject(value) || Object.keys(value).sort().join(',') !== 'atLeast,table') {
          problems.push({ path: at, message: 'must be {table, atLeast}' });
          return;
        }
        if (typeof value.table !== 'string' || !Object.hasOwn(tables, value.table))
          problems.push({ path: `${at}/table`, message: `unknown table "${String(value.table)}"` });
        if (!Number.isInteger(value.atLeast) || (value.atLeast as number) < 0)
          problems.push({ path: `${at}/atLeast`, message: 'must be an integer ≥ 0 (points)' });
        if (type !== undefined && type !== 'string' && type !== 'string[]')
          problems.push({
            path: `${p}/fact`,
            message: `fact "${String(c.fact)}" is not a string or list of strings`,
          });
        return;
      }
    }
  });
}

/**
 * Checks a fact name: the catalogue type, `undefined` for a questionnaire fact (type unknown to the
 * engine), `null` after a problem.
 */
export function checkFact(name: unknown, path: string, problems: Problem[]): FactType | undefined | null {
  if (typeof name !== 'string' || !isKnownFact(name)) {
    problems.push({
      path,
      message: `unknown fact "${String(name)}" (a built-in fact or questionnaire.<form>.<field>)`,
    });
    return null;
  }
  return factSpec(name)?.type;
}

function checkComparable(type: FactType | undefined, v: unknown, path: string, problems: Problem[]): void {
  if (!isScalar(v)) {
    problems.push({ path, message: 'must be a string, number or boolean' });
    return;
  }
  if (type === undefined) return;
  const expected = type === 'string[]' ? 'string' : type;
  if (typeof v !== expected) problems.push({ path, message: `must be a ${expected} for this fact` });
}

/** The points a table gives a value: the key's entry or the default; a list scores its highest entry. */
export function tablePoints(
  table: RiskTable,
  value: string | string[],
): { points: number; key: string | null } {
  const values = typeof value === 'string' ? [value] : value;
  let best: { points: number; key: string | null } = { points: table.default, key: null };
  let first = true;
  for (const v of values) {
    const hit = Object.hasOwn(table.entries, v);
    const points = hit ? table.entries[v]! : table.default;
    if (first || points > best.points) best = { points, key: hit ? v : null };
    first = false;
  }
  return best;
}

/**
 * Evaluates a checked condition; `read` records each fact name read. Exported for the engine and
 * its tests; models must pass validateRiskModel first.
 */
export function evaluateCondition(
  c: RiskCondition,
  facts: Facts,
  tables: Readonly<Record<string, RiskTable>>,
  read: Set<string>,
): boolean {
  return evaluateConditionTree(c, (leaf) => {
    read.add(leaf.fact);
    const v = readFact(facts, leaf.fact);
    if ('present' in leaf) return (v !== null) === leaf.present;
    if (v === null) return false;
    if ('equals' in leaf) return Array.isArray(v) ? v.includes(leaf.equals as string) : v === leaf.equals;
    if ('in' in leaf)
      return Array.isArray(v) ? v.some((x) => leaf.in.includes(x)) : leaf.in.includes(v as ConditionValue);
    if ('atLeast' in leaf) return hasFactType(v, 'number') && (v as number) >= leaf.atLeast;
    const table = tables[leaf.lookup.table]!;
    const listOrString =
      hasFactType(v, 'string') || (hasFactType(v, 'string[]') && (v as string[]).length > 0);
    return listOrString && tablePoints(table, v as string | string[]).points >= leaf.lookup.atLeast;
  });
}
