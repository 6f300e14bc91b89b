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

/** Renders Ajv errors as short, stable, client-safe messages. */
export function describeAjvErrors(errors: ErrorObject[] | null | undefined, root = ''): { path: string; message: string }[] {
  return (errors ?? []).map((e) => {
    const path = `${root}${e.instancePath}`;
    if (e.keyword === 'additionalProperties') {
      const prop = (e.params as { additionalProperty: string }).additionalProperty;
      return { path: `${path}/${prop}`, message: 'unknown field' };
    }
    return { path: path || '/', message: e.message ?? 'invalid' };
  });
}
