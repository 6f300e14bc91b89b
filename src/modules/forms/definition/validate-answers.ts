/**
 * Validates a client's answers against a form definition and returns the normalised answers. Both
 * inputs are treated as hostile: the definition is checked first, the answers are size- and
 * depth-limited before they are read, only own keys are read, unknown keys are refused and nothing is
 * ever thrown. `draft` mode checks types, formats and upper limits so partial answers can be saved;
 * `submit` also checks required answers and lower limits (minimum length, minimum items).
 *
 * Hidden fields (showIf false) are never required, and an answer given for one is refused with
 * `hidden_field` rather than dropped: dropping would silently lose what the client typed, and a
 * client that sends answers for questions it was never shown is either out of date or probing.
 */
import { measureJson } from '../../../platform/definitions/json-size.ts';
import { pointerSegment } from '../../../platform/definitions/problems.ts';
import { isCountryCode } from '../../subjects/countries.ts';
import { evaluateCondition, type AnswerScope, type Known } from './conditions.ts';
import type { Field, FormDefinition } from './definition.schema.ts';
import { LIMITS } from './limits.ts';
import { charLength, checkFormat, isIsoDate, normaliseText } from './text.ts';
import { validateDefinition } from './validate-definition.ts';

/** Stable machine codes of answer errors. */
export type AnswerErrorCode =
  | 'invalid_definition'
  | 'payload_too_large'
  | 'too_deep'
  | 'too_many_errors'
  | 'unreadable'
  | 'type'
  | 'required'
  | 'unknown_field'
  | 'hidden_field'
  | 'invalid_character'
  | 'too_short'
  | 'too_long'
  | 'format'
  | 'not_integer'
  | 'too_small'
  | 'too_large'
  | 'too_early'
  | 'too_late'
  | 'not_an_option'
  | 'duplicate_item'
  | 'not_a_country'
  | 'too_few_items'
  | 'too_many_items';

export type AnswerError = { path: string; code: AnswerErrorCode; message: string };

export type ValidateAnswersOptions = {
  mode: 'draft' | 'submit';
  /** The date relative date rules are measured from (YYYY-MM-DD), in the form's time zone. */
  today: string;
};

/** `value` holds the normalised answers that passed; use it only when `ok` is true. */
export type AnswersResult = { ok: boolean; errors: AnswerError[]; value: Record<string, unknown> };

type Ctx = { mode: 'draft' | 'submit'; today: string; errors: AnswerError[]; count: number };
type Checked = { ok: true; value: unknown } | { ok: false };

const FAIL: Checked = { ok: false };

const isPlainObject = (v: unknown): v is Record<string, unknown> => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

/**
 * Validates `answers` against `def`. Throws only for a programming error in `options` (unknown mode,
 * malformed `today`); hostile definitions and answers yield errors, never exceptions.
 */
export function validateAnswers(
  def: FormDefinition,
  answers: unknown,
  options: ValidateAnswersOptions,
): AnswersResult {
  if (options.mode !== 'draft' && options.mode !== 'submit')
    throw new TypeError('mode must be draft or submit');
  if (typeof options.today !== 'string' || !isIsoDate(options.today))
    throw new TypeError('today must be a date (YYYY-MM-DD)');
  const ctx: Ctx = { mode: options.mode, today: options.today, errors: [], count: 0 };
  let value: Record<string, unknown>;
  try {
    value = run(def, answers, ctx);
  } catch {
    // Only reachable with values no JSON parser produces (proxies, throwing getters).
    ctx.errors = [];
    ctx.count = 0;
    value = {};
    report(ctx, '', 'unreadable', 'The answers could not be read.');
  }
  if (ctx.count > ctx.errors.length)
    ctx.errors.push({
      path: '',
      code: 'too_many_errors',
      message: `${ctx.count - ctx.errors.length} more errors were not listed.`,
    });
  return { ok: ctx.count === 0, errors: ctx.errors, value };
}

function report(ctx: Ctx, path: string, code: AnswerErrorCode, message: string): void {
  ctx.count++;
  if (ctx.errors.length < LIMITS.maxErrors) ctx.errors.push({ path, code, message });
}

