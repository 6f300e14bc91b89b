/**
 * One place that builds JSON-schema validators (Ajv), so configuration, HTTP input and CLI input are
 * checked by the same engine with the same formats.
 */
import { Ajv, type ErrorObject, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats ships CommonJS; under nodenext its default export is the module object.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** Builds an Ajv instance. `coerce` is only for query strings and path parameters, never bodies. */
export function createAjv(options: { coerce?: boolean } = {}): Ajv {
  const opts: Options = {
    allErrors: false,
    strict: false,
    removeAdditional: false,
    useDefaults: true,
    coerceTypes: options.coerce ? 'array' : false,
  };
  const ajv = new Ajv(opts);
  addFormats(ajv);
  return ajv;
}

/** Renders Ajv errors as short, stable, client-safe messages, one per path. */
export function describeAjvErrors(
  errors: ErrorObject[] | null | undefined,
  root = '',
): { path: string; message: string }[] {
  const byPath = new Map<string, { consts: unknown[]; messages: string[] }>();
  for (const e of errors ?? []) {
    let path = `${root}${e.instancePath}` || '/';
    let message = e.message ?? 'invalid';
    if (e.keyword === 'additionalProperties') {
      path = `${root}${e.instancePath}/${(e.params as { additionalProperty: string }).additionalProperty}`;
      message = 'unknown field';
    }
    const entry = byPath.get(path) ?? { consts: [], messages: [] };
    if (e.keyword === 'const') entry.consts.push((e.params as { allowedValue: unknown }).allowedValue);
    else if (e.keyword === 'enum')
      entry.consts.push(...((e.params as { allowedValues: unknown[] }).allowedValues ?? []));
    else if (e.keyword !== 'anyOf' && e.keyword !== 'oneOf') entry.messages.push(message);
    else if (!entry.messages.length && !entry.consts.length) entry.messages.push(message);
    byPath.set(path, entry);
  }
  return [...byPath].map(([path, { consts, messages }]) => ({
    path,
    message: messages.length
      ? messages[0]!
      : `must be one of: ${consts.map((c) => JSON.stringify(c)).join(', ')}`,
  }));
}
