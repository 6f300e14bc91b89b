/**
 * The closed-schema steps the definition validators share: the document's root object, and lists of
 * items told apart by `kind`, each kind with its own closed schema (checked one item at a time, so
 * one bad item yields its own problems and a hostile nesting never reaches a recursive schema).
 */
import type { AnySchema, Ajv, ErrorObject, ValidateFunction } from 'ajv';
import { describeAjvErrors } from '../validation.ts';
import { isPlainObject, type Problem } from './problems.ts';

/**
 * Checks that `value` is an object of the closed `shape`, adding "must be an object" or the schema's
 * problems (through `describe`, by default describeAjvErrors) when it is not.
 */
export function checkObjectShape(
  value: unknown,
  shape: ValidateFunction,
  problems: Problem[],
  describe: (errors: ErrorObject[] | null | undefined) => Problem[] = describeAjvErrors,
): value is Record<string, unknown> {
  if (!isPlainObject(value)) {
    problems.push({ path: '/', message: 'must be an object' });
    return false;
  }
  if (!shape(value)) {
    problems.push(...describe(shape.errors));
    return false;
  }
  return true;
}

/**
 * Compiles one schema per kind and returns the check of one item: its `kind` must be one of `kinds`
 * (a problem at `<path>/kind` otherwise), then the item must match that kind's schema (problems
 * under `path`). True when the item can be read as its kind.
 */
export function kindShapes<K extends string>(
  ajv: Ajv,
  kinds: readonly K[],
  schemas: Readonly<Record<K, AnySchema>>,
): (item: Record<string, unknown>, path: string, problems: Problem[]) => boolean {
  const shapes = new Map<string, ValidateFunction>(kinds.map((kind) => [kind, ajv.compile(schemas[kind])]));
  return (item, path, problems) => {
    const shape = typeof item.kind === 'string' ? shapes.get(item.kind) : undefined;
    if (!shape) {
      problems.push({ path: `${path}/kind`, message: `must be one of: ${kinds.join(', ')}` });
      return false;
    }
    if (!shape(item)) {
      problems.push(...describeAjvErrors(shape.errors, path));
      return false;
    }
    return true;
  };
}