function run(def: FormDefinition, answers: unknown, ctx: Ctx): Record<string, unknown> {
  if (validateDefinition(def).length) {
    report(ctx, '', 'invalid_definition', 'The form definition is invalid.');
    return {};
  }
  const size = measureJson(answers, LIMITS.maxAnswerBytes, LIMITS.maxAnswerDepth);
  if (!size.ok) {
    if (size.reason === 'too_large')
      report(
        ctx,
        '',
        'payload_too_large',
        `The answers are larger than ${LIMITS.maxAnswerBytes / 1024} KiB.`,
      );
    else report(ctx, '', 'too_deep', 'The answers are nested too deeply.');
    return {};
  }
  if (!isPlainObject(answers)) {
    report(ctx, '', 'type', 'The answers must be an object.');
    return {};
  }
  return checkScope(def.fields, answers, '', undefined, ctx);
}

/** One list of fields against one object: the whole form, or one item of a group. */
function checkScope(
  fields: Field[],
  obj: Record<string, unknown>,
  base: string,
  parent: AnswerScope | undefined,
  ctx: Ctx,
): Record<string, unknown> {
  const known = new Map<string, Known>();
  const scope: AnswerScope = { known, parent };
  const out: Record<string, unknown> = {};
  const defined = new Set(fields.map((f) => f.key));
  for (const k of Object.keys(obj)) {
    if (!defined.has(k))
      report(ctx, `${base}/${pointerSegment(k)}`, 'unknown_field', 'This is not a question of the form.');
  }

  for (const field of fields) {
    const path = `${base}/${field.key}`;
    const raw = Object.hasOwn(obj, field.key) ? obj[field.key] : undefined;
    const visible = field.showIf ? evaluateCondition(field.showIf, scope) : true;
    const blank = isBlank(field, raw);
    if (visible === false) {
      if (!blank) report(ctx, path, 'hidden_field', 'This question is not asked given the other answers.');
      known.set(field.key, { state: 'absent' });
      continue;
    }
    if (blank) {
      // Visibility unknown (it depends on an invalid answer): the real error is reported there.
      if (visible === true && ctx.mode === 'submit' && field.required)
        report(ctx, path, 'required', 'An answer is required.');
      known.set(field.key, { state: 'absent' });
      continue;
    }
    const r = checkValue(field, raw, path, scope, ctx);
    if (r.ok) {
      out[field.key] = r.value;
      known.set(field.key, { state: 'value', value: r.value });
    } else {
      known.set(field.key, { state: 'unknown' });
    }
  }
  return out;
}

/**
 * No answer: absent or null; a blank (whitespace-only) string for string kinds; an empty list for
 * list kinds. Numbers and booleans are never coerced, so '' for them is a type error.
 */
function isBlank(field: Field, raw: unknown): boolean {
  if (raw === undefined || raw === null) return true;
  if (typeof raw === 'string')
    return field.kind !== 'number' && field.kind !== 'boolean' && raw.trim() === '';
  if (Array.isArray(raw)) return (field.kind === 'multichoice' || field.kind === 'group') && raw.length === 0;
  return false;
}

