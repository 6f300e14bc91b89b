/** PostgreSQL error classes the use cases turn into answers, raised alike by pg and PGlite. */

function pgCode(err: unknown): unknown {
  return typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
}

/** unique_violation: a row with the same key exists. */
export function isUniqueViolation(err: unknown): boolean {
  return pgCode(err) === '23505';
}

/** foreign_key_violation: a referenced row is missing, or a referencing row still exists. */
export function isForeignKeyViolation(err: unknown): boolean {
  return pgCode(err) === '23503';
}
