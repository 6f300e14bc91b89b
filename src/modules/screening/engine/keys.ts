/**
 * Per-token match keys, computed once at index time (and once per query token).
 *
 * Three keys of increasing looseness, all on the normalised lower-case ASCII token:
 * - exactKey: the token itself;
 * - phoneticKey: a compact Metaphone-style code (first letter kept, vowels dropped after it,
 *   spelling variants such as ph/f, ck/k, x/ks, z/s, w/v, d/t, kh/k folded). It keeps the initial
 *   vowel and distinguishes g/k, so it is the tighter of the two fuzzy keys;
 * - skeletonKey: the consonant skeleton (all vowels, h, w-as-vowel and y dropped; similar
 *   consonants folded into classes; doubles collapsed). It is deliberately loose: it is where
 *   Arabic-script names (written without short vowels) meet their Latin spellings, and where
 *   Zakharov meets Sacharow. Initial vowels are dropped too, because Arabic ʿayn/alif
 *   romanise inconsistently (Omar / عمر → "mr").
 * and the SymSpell-style deletion neighbourhood for typo candidates.
 *
 * Everything is a single left-to-right pass with small lookups; no regular expressions.
 */

/** The exact key: the normalised token. */
export function exactKey(token: string): string {
  return token;
}

function isVowel(c: string | undefined): boolean {
  return c === 'a' || c === 'e' || c === 'i' || c === 'o' || c === 'u' || c === 'y';
}

/**
 * Metaphone-style phonetic key. Rules (applied left to right, longest match first):
 * initial vowel → 'a'; later vowels dropped; ph→f; sch/sh/ch/tsch/shch/zh/j/dj/dzh → 'j'-class
 * ('x' for sh-like, 'j' for zh-like); kh/gh/q/ck/c(+a,o,u)/k → 'k'; c(+e,i,y) → 's'; x → 'ks';
 * z → 's'; w/v → 'v'; d/t/th/dh → 't'; h is kept only between vowels or initially before a vowel;
 * y is a consonant only before a vowel; doubled codes collapse.
 */
export function phoneticKey(token: string): string {
  const s = token;
  const n = s.length;
  let out = '';
  const push = (c: string): void => {
    if (out.at(-1) !== c) out += c;
  };
  for (let i = 0; i < n; i++) {
    const c = s[i]!;
    const next = s[i + 1];
    if (c >= '0' && c <= '9') {
      push(c);
      continue;
    }
    if (isVowel(c) && !(c === 'y' && isVowel(next))) {
      if (i === 0) out += 'a';
      continue;
    }
    switch (c) {
      case 'p':
        if (next === 'h') {
          push('f');
          i++;
        } else push('p');
        break;
      case 'b':
        push('p');
        break;
      case 'f':
      case 'v':
      case 'w':
        push('f');
        break;
      case 's':
        if (s.startsWith('shch', i)) {
          push('x');
          i += 3;
        } else if (s.startsWith('sch', i)) {
          push('x');
          i += 2;
        } else if (next === 'h') {
          push('x');
          i++;
        } else push('s');
        break;
      case 'z':
        if (next === 'h') {
          push('j');
          i++;
        } else push('s');
        break;
      case 't':
        if (s.startsWith('tsch', i)) {
          push('x');
          i += 3;
        } else if (next === 's' && s[i + 2] !== 'h') {
          push('s');
          i++;
        } else if (next === 'h') {
          push('t');
          i++;
        } else push('t');
        break;
      case 'd':
        if (s.startsWith('dzh', i)) {
          push('j');
          i += 2;
        } else if (next === 'j' || next === 'z') {
          push('j');
          i++;
        } else if (next === 'h') {
          push('t');
          i++;
        } else push('t');
        break;
      case 'c':
        if (next === 'h') {
          push('x');
          i++;
        } else if (next === 'k') {
          push('k');
          i++;
        } else if (next === 'e' || next === 'i' || next === 'y') push('s');
        else push('k');
        break;
      case 'k':
      case 'q':
        if (next === 'h') i++;
        push('k');
        break;
      case 'g':
        if (next === 'h') {
          push('k');
          i++;
        } else push('k');
        break;
      case 'x':
        push('k');
        out += 's';
        break;
      case 'j':
        push('j');
        break;
      case 'h':
        // h is heard only before a vowel (initially or after a vowel): Muhammad keeps it,
        // Ahmad does not.
        if (isVowel(next) && (i === 0 || isVowel(s[i - 1]))) push('h');
        break;
      case 'y':
        push('y');
        break;
      default:
        if (c >= 'a' && c <= 'z') push(c);
    }
  }
  return out;
}