function checkValue(field: Field, raw: unknown, path: string, scope: AnswerScope, ctx: Ctx): Checked {
  const fail = (code: AnswerErrorCode, message: string, at = path): Checked => {
    report(ctx, at, code, message);
    return FAIL;
  };
  const submit = ctx.mode === 'submit';

  switch (field.kind) {
    case 'text':
    case 'textarea': {
      if (typeof raw !== 'string') return fail('type', 'Must be text.');
      const n = normaliseText(raw, field.kind === 'textarea');
      if (!n.ok)
        return fail('invalid_character', `Must not contain control characters or invalid characters.`);
      const cap = Math.min(
        field.maxLength ?? Infinity,
        field.kind === 'text' ? LIMITS.maxText : LIMITS.maxTextarea,
      );
      const len = charLength(n.value);
      if (len > cap) return fail('too_long', `Must be at most ${cap} characters.`);
      if (submit && field.minLength !== undefined && len < field.minLength)
        return fail('too_short', `Must be at least ${field.minLength} characters.`);
      if (field.kind === 'text' && field.format) {
        const f = checkFormat(field.format, n.value);
        if (!f.ok) return fail('format', `${capitalise(f.message)}.`);
        return { ok: true, value: f.value };
      }
      return { ok: true, value: n.value };
    }
    case 'number': {
      if (typeof raw !== 'number' || !Number.isFinite(raw)) return fail('type', 'Must be a number.');
      if (field.integer && !Number.isSafeInteger(raw)) return fail('not_integer', 'Must be a whole number.');
      if (field.min !== undefined && raw < field.min)
        return fail('too_small', `Must be at least ${field.min}.`);
      if (field.max !== undefined && raw > field.max)
        return fail('too_large', `Must be at most ${field.max}.`);
      return { ok: true, value: raw === 0 ? 0 : raw };
    }
    case 'date': {
      if (typeof raw !== 'string') return fail('type', 'Must be a date (YYYY-MM-DD).');
      const v = raw.trim();
      if (!isIsoDate(v)) return fail('format', 'Must be a date written YYYY-MM-DD.');
      if (field.min !== undefined && v < field.min)
        return fail('too_early', `Must be on or after ${field.min}.`);
      if (field.max !== undefined && v > field.max)
        return fail('too_late', `Must be on or before ${field.max}.`);
      const t = ctx.today;
      switch (field.relative) {
        case 'past':
          if (v >= t) return fail('too_late', 'Must be in the past.');
          break;
        case 'not_future':
          if (v > t) return fail('too_late', 'Must not be in the future.');
          break;
        case 'future':
          if (v <= t) return fail('too_early', 'Must be in the future.');
          break;
        case 'not_past':
          if (v < t) return fail('too_early', 'Must not be in the past.');
          break;
      }
      return { ok: true, value: v };
    }
    case 'boolean':
      if (typeof raw !== 'boolean') return fail('type', 'Must be true or false.');
      return { ok: true, value: raw };
    case 'choice': {
      if (typeof raw !== 'string') return fail('type', 'Must be one of the options.');
      const n = normaliseText(raw, false);
      if (!n.ok || !field.options.some((o) => o.value === n.value))
        return fail('not_an_option', 'Must be one of the options.');
      return { ok: true, value: n.value };
    }
    case 'multichoice': {
      if (!Array.isArray(raw)) return fail('type', 'Must be a list of options.');
      const max = field.maxItems ?? field.options.length;
      // Checked before any item is read, so a huge list costs nothing.
      if (raw.length > max) return fail('too_many_items', `Choose at most ${max}.`);
      if (submit && field.minItems !== undefined && raw.length < field.minItems)
        return fail('too_few_items', `Choose at least ${field.minItems}.`);
      const chosen: string[] = [];
      let ok = true;
      raw.forEach((item: unknown, i) => {
        const n = typeof item === 'string' ? normaliseText(item, false) : undefined;
        if (!n?.ok || !field.options.some((o) => o.value === n.value)) {
          ok = false;
          report(ctx, `${path}/${i}`, 'not_an_option', 'Must be one of the options.');
        } else if (chosen.includes(n.value)) {
          ok = false;
          report(ctx, `${path}/${i}`, 'duplicate_item', 'This option is chosen twice.');
        } else chosen.push(n.value);
      });
      return ok ? { ok: true, value: chosen } : FAIL;
    }
    case 'country': {
      if (typeof raw !== 'string') return fail('type', 'Must be a country code.');
      const v = raw.trim();
      if (!/^[A-Z]{2}$/.test(v) || !isCountryCode(v))
        return fail('not_a_country', 'Must be an upper-case ISO 3166-1 alpha-2 country code, e.g. GB.');
      return { ok: true, value: v };
    }
    case 'group': {
      if (!Array.isArray(raw)) return fail('type', 'Must be a list of entries.');
      const { min, max } = field.repeat;
      if (raw.length > max) return fail('too_many_items', `Give at most ${max} entries.`);
      if (submit && raw.length < min) return fail('too_few_items', `Give at least ${min} entries.`);
      const before = ctx.count;
      const items: Record<string, unknown>[] = [];
      raw.forEach((item: unknown, i) => {
        if (!isPlainObject(item)) report(ctx, `${path}/${i}`, 'type', 'Each entry must be an object.');
        else items.push(checkScope(field.fields, item, `${path}/${i}`, scope, ctx));
      });
      return ctx.count === before ? { ok: true, value: items } : FAIL;
    }
  }
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
