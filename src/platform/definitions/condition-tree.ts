/**
 * The skeleton of the definition engines' condition languages: `{all: [...]}`, `{any: [...]}` and
 * `{not: c}` over leaves each engine defines (form fields, risk facts, bands, entity types). Checking
 * bounds the tree (node count, depth) with the same messages everywhere and hands every other object
 * to the engine's leaf check; evaluation walks the tree and asks the engine for each leaf.
 */
import { isPlainObject, type Problem } from './problems.ts';

type Combinator = { all: unknown } | { any: unknown } | { not: unknown };

/** The leaves of a condition type: every member that is not `all`, `any` or `not`. */
export type ConditionLeaf<C> = Exclude<C, Combinator>;

/** An engine's bounds on one condition. */
export type ConditionTreeLimits = {
  /** Nodes (combinators and leaves) in one condition; past it, one problem at the condition's path. */
  maxConditionNodes: number;
  /** Levels of nesting, the condition itself being level 1. */
  maxConditionDepth: number;
};

/**
 * Checks one condition, appending problems; `path` is its JSON pointer. Combinators are checked
 * here; any other object goes to `leaf` with its path and its own keys, sorted and joined by ",".
 */
export function checkConditionTree(
  cond: unknown,
  path: string,
  limits: ConditionTreeLimits,
  problems: Problem[],
  leaf: (node: Record<string, unknown>, path: string, keys: string) => void,
): void {
  let nodes = 0;
  const walk = (c: unknown, p: string, depth: number): void => {
    nodes++;
    if (nodes > limits.maxConditionNodes) {
      if (nodes === limits.maxConditionNodes + 1)
        problems.push({ path, message: `condition has more than ${limits.maxConditionNodes} parts` });
      return;
    }
    if (depth > limits.maxConditionDepth) {
      problems.push({ path: p, message: `conditions nest at most ${limits.maxConditionDepth} levels` });
      return;
    }
    if (!isPlainObject(c)) {
      problems.push({ path: p, message: 'must be a condition object' });
      return;
    }
    const keys = Object.keys(c).sort().join(',');
    if (keys === 'all' || keys === 'any') {
      const list = c[keys];
      if (!Array.isArray(list) || list.length === 0) {
        problems.push({ path: `${p}/${keys}`, message: 'must be a non-empty list of conditions' });
        return;
      }
      list.forEach((sub, i) => walk(sub, `${p}/${keys}/${i}`, depth + 1));
      return;
    }
    if (keys === 'not') {
      walk(c.not, `${p}/not`, depth + 1);
      return;
    }
    leaf(c, p, keys);
  };
  walk(cond, path, 1);
}

/**
 * Evaluates a checked condition, left to right, in Kleene's three-valued logic: a leaf answers true,
 * false or null (unknown); `all` is false as soon as a part is false, else unknown if a part is;
 * `any` is true as soon as a part is true, else unknown if a part is; `not` of unknown is unknown.
 * With leaves that never answer null this is ordinary two-valued logic with the same short-circuits
 * (`every`/`some`), so the leaves a two-valued engine reads are the same.
 */
export function evaluateConditionTree<C extends object>(
  cond: C,
  leaf: (node: ConditionLeaf<C>) => boolean,
): boolean;
export function evaluateConditionTree<C extends object>(
  cond: C,
  leaf: (node: ConditionLeaf<C>) => boolean | null,
): boolean | null;
export function evaluateConditionTree<C extends object>(
  cond: C,
  leaf: (node: ConditionLeaf<C>) => boolean | null,
): boolean | null {
  if ('all' in cond || 'any' in cond) {
    const isAll = 'all' in cond;
    const parts = isAll ? (cond as { all: C[] }).all : (cond as { any: C[] }).any;
    // `all` stops at the first false, `any` at the first true.
    const decisive = !isAll;
    let unknown = false;
    for (const sub of parts) {
      const r = evaluateConditionTree(sub, leaf);
      if (r === decisive) return decisive;
      if (r === null) unknown = true;
    }
    return unknown ? null : !decisive;
  }
  if ('not' in cond) {
    const r = evaluateConditionTree((cond as { not: C }).not, leaf);
    return r === null ? null : !r;
  }
  return leaf(cond as ConditionLeaf<C>);
}

/** Checks the list of an `in` test: 1 to `maxValues` values (each checked by the caller). */
export function checkValueList(
  list: unknown,
  path: string,
  maxValues: number,
  problems: Problem[],
): list is unknown[] {
  if (Array.isArray(list) && list.length > 0 && list.length <= maxValues) return true;
  problems.push({ path, message: `must be a list of 1 to ${maxValues} values` });
  return false;
}
