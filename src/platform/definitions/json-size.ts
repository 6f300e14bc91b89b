/**
 * Measures a JSON-like value without recursion and without serialising it: an upper bound of its
 * serialised UTF-8 size and its nesting depth, giving up as soon as either limit is passed. Safe on
 * hostile input (deep nesting, huge arrays, cycles in values built by code rather than parsed).
 */

export type SizeCheck = { ok: true; bytes: number } | { ok: false; reason: 'too_large' | 'too_deep' };

export function measureJson(root: unknown, maxBytes: number, maxDepth: number): SizeCheck {
  const stack: { value: unknown; depth: number }[] = [{ value: root, depth: 0 }];
  let bytes = 0;
  while (stack.length) {
    const { value, depth } = stack.pop()!;
    if (depth > maxDepth) return { ok: false, reason: 'too_deep' };
    if (typeof value === 'string') {
      // UTF-8 never takes fewer bytes than UTF-16 code units, so a long string fails before it is measured.
      if (value.length > maxBytes) return { ok: false, reason: 'too_large' };
      bytes += Buffer.byteLength(value, 'utf8') + 2;
    } else if (typeof value === 'number') bytes += String(value).length;
    else if (typeof value === 'boolean') bytes += value ? 4 : 5;
    else if (value === null || value === undefined) bytes += 4;
    else if (Array.isArray(value)) {
      bytes += 2 + value.length;
      if (bytes > maxBytes) return { ok: false, reason: 'too_large' };
      for (const item of value) stack.push({ value: item, depth: depth + 1 });
    } else if (typeof value === 'object') {
      const keys = Object.keys(value);
      bytes += 2 + keys.length;
      if (bytes > maxBytes) return { ok: false, reason: 'too_large' };
      for (const k of keys) {
        bytes += Buffer.byteLength(k, 'utf8') + 3;
        if (bytes > maxBytes) return { ok: false, reason: 'too_large' };
        stack.push({ value: (value as Record<string, unknown>)[k], depth: depth + 1 });
      }
    } else {
      // Functions, symbols, bigints: not JSON. Counted as small; the validators refuse their type.
      bytes += 4;
    }
    if (bytes > maxBytes) return { ok: false, reason: 'too_large' };
  }
  return { ok: true, bytes };
}
