/**
 * Compares two risk models for the versioned configuration's diff view: a flat, ordered list of
 * changes, each with a stable path (`tables/countryRisk/entries/RU`, `factors/pep/weight`), the values
 * before and after, and a readable sentence. Items are matched by id (tables by name, table entries
 * by key, choice options by value), so reordering is not a change. Meant for valid models; anything
 * else is compared as far as it can be, without throwing.
 */
import { isPlainObject } from '../../../platform/definitions/problems.ts';
import { stableJson } from '../../../platform/definitions/stable-json.ts';
import type { RiskModel } from './model.schema.ts';

export type RiskModelChange = {
  change: 'added' | 'removed' | 'changed';
  /** Slash-separated: the section, then ids and property names. */
  path: string;
  before: unknown;
  after: unknown;
  /** One readable sentence. */
  text: string;
};

type Obj = Record<string, unknown>;
const asObj = (v: unknown): Obj => (isPlainObject(v) ? v : {});
const asList = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isPlainObject) : []);

/** The changes from `a` to `b`; empty when they score identically and read the same. */
export function diffRiskModels(a: RiskModel, b: RiskModel): RiskModelChange[] {
  const out: RiskModelChange[] = [];
  const A = asObj(a);
  const B = asObj(b);
  if (A.version !== B.version)
    out.push(
      change('changed', 'version', A.version, B.version, `Version ${show(A.version)} → ${show(B.version)}`),
    );

  const ta = asObj(A.tables);
  const tb = asObj(B.tables);
  for (const name of union(Object.keys(ta), Object.keys(tb))) {
    const p = `tables/${name}`;
    const x = ta[name];
    const y = tb[name];
    if (!Object.hasOwn(tb, name)) out.push(change('removed', p, x, undefined, `Table ${name} removed`));
    else if (!Object.hasOwn(ta, name)) out.push(change('added', p, undefined, y, `Table ${name} added`));
    else {
      props(asObj(x), asObj(y), ['label', 'keys', 'default'], p, `Table ${name}`, out);
      const ea = asObj(asObj(x).entries);
      const eb = asObj(asObj(y).entries);
      for (const key of union(Object.keys(ea), Object.keys(eb))) {
        const q = `${p}/entries/${key}`;
        if (!Object.hasOwn(eb, key))
          out.push(
            change('removed', q, ea[key], undefined, `Table ${name}: ${key} (${show(ea[key])}) removed`),
          );
        else if (!Object.hasOwn(ea, key))
          out.push(
            change('added', q, undefined, eb[key], `Table ${name}: ${key} added with ${show(eb[key])}`),
          );
        else if (ea[key] !== eb[key])
          out.push(
            change(
              'changed',
              q,
              ea[key],
              eb[key],
              `Table ${name}: ${key} ${show(ea[key])} → ${show(eb[key])}`,
            ),
          );
      }
    }
  }

  byId(
    asList(A.categories),
    asList(B.categories),
    'categories',
    'Category',
    ['label', 'weight', 'aggregation', 'cap'],
    out,
  );
  byId(asList(A.factors), asList(B.factors), 'factors', 'Factor', null, out);

  props(
    asObj(A.thresholds),
    asObj(B.thresholds),
    ['medium', 'high', 'prohibited'],
    'thresholds',
    'Threshold',
    out,
  );

  byId(asList(A.rules), asList(B.rules), 'rules', 'Rule', ['label', 'reason', 'atLeast', 'when'], out);
  return out;
}

function byId(
  before: Obj[],
  after: Obj[],
  section: string,
  noun: string,
  fields: string[] | null,
  out: RiskModelChange[],
): void {
  const ma = new Map(before.map((x) => [String(x.id), x]));
  const mb = new Map(after.map((x) => [String(x.id), x]));
  for (const id of union([...ma.keys()], [...mb.keys()])) {
    const p = `${section}/${id}`;
    const x = ma.get(id);
    const y = mb.get(id);
    if (!y) out.push(change('removed', p, x, undefined, `${noun} ${id} removed`));
    else if (!x) out.push(change('added', p, undefined, y, `${noun} ${id} added`));
    else {
      const keys =
        fields ?? union(Object.keys(x), Object.keys(y)).filter((k) => k !== 'id' && k !== 'options');
      props(x, y, keys, p, `${noun} ${id}`, out);
      if (!fields) options(x, y, p, `${noun} ${id}`, out);
    }
  }
}

/** Choice options, by value. */
function options(x: Obj, y: Obj, p: string, subject: string, out: RiskModelChange[]): void {
  const oa = new Map(asList(x.options).map((o) => [String(o.value), o.points]));
  const ob = new Map(asList(y.options).map((o) => [String(o.value), o.points]));
  for (const v of union([...oa.keys()], [...ob.keys()])) {
    const q = `${p}/options/${v}`;
    if (!ob.has(v)) out.push(change('removed', q, oa.get(v), undefined, `${subject}: option ${v} removed`));
    else if (!oa.has(v))
      out.push(
        change('added', q, undefined, ob.get(v), `${subject}: option ${v} added with ${show(ob.get(v))}`),
      );
    else if (oa.get(v) !== ob.get(v))
      out.push(
        change(
          'changed',
          q,
          oa.get(v),
          ob.get(v),
          `${subject}: option ${v} ${show(oa.get(v))} → ${show(ob.get(v))}`,
        ),
      );
  }
}

function props(x: Obj, y: Obj, keys: string[], p: string, subject: string, out: RiskModelChange[]): void {
  for (const k of keys) {
    const before = Object.hasOwn(x, k) ? x[k] : undefined;
    const after = Object.hasOwn(y, k) ? y[k] : undefined;
    if (stableJson(before) === stableJson(after)) continue;
    const kind = before === undefined ? 'added' : after === undefined ? 'removed' : 'changed';
    out.push(change(kind, `${p}/${k}`, before, after, `${subject}: ${k} ${show(before)} → ${show(after)}`));
  }
}

const change = (
  kind: RiskModelChange['change'],
  path: string,
  before: unknown,
  after: unknown,
  text: string,
): RiskModelChange => ({ change: kind, path, before, after, text });

/** Keys of both, in first-seen order (a's order, then b's new ones). */
const union = (a: string[], b: string[]): string[] => [...new Set([...a, ...b])];

const show = (v: unknown): string => (v === undefined ? '(none)' : typeof v === 'string' ? v : stableJson(v));
