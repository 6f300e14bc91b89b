/**
 * A definition sent by staff, checked by the forms engine before anything is stored. Problems come
 * back as a 400 with the engine's field-level problems, their paths under `/definition`.
 */
import { AppError } from '../../platform/errors.ts';
import { parseDefinition, type FormDefinition } from './definition/index.ts';

const under = (path: string) => `/definition${path === '/' ? '' : path}`;

const invalid = (errors: { path: string; message: string }[]) =>
  new AppError('validation', 'the form definition is invalid', { reason: 'invalid_definition', errors });

/** The definition, if the engine accepts it and its key is the form's key; else a `validation` error. */
export function checkedDefinition(definition: unknown, formKey: string): FormDefinition {
  const parsed = parseDefinition(definition);
  if (!parsed.ok) throw invalid(parsed.problems.map((p) => ({ path: under(p.path), message: p.message })));
  if (parsed.definition.key !== formKey)
    throw invalid([{ path: '/definition/key', message: `must be the form's key "${formKey}"` }]);
  return parsed.definition;
}

/** Fields in a definition, counting the fields of groups (for audit payloads). */
export function countFields(def: FormDefinition): number {
  let n = 0;
  const walk = (fields: FormDefinition['fields']) => {
    for (const f of fields) {
      n++;
      if (f.kind === 'group') walk(f.fields);
    }
  };
  walk(def.fields);
  return n;
}
