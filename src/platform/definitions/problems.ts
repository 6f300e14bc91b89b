/**
 * What every definition validator (forms, risk models, completeness requirements, review policies)
 * shares: the problem type, the plain-object test, RFC 6901 pointer segments, the bounded size check,
 * and the wrapper that makes a validator total (never throws, bounded output).
 */
import { measureJson } from './json-size.ts';

/** One thing wrong with a definition: a JSON pointer into it and a message for its author. */
export type Problem = { path: string; message: string };

/** An object that is not an array or null (JSON's objects, as parsed). */
export const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** RFC 6901 escaping of one JSON-pointer segment. */
export const pointerSegment = (key: string): string => key.replaceAll('~', '~0').replaceAll('/', '~1');

/**
 * Runs `check` and returns its problems. Never throws: a throw (only reachable with values no JSON
 * parser produces: proxies, throwing getters) adds "<what> could not be read". With `maxErrors`, the
 * list is cut there and ends with "N more problems not listed", so a hostile definition cannot make
 * the answer large.
 */
export function collectProblems(
  what: string,
  check: (problems: Problem[]) => void,
  maxErrors?: number,
): Problem[] {
  const problems: Problem[] = [];
  try {
    check(problems);
  } catch {
    problems.push({ path: '/', message: `${what} could not be read` });
  }
  if (maxErrors !== undefined && problems.length > maxErrors) {
    const more = problems.length - maxErrors;
    problems.length = maxErrors;
    problems.push({ path: '/', message: `${more} more problems not listed` });
  }
  return problems;
}

/**
 * Bounds the work done on a definition before anything else reads it (measureJson: no recursion, no
 * serialising). Returns false after adding a problem at "/" when it is too large or too deep.
 */
export function checkJsonSize(
  value: unknown,
  what: string,
  maxBytes: number,
  maxDepth: number,
  problems: Problem[],
): boolean {
  const size = measureJson(value, maxBytes, maxDepth);
  if (size.ok) return true;
  problems.push({
    path: '/',
    message:
      size.reason === 'too_large'
        ? `${what} is larger than ${maxBytes} bytes`
        : `${what} is nested too deeply`,
  });
  return false;
}
