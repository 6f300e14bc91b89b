/**
 * The `showIf` condition language: checked against the definition (only earlier fields in scope,
 * comparable values, bounded size) and evaluated against answers. Evaluation is three-valued: when a
 * field a condition reads holds an invalid answer, visibility is unknown, so the engine reports the
 * real error rather than a knock-on "hidden field" or "required" error.
 */
import {
  checkConditionTree,
  checkValueList,
  evaluateConditionTree,
} from '../../../platform/definitions/condition-tree.ts';
import type { Problem } from '../../../platform/definitions/problems.ts';
import { isCountryCode } from '../../subjects/countries.ts';
import type { Condition, ConditionValue, Field } from './definition.schema.ts';
import { FIELD_KEY, LIMITS } from './limits.ts';
import { isIsoDate } from './text.ts';

export type { Problem };

/** Fields visible to a condition: the earlier fields of each scope, innermost first. */
export type DefinitionScope = {
  earlier: Map<string, Field>;
  /** Every key of this scope, to tell "later field" from "unknown field". */
  all: Set<string>;
  parent: DefinitionScope | undefined;
};

/** Checks one condition; appends problems and returns nothing. `path` is the condition's JSON pointer. */
export function checkCondition(
  cond: unknown,
  path: string,
  ownKey: string,
  scope: DefinitionScope,
  problems: Problem[],
): void {
  checkConditionTree(cond, path, LIMITS, problems, (c, p, keys) => {
    if (keys === 'equals,field' || keys === 'field,in' || keys === 'field,notEmpty') {
      const target = resolveField(c.field, `${p}/field`, ownKey, scope, problems);
      if (!target) return;
      if ('notEmpty' in c) {
        if (c.notEmpty !== true) problems.push({ path: `${p}/notEmpty`, message: 'must be true' });
        return;
      }
      if ('equals' in c) {
        checkComparable(target, c.equals, `${p}/equals`, problems);
        return;
      }
      const list = c.in;
      if (!checkValueList(list, `${p}/in`, LIMITS.maxConditionValues, problems)) return;
      list.forEach((v, i) => checkComparable(target, v, `${p}/in/${i}`, problems));
      return;
    }
    problems.push({
      path: p,
      message:
        'must be one of {field, equals}, {field, in}, {field, notEmpty: true}, {all: [...]}, {any: [...]}, {not: ...}',
    });
  });
}

function resolveField(
  key: unknown,
  path: string,
  ownKey: string,
  scope: DefinitionScope,
  problems: Problem[],
): Field | undefined {
  if (typeof key !== 'string' || !FIELD_KEY.test(key)) {
    problems.push({ path, message: 'must be a field key' });
    return undefined;
  }
  if (key === ownKey) {
    problems.push({ path, message: 'a field cannot depend on itself' });
    return undefined;
  }
  // A later field of a scope hides any field of that name further out: refused rather than guessed.
  for (let s: DefinitionScope | undefined = scope; s; s = s.parent) {
    const f = s.earlier.get(key);
    if (f) return f;
    if (s.all.has(key)) {
      problems.push({
        path,
        message: `refers to "${key}", which comes later in the form; only earlier fields may be used`,
      });
      return undefined;
    }
  }
  problems.push({ path, message: `refers to unknown field "${key}"` });
  return undefined;
}

/** A value a condition compares with must be one the field can hold. */
function checkComparable(field: Field, value: unknown, path: string, problems: Problem[]): void {
  const fail = (message: string): void => {
    problems.push({ path, message });
  };
  switch (field.kind) {
    case 'group':
      return fail('a group can only be tested with notEmpty');
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) fail('must be a number');
      return;
    case 'boolean':
      if (typeof value !== 'boolean') fail('must be true or false');
      return;
    default:
      if (typeof value !== 'string' || value.length > LIMITS.maxText) return fail('must be a string');
      if (
        (field.kind === 'choice' || field.kind === 'multichoice') &&
        !field.options.some((o) => o.value === value)
      )
        return fail(`"${value}" is not an option of "${field.key}"`);
      if (field.kind === 'country' && !isCountryCode(value))
        return fail('must be an ISO 3166-1 alpha-2 country code');
      if (field.kind === 'date' && !isIsoDate(value)) return fail('must be a date (YYYY-MM-DD)');
  }
}

/** What evaluation knows of a field: a valid answer, no answer, or an invalid one. */
export type Known = { state: 'value'; value: unknown } | { state: 'absent' } | { state: 'unknown' };

/** Answers in scope at evaluation time, innermost first, holding only fields already validated. */
export type AnswerScope = { known: Map<string, Known>; parent: AnswerScope | undefined };

/** Three-valued: true, false, or undefined when it depends on an invalid answer. */
export function evaluateCondition(cond: Condition, scope: AnswerScope): boolean | undefined {
  const r = evaluateConditionTree(cond, (leaf) => {
    const known = lookup(leaf.field, scope);
    if (known.state === 'unknown') return null;
    if (known.state === 'absent') return false;
    const v = known.value;
    if ('notEmpty' in leaf) return true; // present answers are never empty: empty ones are 'absent'
    const wanted: ConditionValue[] = 'equals' in leaf ? [leaf.equals] : leaf.in;
    if (Array.isArray(v)) return v.some((item) => wanted.includes(item as ConditionValue));
    return wanted.includes(v as ConditionValue);
  });
  return r ?? undefined;
}

function lookup(key: string, scope: AnswerScope): Known {
  for (let s: AnswerScope | undefined = scope; s; s = s.parent) {
    const k = s.known.get(key);
    if (k) return k;
  }
  return { state: 'absent' };
}
