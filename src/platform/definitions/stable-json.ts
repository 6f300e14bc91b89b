/**
 * JSON with object keys sorted, for the definition diffs: two values that differ only in property
 * order give the same text, so reordering keys is not reported as a change. `undefined` (an absent
 * property) is rendered as `undefined`, unlike any JSON value.
 */
export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (typeof v === 'object' && v !== null) {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`)
      .join(',')}}`;
  }
  return v === undefined ? 'undefined' : JSON.stringify(v);
}
