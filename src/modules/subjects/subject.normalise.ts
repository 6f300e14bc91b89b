/**
 * Pure normalisation helpers for subjects: the name key used for duplicate detection and search,
 * identifier numbers as compared by the blind index, masking, and the LEI checksum.
 */

/**
 * Lowercase ASCII-folded tokens: NFKD, diacritics removed, anything that is not a letter or digit
 * becomes a separator. Shared by the stored name key and the search query so both sides agree.
 */
export function nameTokens(name: string): string[] {
  return name
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((t) => t.length > 0);
}

/**
 * The stored name key: tokens sorted, so "SMITH, John" and "John Smith" collide on purpose (name
 * order differs between cultures and between the documents a client sends).
 */
export function nameKey(name: string): string {
  return nameTokens(name).sort().join(' ');
}

/** Identity-document and registration numbers compare without case, spaces or punctuation. */
export function normaliseNumber(value: string): string {
  return value
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[\s\-./_]+/g, '');
}

/** What the blind index of an identity document covers: the same number of another type or country is another document. */
export function identifierIndexValue(doc: { type: string; country: string; number: string }): string {
  return `${doc.type}|${doc.country}|${normaliseNumber(doc.number)}`;
}

/**
 * Masks a number for display. Short numbers show less, so that the visible tail never gives away
 * most of the number.
 */
export function maskNumber(value: string): string {
  const n = normaliseNumber(value);
  const visible = n.length >= 8 ? 4 : n.length >= 5 ? 2 : 0;
  return '••••' + (visible ? n.slice(-visible) : '');
}

/** ISO 17442: 18 alphanumerics then two check digits, valid when the whole code is 1 mod 97 (ISO 7064 MOD 97-10). */
export function isValidLei(lei: string): boolean {
  if (!/^[A-Z0-9]{18}[0-9]{2}$/.test(lei)) return false;
  let rem = 0;
  for (const ch of lei) {
    const v = parseInt(ch, 36);
    // Letters expand to two digits (A = 10 ... Z = 35).
    rem = v >= 10 ? (rem * 100 + v) % 97 : (rem * 10 + v) % 97;
  }
  return rem === 1;
}

/** Today's date (UTC) as an ISO date, for "not in the future" checks. */
export function isoDate(now: Date): string {
  return now.toISOString().slice(0, 10);
}
