/**
 * Checks a form definition, which is hostile input like any other: shape (closed TypeBox schemas,
 * one field at a time), keys, bounds, options, conditions, group nesting and overall size. Returns
 * problems as {path, message} with JSON-pointer paths; an empty list means the definition is usable.
 */
import { checkJsonSize, collectProblems, isPlainObject } from '../../../platform/definitions/problems.ts';
import { checkObjectShape, kindShapes } from '../../../platform/definitions/shapes.ts';
import { createAjv } from '../../../platform/validation.ts';
import { checkCondition, type DefinitionScope, type Problem } from './conditions.ts';
import {
  FIELD_KINDS,
  FIELD_SCHEMAS,
  FormDefinitionShape,
  TEXT_FORMATS,
  type Field,
  type FormDefinition,
} from './definition.schema.ts';
import { FIELD_KEY, FORM_KEY, LIMITS, RESERVED_KEYS } from './limits.ts';
import { isIsoDate, normaliseText } from './text.ts';

export type { Problem } from './conditions.ts';

const ajv = createAjv();
const definitionShape = ajv.compile(FormDefinitionShape);
const checkFieldShape = kindShapes(ajv, FIELD_KINDS, FIELD_SCHEMAS);

/** Returns the problems of a definition; empty when it is valid. Never throws. */
export function validateDefinition(def: unknown): Problem[] {
  return collectProblems('definition', (problems) => check(def, problems), LIMITS.maxErrors);
}

/** Narrows an unknown value to a FormDefinition, or returns its problems. */
export function parseDefinition(
  def: unknown,
): { ok: true; definition: FormDefinition } | { ok: false; problems: Problem[] } {
  const problems = validateDefinition(def);
  return problems.length ? { ok: false, problems } : { ok: true, definition: def as FormDefinition };
}

function check(def: unknown, problems: Problem[]): void {
  if (!checkJsonSize(def, 'definition', LIMITS.maxDefinitionBytes, 64, problems)) return;
  if (!checkObjectShape(def, definitionShape, problems)) return;
  if (!FORM_KEY.test(def.key as string))
    problems.push({
      path: '/key',
      message: 'must be lower-case letters, digits, "_" or "-", starting with a letter',
    });
  checkText(def.title as string, '/title', false, problems);
  const counter = { fields: 0 };
  walkFields(def.fields as unknown[], '/fields', 0, undefined, counter, problems);
}

function walkFields(
  fields: unknown[],
  path: string,
  groupDepth: number,
  parent: DefinitionScope | undefined,
  counter: { fields: number },
  problems: Problem[],
): void {
  const all = new Set<string>();
  for (const f of fields) if (isPlainObject(f) && typeof f.key === 'string') all.add(f.key);
  const scope: DefinitionScope = { earlier: new Map(), all, parent };
  const seen = new Set<string>();

  for (let i = 0; i < fields.length; i++) {
    counter.fields++;
    if (counter.fields > LIMITS.maxFields) {
      problems.push({ path: `${path}/${i}`, message: `a form has at most ${LIMITS.maxFields} fields` });
      return;
    }
    const p = `${path}/${i}`;
    const f = fields[i];
    if (!isPlainObject(f)) {
      problems.push({ path: p, message: 'must be a field object' });
      continue;
    }
    if (Object.hasOwn(f, 'pattern') || Object.hasOwn(f, 'regex')) {
      problems.push({
        path: `${p}/${Object.hasOwn(f, 'pattern') ? 'pattern' : 'regex'}`,
        message: `regular expressions are not supported; use format (${TEXT_FORMATS.join(', ')})`,
      });
      continue;
    }
    if (!checkFieldShape(f, p, problems)) continue;
    const field = f as Field;
    const key = field.key;
    if (!FIELD_KEY.test(key) || RESERVED_KEYS.has(key)) {
      problems.push({
        path: `${p}/key`,
        message: RESERVED_KEYS.has(key)
          ? `"${key}" is reserved`
          : 'must be lower-case letters, digits or "_", starting with a letter, at most 63 characters',
      });
    } else if (seen.has(key)) {
      problems.push({ path: `${p}/key`, message: `duplicate key "${key}" in the same list of fields` });
    }
    seen.add(key);
    checkText(field.label, `${p}/label`, false, problems);
    if (field.help !== undefined) checkText(field.help, `${p}/help`, true, problems);
    checkField(field, p, problems);
    if (field.showIf !== undefined) checkCondition(field.showIf, `${p}/showIf`, key, scope, problems);
    if (field.kind === 'group') {
      if (groupDepth + 1 > LIMITS.maxGroupDepth) {
        problems.push({ path: p, message: `groups nest at most ${LIMITS.maxGroupDepth} levels` });
      } else {
        walkFields(field.fields, `${p}/fields`, groupDepth + 1, scope, counter, problems);
      }
    }
    if (!scope.earlier.has(key)) scope.earlier.set(key, field);
  }
}

function checkField(field: Field, p: string, problems: Problem[]): void {
  const order = (lo: number | undefined, hi: number | undefined, loName: string, hiName: string) => {
    if (lo !== undefined && hi !== undefined && lo > hi)
      problems.push({ path: `${p}/${loName}`, message: `${loName} must not exceed ${hiName}` });
  };
  switch (field.kind) {
    case 'text':
    case 'textarea':
      order(field.minLength, field.maxLength, 'minLength', 'maxLength');
      return;
    case 'number':
      for (const b of ['min', 'max'] as const) {
        const v = field[b];
        if (v !== undefined && !Number.isFinite(v))
          problems.push({ path: `${p}/${b}`, message: 'must be finite' });
      }
      order(field.min, field.max, 'min', 'max');
      return;
    case 'date': {
      let ok = true;
      for (const b of ['min', 'max'] as const) {
        const v = field[b];
        if (v !== undefined && !isIsoDate(v)) {
          ok = false;
          problems.push({ path: `${p}/${b}`, message: 'must be a date (YYYY-MM-DD)' });
        }
      }
      if (ok && field.min !== undefined && field.max !== undefined && field.min > field.max)
        problems.push({ path: `${p}/min`, message: 'min must not be after max' });
      return;
    }
    case 'choice':
    case 'multichoice': {
      const values = new Set<string>();
      field.options.forEach((o, i) => {
        const v = normaliseText(o.value, false);
        if (!v.ok || v.value !== o.value)
          problems.push({
            path: `${p}/options/${i}/value`,
            message: 'must be trimmed, NFC-normalised text without control characters',
          });
        if (values.has(o.value))
          problems.push({ path: `${p}/options/${i}/value`, message: `duplicate option value "${o.value}"` });
        values.add(o.value);
        checkText(o.label, `${p}/options/${i}/label`, false, problems);
      });
      if (field.kind === 'multichoice') {
        order(field.minItems, field.maxItems, 'minItems', 'maxItems');
        for (const b of ['minItems', 'maxItems'] as const) {
          const v = field[b];
          if (v !== undefined && v > field.options.length)
            problems.push({ path: `${p}/${b}`, message: `${b} exceeds the number of options` });
        }
      }
      return;
    }
    case 'group':
      if (field.repeat.min > field.repeat.max)
        problems.push({ path: `${p}/repeat/min`, message: 'min must not exceed max' });
      return;
    default:
      return;
  }
}

/** Labels, titles and help are shown to clients and staff: no control characters (help may break lines). */
function checkText(s: string, path: string, multiline: boolean, problems: Problem[]): void {
  const r = normaliseText(s, multiline);
  if (!r.ok) problems.push({ path, message: r.message });
  else if (!r.value) problems.push({ path, message: 'must not be blank' });
}
