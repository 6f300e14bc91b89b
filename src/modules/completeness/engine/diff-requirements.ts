/**
 * Compares two versions of a requirements definition for the versioned configuration's review:
 * requirements added, removed and changed (by id, property by property, `scope` and `when` compared
 * as values, key order ignored), a change of order, and gates added, removed and changed (by status);
 * plus the same as short English lines. Meant for definitions that passed validateRequirements;
 * anything else is compared as far as it can be, without throwing.
 */
import { isPlainObject } from '../../../platform/definitions/problems.ts';
import { stableJson } from '../../../platform/definitions/stable-json.ts';
import type { Requirements, StatusGate } from './requirements.schema.ts';

export type PropertyChange = { property: string; before: unknown; after: unknown };
export type RequirementSummary = { id: string; kind: string; label: string };

export type RequirementsDiff = {
  added: RequirementSummary[];
  removed: RequirementSummary[];
  changed: { id: string; changes: PropertyChange[] }[];
  /** The requirements present in both appear in a different order (the order of missing items follows it). */
  reordered: boolean;
  gates: {
    added: StatusGate[];
    removed: StatusGate[];
    changed: { status: string; changes: PropertyChange[] }[];
  };
  /** One readable line per change, in the order above. */
  lines: string[];
  /** True when nothing differs. */
  same: boolean;
};

type Rec = Record<string, unknown>;
const records = (v: unknown, key: string): Rec[] =>
  Array.isArray(v)
    ? v.filter((x): x is Rec => typeof x === 'object' && x !== null && typeof (x as Rec)[key] === 'string')
    : [];

export function diffRequirements(a: Requirements, b: Requirements): RequirementsDiff {
  const before = records(a?.requirements, 'id');
  const after = records(b?.requirements, 'id');
  const beforeById = new Map(before.map((r) => [r.id as string, r]));
  const afterById = new Map(after.map((r) => [r.id as string, r]));
  const summary = (r: Rec): RequirementSummary => ({
    id: String(r.id),
    kind: String(r.kind),
    label: String(r.label),
  });

  const diff: RequirementsDiff = {
    added: after.filter((r) => !beforeById.has(r.id as string)).map(summary),
    removed: before.filter((r) => !afterById.has(r.id as string)).map(summary),
    changed: [],
    reordered: false,
    gates: { added: [], removed: [], changed: [] },
    lines: [],
    same: false,
  };
  for (const r of after) {
    const old = beforeById.get(r.id as string);
    if (!old) continue;
    const changes = compareRecords(old, r, ['scope']);
    if (changes.length) diff.changed.push({ id: r.id as string, changes });
  }
  const common = (list: Rec[], other: Map<string, Rec>) =>
    list.filter((r) => other.has(r.id as string)).map((r) => r.id as string);
  diff.reordered = common(before, afterById).join('\u0000') !== common(after, beforeById).join('\u0000');

  const gatesBefore = records(a?.gates, 'status');
  const gatesAfter = records(b?.gates, 'status');
  const gb = new Map(gatesBefore.map((g) => [g.status as string, g]));
  const ga = new Map(gatesAfter.map((g) => [g.status as string, g]));
  diff.gates.added = gatesAfter.filter((g) => !gb.has(g.status as string)) as StatusGate[];
  diff.gates.removed = gatesBefore.filter((g) => !ga.has(g.status as string)) as StatusGate[];
  for (const g of gatesAfter) {
    const old = gb.get(g.status as string);
    if (!old) continue;
    // Kinds are sets: their order means nothing.
    const changes = compareRecords(normaliseGate(old), normaliseGate(g), []);
    if (changes.length) diff.gates.changed.push({ status: g.status as string, changes });
  }

  for (const r of diff.added) diff.lines.push(`Added requirement "${r.id}" (${r.kind}): ${r.label}`);
  for (const r of diff.removed) diff.lines.push(`Removed requirement "${r.id}" (${r.kind}): ${r.label}`);
  for (const c of diff.changed)
    for (const ch of c.changes)
      diff.lines.push(`Requirement "${c.id}": ${ch.property} ${show(ch.before)} → ${show(ch.after)}`);
  if (diff.reordered) diff.lines.push('Requirements reordered');
  for (const g of diff.gates.added) diff.lines.push(`Added gate on "${g.status}": ${describeGate(g)}`);
  for (const g of diff.gates.removed) diff.lines.push(`Removed gate on "${g.status}"`);
  for (const c of diff.gates.changed)
    for (const ch of c.changes)
      diff.lines.push(`Gate on "${c.status}": ${ch.property} ${show(ch.before)} → ${show(ch.after)}`);
  diff.same = diff.lines.length === 0;
  return diff;
}

const normaliseGate = (g: Rec): Rec => ({
  status: g.status,
  block: Array.isArray(g.block) ? [...(g.block as string[])].sort() : g.block,
  warn: Array.isArray(g.warn) ? [...(g.warn as string[])].sort() : (g.warn ?? []),
});

const describeGate = (g: StatusGate): string =>
  `blocks ${g.block.length ? g.block.join(', ') : 'nothing'}${g.warn?.length ? `; warns ${g.warn.join(', ')}` : ''}`;

/** Property by property; the `nested` properties are compared one level down (`scope.roles`). */
function compareRecords(a: Rec, b: Rec, nested: string[]): PropertyChange[] {
  const changes: PropertyChange[] = [];
  const properties = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  for (const property of properties) {
    const before = Object.hasOwn(a, property) ? a[property] : undefined;
    const after = Object.hasOwn(b, property) ? b[property] : undefined;
    if (stableJson(before) === stableJson(after)) continue;
    if (nested.includes(property) && isPlainObject(before) && isPlainObject(after))
      for (const c of compareRecords(before, after, []))
        changes.push({ property: `${property}.${c.property}`, before: c.before, after: c.after });
    else changes.push({ property, before, after });
  }
  return changes;
}

const show = (v: unknown): string => (v === undefined ? '(none)' : stableJson(v));
