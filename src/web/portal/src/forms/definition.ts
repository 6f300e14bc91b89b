/**
 * The questionnaire definition format as the portal renders it (the forms engine's
 * definition.schema.ts is the source), and the `showIf` evaluation the server applies, so a hidden
 * question is neither shown nor sent (the server refuses answers to hidden questions). The server
 * validates everything again; this only decides what to show.
 */

export type ConditionValue = string | number | boolean;
export type Condition =
  | { field: string; equals: ConditionValue }
  | { field: string; in: ConditionValue[] }
  | { field: string; notEmpty: true }
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition };

interface Common {
  key: string;
  label: string;
  required: boolean;
  help?: string;
  showIf?: Condition;
}
export type TextFormat = 'email' | 'phone' | 'iban' | 'postcode' | 'url';
export interface ChoiceOption {
  value: string;
  label: string;
}

export type FormField =
  | (Common & { kind: 'text'; minLength?: number; maxLength?: number; format?: TextFormat })
  | (Common & { kind: 'textarea'; minLength?: number; maxLength?: number })
  | (Common & { kind: 'number'; integer?: boolean; min?: number; max?: number })
  | (Common & {
      kind: 'date';
      min?: string;
      max?: string;
      relative?: 'past' | 'not_future' | 'future' | 'not_past';
    })
  | (Common & { kind: 'boolean' })
  | (Common & { kind: 'choice'; options: ChoiceOption[] })
  | (Common & { kind: 'multichoice'; options: ChoiceOption[]; minItems?: number; maxItems?: number })
  | (Common & { kind: 'country' })
  | (Common & { kind: 'group'; repeat: { min: number; max: number }; fields: FormField[] });

export interface FormDefinition {
  key: string;
  title: string;
  fields: FormField[];
}

export type Answers = Record<string, unknown>;

/** The answers visible to conditions: one map per scope (the form, a group entry), innermost first. */
export interface Scope {
  /** Fields of this scope already walked: their answer, or undefined when absent or hidden. */
  values: Map<string, unknown>;
  parent: Scope | undefined;
}

/** No answer: absent, null, blank text, an empty list (numbers and booleans are never blank). */
export function isBlank(field: FormField, raw: unknown): boolean {
  if (raw === undefined || raw === null) return true;
  if (typeof raw === 'string')
    return field.kind !== 'number' && field.kind !== 'boolean' && raw.trim() === '';
  if (Array.isArray(raw)) return (field.kind === 'multichoice' || field.kind === 'group') && raw.length === 0;
  return false;
}

function lookup(key: string, scope: Scope | undefined): unknown {
  for (let s = scope; s; s = s.parent) if (s.values.has(key)) return s.values.get(key);
  return undefined;
}

export function evaluate(cond: Condition, scope: Scope): boolean {
  if ('all' in cond) return cond.all.every((c) => evaluate(c, scope));
  if ('any' in cond) return cond.any.some((c) => evaluate(c, scope));
  if ('not' in cond) return !evaluate(cond.not, scope);
  const v = lookup(cond.field, scope);
  if (v === undefined) return false;
  if ('notEmpty' in cond) return true;
  const wanted: ConditionValue[] = 'equals' in cond ? [cond.equals] : cond.in;
  if (Array.isArray(v)) return v.some((item) => wanted.includes(item as ConditionValue));
  return wanted.includes(v as ConditionValue);
}

/**
 * Walks one list of fields in order: which are shown, and the answers to send (hidden and blank
 * ones left out, groups walked entry by entry). `onField` sees each field with its visibility and
 * the scope of the fields before it.
 */
export function walkFields(
  fields: FormField[],
  values: Answers,
  parent: Scope | undefined,
  onField?: (field: FormField, visible: boolean, scope: Scope) => void,
): Answers {
  const scope: Scope = { values: new Map(), parent };
  const out: Answers = {};
  for (const field of fields) {
    const visible = field.showIf ? evaluate(field.showIf, scope) : true;
    onField?.(field, visible, scope);
    const raw = values[field.key];
    if (!visible || isBlank(field, raw)) {
      scope.values.set(field.key, undefined);
      continue;
    }
    if (field.kind === 'group' && Array.isArray(raw)) {
      out[field.key] = raw.map((item) =>
        typeof item === 'object' && item !== null ? walkFields(field.fields, item as Answers, scope) : item,
      );
    } else out[field.key] = typeof raw === 'string' && field.kind !== 'textarea' ? raw.trim() : raw;
    scope.values.set(field.key, out[field.key]);
  }
  return out;
}

/** The answers to send: only visible, non-blank answers. */
export function answersToSend(def: FormDefinition, values: Answers): Answers {
  return walkFields(def.fields, values, undefined);
}

/** Reads a definition from the API (unknown) with a light shape check. */
export function asDefinition(v: unknown): FormDefinition | null {
  if (typeof v !== 'object' || v === null) return null;
  const d = v as Partial<FormDefinition>;
  return typeof d.title === 'string' && Array.isArray(d.fields) ? (d as FormDefinition) : null;
}
