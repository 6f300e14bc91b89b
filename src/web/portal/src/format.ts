/** Small display helpers shared by the pages. */

/** A code as words, for codes without a message of their own (`in_review` → "In review"). */
export function humanise(code: string): string {
  const s = code.replace(/[_-]+/g, ' ').trim();
  return s.charAt(0).toUpperCase() + s.slice(1);
}