// Skeleton consonant classes. Letters not listed (vowels, h, w, y) are dropped.
const SKELETON_CLASS: Record<string, string> = {
  b: 'b',
  p: 'b',
  f: 'f',
  v: 'f',
  c: 'k',
  k: 'k',
  q: 'k',
  g: 'k',
  x: 'ks',
  s: 's',
  z: 's',
  d: 't',
  t: 't',
  j: 'j',
  l: 'l',
  r: 'r',
  m: 'm',
  n: 'n',
};

/**
 * Consonant skeleton: digraphs first (tsch/sch/sh/ch → s/k classes, kh/gh → k, zh/dj/dzh → j,
 * ph → f, th/dh → t), then each letter to its class, vowels/h/w/y dropped, doubles collapsed.
 * 'w' is dropped (a semivowel in Arabic and English spellings) except word-final after o/e,
 * the German rendering of Russian -ov/-ev; German initial W- (Wladimir) meets at phoneticKey.
 */
export function skeletonKey(token: string): string {
  const s = token;
  const n = s.length;
  let out = '';
  const push = (c: string): void => {
    if (out.at(-1) !== c) out += c;
  };
  for (let i = 0; i < n; i++) {
    const c = s[i]!;
    const next = s[i + 1];
    if (c >= '0' && c <= '9') {
      push(c);
      continue;
    }
    if (c === 's' && (next === 'h' || (next === 'c' && s[i + 2] === 'h'))) {
      push('s');
      i += next === 'h' ? (s.startsWith('shch', i) ? 3 : 1) : 2;
      continue;
    }
    if (c === 't' && s.startsWith('tsch', i)) {
      push('k');
      i += 3;
      continue;
    }
    if (
      (c === 'k' || c === 'g' || c === 'c' || c === 'z' || c === 'p' || c === 't' || c === 'd') &&
      next === 'h'
    ) {
      // kh, gh, ch (Sacharow), zh, ph, th, dh
      push(c === 'z' ? 'j' : c === 'p' ? 'f' : c === 't' || c === 'd' ? 't' : 'k');
      i++;
      continue;
    }
    if (c === 'd' && (next === 'j' || (next === 'z' && s[i + 2] === 'h'))) {
      push('j');
      i += next === 'j' ? 1 : 2;
      continue;
    }
    if (c === 'w') {
      // Only the German-style final -ow/-ew (Sacharow = Zakharov) counts; elsewhere w is the
      // Arabic/English semivowel (Huwaysh, Marwan) and is dropped like y.
      if (i === n - 1 && (s[i - 1] === 'o' || s[i - 1] === 'e')) push('f');
      continue;
    }
    const cls = SKELETON_CLASS[c];
    if (cls === undefined) continue;
    if (cls.length === 2) {
      push(cls[0]!);
      push(cls[1]!);
    } else push(cls);
  }
  return out;
}

/**
 * Length-dependent edit budget for the deletion neighbourhood (same policy at index and query
 * time): tokens of ≤ 3 characters get no deletes (too many spurious neighbours: "ali"/"al"),
 * 4–7 characters get 1, 8 or more get 2; never more than `maxEdits`.
 */
export function editBudget(length: number, maxEdits: 1 | 2): number {
  if (length <= 3) return 0;
  if (length <= 7) return 1;
  return maxEdits;
}

/**
 * SymSpell deletion neighbourhood: the token and every string obtained by deleting up to the
 * budgeted number of characters. Two tokens within the budget share at least one entry.
 */
export function deletionNeighbourhood(token: string, maxEdits: 1 | 2): string[] {
  const budget = editBudget(token.length, maxEdits);
  const seen = new Set<string>([token]);
  let frontier = [token];
  for (let d = 0; d < budget; d++) {
    const nextFrontier: string[] = [];
    for (const w of frontier) {
      for (let i = 0; i < w.length; i++) {
        const del = w.slice(0, i) + w.slice(i + 1);
        if (!seen.has(del)) {
          seen.add(del);
          nextFrontier.push(del);
        }
      }
    }
    frontier = nextFrontier;
  }
  return [...seen];
}
