/**
 * Compares two versions of a form definition for staff review: fields added, removed and changed,
 * identified by key path (`/directors/date_of_birth`), plus changes of the form's own title and of
 * field order. Meant for definitions that passed validateDefinition; anything else is compared as far
 * as it can be, without throwing.
 */
import { stableJson } from '../../../platform/definitions/stable-json.ts';
import type { Field, FormDefinition } from './definition.schema.ts';

export type FieldSummary = { path: string; kind: string; label: string };
export type PropertyChange = { property: string; before: unknown; after: unknown };

export type DefinitionDiff = {
  /** Changes of the definition's own properties (title, key). */
  form: PropertyChange[];
  added: FieldSummary[];
  removed: FieldSummary[];
  changed: { path: string; changes: PropertyChange[] }[];
  /** Paths of field lists ('' is the top level) whose remaining fields appear in a different order. */
  reordered: string[];
};

export function diffDefinitions(a: FormDefinition, b: FormDefinition): DefinitionDiff {
  const diff: DefinitionDiff = { form: [], added: [], removed: [], changed: [], reordered: [] };
  for (const property of ['key', 'title'] as const) {
    if (a?.[property] !== b?.[property])
      diff.form.push({ property, before: a?.[property], after: b?.[property] });
  }
  compareLists(list(a?.fields), list(b?.fields), '', diff);
  return diff;
}

const list = (fields: unknown): Field[] =>
  Array.isArray(fields)
    ? fields.filter((f): f is Field => typeof f === 'object' && f !== null && typeof f.key === 'string')
    : [];

function compareLists(before: Field[], after: Field[], path: string, diff: DefinitionDiff): void {
  const byKeyBefore = new Map(before.map((f) => [f.key, f]));
  const byKeyAfter = new Map(after.map((f) => [f.key, f]));
  for (const f of before) if (!byKeyAfter.has(f.key)) removeAll(f, path, diff.removed);
  for (const f of after) {
    const old = byKeyBefore.get(f.key);
    if (!old) {
      removeAll(f, path, diff.added);
      continue;
    }
    const p = `${path}/${f.key}`;
    const changes = compareFields(old, f);
    if (changes.length) diff.changed.push({ path: p, changes });
    const oldChildren = old.kind === 'group' ? list(old.fields) : [];
    const newChildren = f.kind === 'group' ? list(f.fields) : [];
    compareLists(oldChildren, newChildren, p, diff);
  }
  const common = (fields: Field[], other: Map<string, Field>) =>
    fields.filter((f) => other.has(f.key)).map((f) => f.key);
  if (common(before, byKeyAfter).join('/') !== common(after, byKeyBefore).join('/'))
    diff.reordered.push(path);
}

/** A field and, for a group, everything inside it. */
function removeAll(f: Field, path: string, into: FieldSummary[]): void {
  const p = `${path}/${f.key}`;
  into.push({ path: p, kind: String(f.kind), label: String(f.label) });
  if (f.kind === 'group') for (const child of list(f.fields)) removeAll(child, p, into);
}

function compareFields(a: Field, b: Field): PropertyChange[] {
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const properties = [...new Set([...Object.keys(ra), ...Object.keys(rb)])]
    .filter((k) => k !== 'fields')
    .sort();
  const changes: PropertyChange[] = [];
  for (const property of properties) {
    const before = Object.hasOwn(ra, property) ? ra[property] : undefined;
    const after = Object.hasOwn(rb, property) ? rb[property] : undefined;
    if (stableJson(before) !== stableJson(after)) changes.push({ property, before, after });
  }
  return changes;
}
