/**
 * The name-pair scorer: aligns the tokens of a query name with those of one list name and turns
 * the alignment into a score in [0, 1] plus a per-token explanation. Shared by the index's search
 * (which supplies corpus IDF weights) and by `scoreNames` (which uses a built-in notion of generic
 * words so that a pair can be scored without an index, as the name benchmark does).
 *
 * Why an order-free alignment rather than a string distance over the whole name: list names come
 * in every order ("LAST, First", Arabic nasab chains, CJK family-first), with extra or missing
 * middle names, and joined or split compounds; a whole-string distance punishes all of these and
 * rewards accidental letter overlap between unrelated names. Each token is instead matched to its
 * best partner (exact, nickname, initial, phonetic, edit...), and what is left unmatched on either
 * side lowers the score, asymmetrically: an unmatched query token costs more than an unmatched list
 * token, because list names carry more parts than customers type.
 */
import { phoneticKey, skeletonKey } from './keys.ts';
import type { TokenExplanation } from './api.ts';
import { normaliseName, type NameKind, type TokenRole } from './normalise.ts';
import { asciiFold } from './transliterate.ts';
import { countryCode } from '../lists/countries.ts';
import { PERSON_SYMBOLS, SIMILAR_PAIRS, STOPWORDS } from './vocab.ts';

/** A token ready for scoring: its normalised text, role, final weight and precomputed keys. */
export interface ScoreToken {
  text: string;
  role: TokenRole;
  /** Role hint × genericness (IDF) × family boost. */
  weight: number;
  /** False when the source token was in another script (a match is then a transliteration). */
  latin: boolean;
  /** Written in an abjad (Arabic, Hebrew): short vowels absent, so the consonant skeleton is the key. */
  abjad: boolean;
  /** The source token (original script), for same-script comparison of non-Latin names. */
  orig: string;
  /** The text used when joining adjacent tokens (a legal form's own form: "ag", not its class). */
  join: string;
  /** A country name inside an organisation name ("Banco Santander Mexico"): marks a subsidiary. */
  geo?: boolean;
  /** A middle name often left out (a patronymic): costs half when unmatched. */
  soft?: boolean;
  phon: string;
  skel: string;
  /** Facts of `text` precomputed for the scorer (see `textFacts`). */
  facts: TextFacts;
}

/**
 * What the scorer needs of a token's text, computed once when the token is prepared rather than
 * on every comparison: char codes, per-letter indel costs, letter-sum and the token's
 * transliteration and nickname groups.
 */
export interface TextFacts {
  codes: Uint16Array;
  indel: Float64Array;
  charSum: number;
  xlit: number[] | undefined;
  nick: number[] | undefined;
  /**
   * Letter-count masks for the letter-count bound: bit `bucket(c)` of `bag[k]` is set when the
   * text holds more than k letters of that bucket (a–z have a bucket each), so the multiset
   * intersection of two texts is at most Σₖ popcount(bag₁[k] & bag₂[k]) (exactly, without shared
   * buckets).
   */
  bag: Int32Array;
  /** `bag[0]` and `bag[1]` (0 when absent), read without touching the array. */
  bag0: number;
  bag1: number;
  /** The cheapest insertion or deletion of one of its letters (at most 1). */
  minIndel: number;
  /** One of the interchangeable organisation words (`ORG_SUFFIXES`). */
  org: boolean;
}

/** Scratch for `textFacts`: letter counts by bucket. */
const FACT_COUNTS = new Int32Array(32);

/** The scorer's precomputed facts of a token text (see `ScoreToken.facts`). */
export function textFacts(text: string): TextFacts {
  const n = text.length;
  const codes = new Uint16Array(n);
  const indel = new Float64Array(n);
  let sum = 0;
  let minIndel = 1;
  for (let i = 0; i < n; i++) {
    codes[i] = text.charCodeAt(i);
    indel[i] = indelCost(text, i);
    sum += codes[i]!;
    if (indel[i]! < minIndel) minIndel = indel[i]!;
  }
  const counts = FACT_COUNTS;
  counts.fill(0);
  let top = 0;
  for (let i = 0; i < n; i++) {
    const k = counts[codes[i]! & 31]!++;
    if (k + 1 > top) top = k + 1;
  }
  const bag = new Int32Array(top);
  for (let bit = 0; bit < 32; bit++) for (let k = 0; k < counts[bit]!; k++) bag[k]! |= 1 << bit;
  return {
    codes,
    indel,
    charSum: sum,
    xlit: XLIT_GROUPS.get(text),
    nick: NICK_GROUPS.get(text),
    bag,
    bag0: top > 0 ? bag[0]! : 0,
    bag1: top > 1 ? bag[1]! : 0,
    minIndel,
    org: ORG_SUFFIXES.has(text),
  };
}

/** Similarity of two tokens and how it was reached. */
export interface TokenSim {
  sim: number;
  how: TokenExplanation['how'];
}

export interface NameScore {
  score: number;
  tokens: TokenExplanation[];
}

// ---------------------------------------------------------------------------------------------
// Vocabulary-derived lookups

function fold(s: string): string {
  return asciiFold(s.normalize('NFKC').toLowerCase()).replace(/[^a-z0-9]+/g, '');
}

/** token → group ids; two tokens sharing a group are nickname (or cross-script) variants. */
const NICK_GROUPS = new Map<string, number[]>();
const XLIT_GROUPS = new Map<string, number[]>();
function addGroup(map: Map<string, number[]>, members: string[], id: number): void {
  for (const m of new Set(members.map(fold).filter((t) => t.length > 1))) {
    const g = map.get(m);
    if (g) g.push(id);
    else map.set(m, [id]);
  }
}
{
  let id = 0;
  for (const [k, v] of Object.entries(PERSON_SYMBOLS.personNick)) addGroup(NICK_GROUPS, [k, ...v], id++);
  for (const [k, v] of Object.entries(PERSON_SYMBOLS.personNameParts)) addGroup(XLIT_GROUPS, [k, ...v], id++);
}
/** Generational and honorific suffixes: kept, but they barely identify anyone. */
const SUFFIX_SYMBOLS = new Set<string>();
for (const k of ['jr', 'sr', 'esq', 'dr', 'prof', 'md', 'phd']) {
  SUFFIX_SYMBOLS.add(k);
  for (const v of PERSON_SYMBOLS.personSymbols[k] ?? []) SUFFIX_SYMBOLS.add(fold(v));
}
for (const k of ['ii', 'iii', 'iv']) SUFFIX_SYMBOLS.add(k);

/**
 * Words that are generic in names, for scoring without a corpus. With an index the IDF takes
 * this role; without one (the pair benchmark, ad-hoc checks) these keep "Trading" or "Mohammed"
 * from carrying a match on their own.
 */
const GENERIC_WORDS = new Set<string>([
  ...'trading trade group international intl holding holdings company companies services service general global industries industry industrial enterprises enterprise investment investments bank national import export technology technologies systems solutions management partners capital development commercial corporation association foundation organization organisation society united new first world limited shipping logistics energy oil petroleum gas construction engineering consulting resources finance financial insurance agency center centre institute university office ministry department network media products manufacturing marketing business ventures fund trust associates east west north south middle asia africa europe america american middle'.split(
    ' ',
  ),
]);
const GENERIC_PERSON = new Set<string>();
for (const p of STOPWORDS.genericPersonNames) for (const t of p.split(/\s+/)) GENERIC_PERSON.add(fold(t));
for (const t of ['mohamed', 'mohammad', 'muhammed', 'mohammed', 'muhammad', 'ahmad', 'ahmed', 'ali', 'abu'])
  GENERIC_PERSON.add(t);

/** Built-in genericness factor for a token (used when no corpus IDF is available). */
export function defaultGenericness(text: string): number {
  if (GENERIC_WORDS.has(text)) return 0.45;
  if (GENERIC_PERSON.has(text)) return 0.6;
  return 1;
}

// ---------------------------------------------------------------------------------------------
// Cost-folded Damerau–Levenshtein (optimal string alignment)

const VOWELS = new Set(['a', 'e', 'i', 'o', 'u', 'y']);
const SIMILAR = new Set<string>();
for (const [a, b] of SIMILAR_PAIRS) {
  SIMILAR.add(a + b);
  SIMILAR.add(b + a);
}
for (const [a, b] of [
  ['s', 'z'],
  ['c', 's'],
  ['k', 'q'],
  ['v', 'w'],
  ['f', 'v'],
  ['d', 't'],
  ['g', 'k'],
  ['j', 'y'],
  ['x', 'h'],
] as const) {
  SIMILAR.add(a + b);
  SIMILAR.add(b + a);
}

// Substitution costs by char code (ASCII only: tokens are normalised to a-z0-9 before scoring,
// original-script comparisons fall back to the plain rule).
const SUB = new Float32Array(128 * 128).fill(1);
for (let a = 0; a < 128; a++) SUB[a * 128 + a] = 0;
for (const a of VOWELS) {
  for (const b of VOWELS) if (a !== b) SUB[a.charCodeAt(0) * 128 + b.charCodeAt(0)] = 0.7;
}
for (const p of SIMILAR) {
  if (p.length === 2) SUB[p.charCodeAt(0) * 128 + p.charCodeAt(1)] = 0.5;
}

/** Deleting a doubled letter (Muhammad/Muhamad) or a silent h (Khaled/Kaled) costs less. */
function indelCost(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (s.charCodeAt(i - 1) === c || s.charCodeAt(i + 1) === c) return 0.5;
  if (c === 0x68) return 0.7;
  // A final -s (Latvian/Lithuanian endings: Lavrovs, Sergejs; English plurals) is cheap.
  if (c === 0x73 && i === s.length - 1 && i >= 4) return 0.6;
  return 1;
}

let ROW0 = new Float64Array(64);
let ROW1 = new Float64Array(64);
let ROW2 = new Float64Array(64);
/** Scratch for `editDistance`: the codes and indel costs of its two strings. */
let EA = new Uint16Array(64);
let EA_INDEL = new Float64Array(64);
let EB = new Uint16Array(64);
let EB_INDEL = new Float64Array(64);

/**
 * Weighted OSA distance between two short strings (the same distance as `bandDistance`, which it
 * prepares the strings for). With a finite `max`, a result above `max` only says "not within".
 */
export function editDistance(a: string, b: string, max = Infinity): number {
  const n = a.length;
  const m = b.length;
  if (n > EA.length) {
    EA = new Uint16Array(n * 2);
    EA_INDEL = new Float64Array(n * 2);
  }
  if (m > EB.length) {
    EB = new Uint16Array(m * 2);
    EB_INDEL = new Float64Array(m * 2);
  }
  let minIndel = 1;
  for (let i = 0; i < n; i++) {
    EA[i] = a.charCodeAt(i);
    EA_INDEL[i] = indelCost(a, i);
    if (EA_INDEL[i]! < minIndel) minIndel = EA_INDEL[i]!;
  }
  for (let j = 0; j < m; j++) {
    EB[j] = b.charCodeAt(j);
    EB_INDEL[j] = indelCost(b, j);
    if (EB_INDEL[j]! < minIndel) minIndel = EB_INDEL[j]!;
  }
  return bandDistance(EA, EA_INDEL, n, EB, EB_INDEL, m, max, minIndel);
}

/**
 * Weighted OSA distance restricted to the band of cells with |i − j| ≤ 2·max, over raw code and
 * indel-cost arrays (the first `n` of `a`, the first `m` of `b`). Every insertion or deletion costs
 * at least 0.5, so a path through a cell outside the band costs more than `max`: whenever the
 * distance is within `max` the result is exactly the full distance, and otherwise it is above
 * `max` as well (but not necessarily the same value). Only for callers that need "within `max` or
 * not" and, when within, the value.
 */
function bandDistance(
  a: Uint16Array,
  ia: Float64Array,
  n: number,
  b: Uint16Array,
  ibc: Float64Array,
  m: number,
  max: number,
  minIndel: number,
): number {
  // Every insertion or deletion costs at least `c` (`minIndel`, the least of `ia` and `ibc`), and a path through cell (i, j) makes at least
  // |i − j| of them before it and |(n − m) − (i − j)| after it: outside the band below (widened by
  // a rounding margin) every path costs more than `max`.
  const c = minIndel;
  const delta = n - m;
  const adelta = delta < 0 ? -delta : delta;
  if (c * adelta > max + 1e-9) return Infinity;
  let e = Math.floor((max / c - adelta) / 2 + 1e-9);
  if (e < 0) e = 0;
  // Cells with dLo ≤ i − j ≤ dHi.
  const dLo = (delta < 0 ? delta : 0) - e;
  const dHi = (delta > 0 ? delta : 0) + e;
  if (m + 2 > ROW0.length) {
    ROW0 = new Float64Array(m + 2);
    ROW1 = new Float64Array(m + 2);
    ROW2 = new Float64Array(m + 2);
  }
  let prev2 = ROW0;
  let prev = ROW1;
  let cur = ROW2;
  prev[0] = 0;
  const hi0 = -dLo < m ? -dLo : m;
  for (let j = 1; j <= hi0; j++) prev[j] = prev[j - 1]! + ibc[j - 1]!;
  if (hi0 < m) prev[hi0 + 1] = Infinity;
  let ca2 = -1;
  for (let i = 1; i <= n; i++) {
    const delA = ia[i - 1]!;
    const lo = i - dHi > 1 ? i - dHi : 1;
    const hi = i - dLo < m ? i - dLo : m;
    let rowMin = Infinity;
    let left: number;
    if (lo === 1) {
      if (i <= dHi) {
        left = prev[0]! + delA;
        rowMin = left;
      } else left = Infinity;
      cur[0] = left;
    } else {
      left = Infinity;
      cur[lo - 1] = Infinity;
    }
    const ca = a[i - 1]!;
    const subRow = ca < 128 ? ca * 128 : -1;
    let cbPrev = lo >= 2 ? b[lo - 2]! : -1;
    for (let j = lo; j <= hi; j++) {
      const cb = b[j - 1]!;
      let v = prev[j - 1]! + (ca === cb ? 0 : subRow >= 0 && cb < 128 ? SUB[subRow + cb]! : 1);
      const del = prev[j]! + delA;
      if (del < v) v = del;
      const ins = left + ibc[j - 1]!;
      if (ins < v) v = ins;
      if (ca !== cb && ca === cbPrev && ca2 === cb) {
        const t = prev2[j - 2]! + 0.8;
        if (t < v) v = t;
      }
      cur[j] = v;
      left = v;
      cbPrev = cb;
      if (v < rowMin) rowMin = v;
    }
    if (hi < m) cur[hi + 1] = Infinity;
    if (rowMin > max) return rowMin;
    const tmp = prev2;
    prev2 = prev;
    prev = cur;
    cur = tmp;
    ca2 = ca;
  }
  return prev[m]!;
}

/** The largest edit cost still accepted as "the same token", by length (short tokens: almost none). */
export function editAllowance(len: number): number {
  if (len <= 3) return 0.8;
  if (len <= 5) return 1;
  if (len <= 8) return 2;
  return 2.5;
}

// ---------------------------------------------------------------------------------------------
// Token similarity

const NONE: TokenSim = { sim: 0, how: 'missing' };
/** How fast similarity falls with the relative edit cost (1 edit in 7 letters ≈ 0.79). */
const SIM_SLOPE = 1.5;

function isNumber(t: ScoreToken): boolean {
  return t.role === 'number';
}

/** Generic organisation words that are interchangeable in practice (Company / Corporation). */
const ORG_SUFFIXES = new Set(['company', 'corporation', 'corp', 'incorporated']);

function sortedLetters(s: string): string {
  return [...s].sort().join('');
}

/** How the last `simCore` call reached its similarity (saves a TokenSim object per token pair). */
let HOW: TokenExplanation['how'] = 'missing';

/** Similarity of a query token and a list token; 0 when they should not align. */
export function tokenSim(q: ScoreToken, c: ScoreToken): TokenSim {
  const sim = simCore(q, c, XLIT_GROUPS.get(q.text), XLIT_GROUPS.get(c.text), NICK_GROUPS, NICK_GROUPS);
  return HOW === 'missing' && sim === 0 ? NONE : { sim, how: HOW };
}

function groupsMeet(ga: number[] | undefined, gb: number[] | undefined): boolean {
  if (!ga || !gb) return false;
  for (const x of ga) if (gb.includes(x)) return true;
  return false;
}

/**
 * `tokenSim` without allocation: returns the similarity and leaves how it was reached in `HOW`.
 * `qx`/`cx` are the tokens' transliteration groups (looked up once per token by the caller);
 * `qn`/`cn` their nickname groups, or the map to look them up in lazily.
 */
function simCore(
  q: ScoreToken,
  c: ScoreToken,
  qx: number[] | undefined,
  cx: number[] | undefined,
  qn: number[] | undefined | Map<string, number[]>,
  cn: number[] | undefined | Map<string, number[]>,
): number {
  const a = q.text;
  const b = c.text;
  const ql = q.role === 'legal_form';
  const cl = c.role === 'legal_form';
  if (ql || cl) {
    // Two different legal forms still sit in the same slot: aligned, at a discount.
    if (ql && cl) {
      HOW = 'legal_form';
      return a === b ? 1 : 0.55;
    }
    HOW = 'missing';
    return 0;
  }
  if (a === b) {
    HOW = q.latin && c.latin ? 'exact' : 'transliteration';
    return 1;
  }
  HOW = 'missing';
  if (isNumber(q) || isNumber(c)) return 0;
  const la = a.length;
  const lb = b.length;
  if (la === 1 || lb === 1) {
    // An initial stands for any name with that first letter (J ↔ John), never for another initial.
    if (la !== lb && a.charCodeAt(0) === b.charCodeAt(0)) {
      HOW = 'initial';
      return 0.82;
    }
    return 0;
  }
  if (groupsMeet(qx, cx)) {
    HOW = 'transliteration';
    return 0.95;
  }
  if (!q.latin && !c.latin) {
    // Both in the same non-Latin script: compare the letters as written. One changed Han or
    // Hangul character is a different name even when the romanisations are one letter apart.
    const L = Math.max(q.orig.length, c.orig.length);
    const d = editDistance(q.orig, c.orig, L);
    if (d > editAllowance(L * 2) / 2) return 0;
    HOW = 'edit';
    return Math.max(0, 1 - (SIM_SLOPE * d) / L);
  }
  if (groupsMeet(qn instanceof Map ? qn.get(a) : qn, cn instanceof Map ? cn.get(b) : cn)) {
    HOW = 'nickname';
    return 0.88;
  }
  const fa = q.facts;
  const fb = c.facts;
  if (fa.org && fb.org) {
    HOW = 'legal_form';
    return 0.9;
  }
  const L = la > lb ? la : lb;
  const short = la < lb ? la : lb;
  // Cheap length filter before the O(n·m) distance: too different in length to be one token.
  if (L - short > 3 && L - short > L * 0.4) return 0;
  // Beyond the allowance only the phonetic/skeleton keys can still match, and they need `rel`
  // only roughly: cap the work at a distance that makes the bonus negligible.
  const keysMatch = q.phon === c.phon || q.skel === c.skel;
  // Without a key match only "within the allowance" matters (and the scramble check below, which
  // needs equal lengths and equal letters): a letter-count lower bound rejects most pairs before
  // the O(n·m) distance, with the same outcome.
  const allowance = editAllowance(L);
  const mi = fa.minIndel < fb.minIndel ? fa.minIndel : fb.minIndel;
  if (!keysMatch && maskBagBound(fa, fb, la, lb, mi) > allowance + 1e-9) return 0;
  // With a key match `rel` needs the distance whenever it is below L (beyond, rel is 0 either way).
  const d = bandDistance(fa.codes, fa.indel, la, fb.codes, fb.indel, lb, keysMatch ? L : allowance, mi);
  const rel = Math.max(0, 1 - d / L);
  let best = 0;
  let how: TokenExplanation['how'] = 'missing';
  if (d <= allowance) {
    best = Math.max(0, 1 - (SIM_SLOPE * d) / L);
    how = 'edit';
  }
  const crossScript = !q.latin || !c.latin;
  const abjad = q.abjad || c.abjad;
  if (q.phon === c.phon && (q.phon.length >= 3 || (abjad && q.phon.length >= 2))) {
    const s = 0.78 + 0.17 * rel;
    if (s > best) {
      best = s;
      how = crossScript ? 'transliteration' : 'phonetic';
    }
  } else if (q.skel === c.skel && (q.skel.length >= 3 || (abjad && q.skel.length >= 2))) {
    // Only an abjad's missing vowels justify trusting the bare skeleton; for Latin spellings
    // and syllabic romanisations (Han, Hangul) it is too loose (ming ↔ manchi).
    const s = (abjad ? 0.78 : 0.62) + 0.17 * rel;
    if (s > best) {
      best = s;
      how = crossScript ? 'transliteration' : 'skeleton';
    }
  }
  // A token typed backwards or scrambled (nituP for Putin): the same letters in another order.
  // Checked last and only for equal lengths, since sorting allocates.
  if (
    best < 0.75 &&
    la === lb &&
    la >= 5 &&
    fa.charSum === fb.charSum &&
    sortedLetters(a) === sortedLetters(b)
  ) {
    HOW = 'edit';
    return 0.75;
  }
  HOW = how;
  return best;
}

/** Number of set bits of a 32-bit integer. */
function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/**
 * A lower bound of the weighted edit distance from letter counts: p letters of `a` have no
 * counterpart in `b` and q letters of `b` none in `a`; a substitution (≥ 0.5) settles one of each,
 * an insertion or deletion (≥ `c`, the least indel cost of either text, itself ≥ 0.5) one of
 * either, a transposition none; so d ≥ c · |p − q| + 0.5 · min(p, q) (≥ 0.5 · max(p, q)).
 * Equal letter multisets (a scrambled token) give 0, so the scramble check is never skipped.
 * Letters are counted by bucket (`TextFacts.bag`): two letters sharing a bucket can only lower
 * the bound, never raise it, so rejecting on it stays exact.
 */
function maskBagBound(fa: TextFacts, fb: TextFacts, n: number, m: number, c: number): number {
  let common = popcount(fa.bag0 & fb.bag0);
  const x = fa.bag1 & fb.bag1;
  if (x !== 0) {
    common += popcount(x);
    // A level is a subset of the one below: once two levels share nothing, no deeper one does.
    const a = fa.bag;
    const b = fb.bag;
    const k = a.length < b.length ? a.length : b.length;
    for (let i = 2; i < k; i++) common += popcount(a[i]! & b[i]!);
  }
  // p unmatched letters of `a` and q of `b`: a substitution (≥ 0.5) settles one of each, the
  // other |p − q| need an insertion or deletion (≥ c, the least indel cost of either text).
  const p = n - common;
  const q = m - common;
  return p > q ? c * (p - q) + 0.5 * q : c * (q - p) + 0.5 * p;
}

/** Scratch for `joinedSimCodes`: the joined token's codes and indel costs, then the concatenation's. */
let JA = new Uint16Array(64);
let JA_INDEL = new Float64Array(64);
let JB = new Uint16Array(64);
let JB_INDEL = new Float64Array(64);
let JA_MIN_INDEL = 1;
/** Letter counts by bucket (`TextFacts.bag`) of the joined token, and scratch for the concatenation's. */
const JA_COUNTS = new Int32Array(32);
const CAT_COUNTS = new Int32Array(32);

/** `indelCost` of position `p` of the first `len` codes in `s`. */
function indelAt(s: Uint16Array, len: number, p: number): number {
  const c = s[p]!;
  if ((p > 0 && s[p - 1] === c) || (p + 1 < len && s[p + 1] === c)) return 0.5;
  if (c === 0x68) return 0.7;
  if (c === 0x73 && p === len - 1 && p >= 4) return 0.6;
  return 1;
}

/** Fill `JA`/`JA_INDEL` with a joined token's codes and indel costs. */
function prepareJoined(tj: string): void {
  const n = tj.length;
  if (n > JA.length) {
    JA = new Uint16Array(n * 2);
    JA_INDEL = new Float64Array(n * 2);
  }
  JA_COUNTS.fill(0);
  for (let p = 0; p < n; p++) {
    JA_COUNTS[tj.charCodeAt(p) & 31]!++;
    JA[p] = tj.charCodeAt(p);
  }
  JA_MIN_INDEL = 1;
  for (let p = 0; p < n; p++) {
    JA_INDEL[p] = indelAt(JA, n, p);
    if (JA_INDEL[p]! < JA_MIN_INDEL) JA_MIN_INDEL = JA_INDEL[p]!;
  }
}

/**
 * Similarity of a joined token and the concatenation of 2–3 adjacent tokens (binladen/bin laden),
 * over char codes: the joined token in `JA` (length `tl`, see `prepareJoined`) and the `join` forms
 * of `many[j..k]` (length `catLen`) copied into `JB`, so the concatenation is never built as a
 * string. Its indel costs are those of the concatenated text (a doubled letter where two tokens
 * meet is cheap, a final -s only at the very end), as `indelCost` gives them.
 */
function joinedSimCodes(tl: number, many: ScoreToken[], j: number, k: number, catLen: number): number {
  if (catLen > JB.length) {
    JB = new Uint16Array(catLen * 2);
    JB_INDEL = new Float64Array(catLen * 2);
  }
  const b = JB;
  let p = 0;
  for (let x = j; x <= k; x++) {
    const s = many[x]!.join;
    for (let q = 0; q < s.length; q++) b[p++] = s.charCodeAt(q);
  }
  const a = JA;
  // Joined and split spellings keep their first or last letter; checking that first skips most
  // pairs before the distance ("Andrang Heta" / "'Ndrangheta" keep the last).
  if (a[0] !== b[0] && a[tl - 1] !== b[catLen - 1]) return 0;
  if (catLen === tl) {
    let same = true;
    for (let q = 0; q < tl; q++) {
      if (a[q] !== b[q]) {
        same = false;
        break;
      }
    }
    if (same) return 0.97;
  }
  const L = catLen > tl ? catLen : tl;
  if (catLen - tl > 2 || tl - catLen > 2) return 0;
  const allowance = editAllowance(L);
  // Only "within the allowance" matters: the letter-count bound (see `maskBagBound`, here by
  // buckets too) rejects most pairs first.
  const cnt = CAT_COUNTS;
  const ja = JA_COUNTS;
  let common = 0;
  for (let q = 0; q < catLen; q++) {
    const bk = b[q]! & 31;
    if (cnt[bk]!++ < ja[bk]!) common++;
  }
  for (let q = 0; q < catLen; q++) cnt[b[q]! & 31] = 0;
  if (0.5 * (tl > catLen ? tl - common : catLen - common) > allowance) return 0;
  let mi = JA_MIN_INDEL;
  for (let q = 0; q < catLen; q++) {
    const x = indelAt(b, catLen, q);
    JB_INDEL[q] = x;
    if (x < mi) mi = x;
  }
  const d = bandDistance(a, JA_INDEL, tl, b, JB_INDEL, catLen, allowance, mi);
  if (d > allowance) return 0;
  return Math.max(0, 0.97 - (SIM_SLOPE * d) / L);
}

// ---------------------------------------------------------------------------------------------
// Tokens

/** Map a schema to the normaliser's kind of name. */
export function kindOfSchema(schema: string | undefined): NameKind {
  if (schema === undefined || schema === '' || schema === 'Thing' || schema === 'LegalEntity')
    return 'unknown';
  return schema === 'Person' ? 'person' : 'entity';
}

// Number words and ordinals, so "Brigade Forty-Four" meets "Brigade 44" and "1st" meets "First".
const UNITS =
  'zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen'.split(
    ' ',
  );
const TENS = 'twenty thirty forty fifty sixty seventy eighty ninety'.split(' ');
const ORDINALS = 'first second third fourth fifth sixth seventh eighth ninth tenth'.split(' ');
const NUMBER_WORDS = new Map<string, number>();
UNITS.forEach((w, i) => NUMBER_WORDS.set(w, i));
TENS.forEach((w, i) => NUMBER_WORDS.set(w, 20 + 10 * i));
ORDINALS.forEach((w, i) => NUMBER_WORDS.set(w, i + 1));
const ORDINAL_DIGITS = /^(\d+)(st|nd|rd|th)$/;

// Abbreviations in organisation names, expanded so "Int'l" meets "International".
const ABBREVIATIONS = new Map<string, string>(
  Object.entries({
    intl: 'international',
    natl: 'national',
    co: 'company',
    bros: 'brothers',
    mfg: 'manufacturing',
    svcs: 'services',
    assn: 'association',
    assoc: 'association',
    dept: 'department',
    univ: 'university',
    inst: 'institute',
    grp: 'group',
    hldgs: 'holdings',
    mgmt: 'management',
    dev: 'development',
    intern: 'international',
  }),
);
// Legal-form abbreviations that sometimes trail a person's name by mistake ("Nicolás Maduro SA").
const PERSON_LEGAL_SUFFIX = new Set([
  'sa',
  'llc',
  'ltd',
  'inc',
  'gmbh',
  'ag',
  'plc',
  'bv',
  'nv',
  'srl',
  'spa',
  'corp',
]);

// Offices written before a name ("President Erdoğan"): not part of the name.
const OFFICE_TITLES = new Set([
  'president',
  'minister',
  'premier',
  'chancellor',
  'king',
  'queen',
  'prince',
  'princess',
  'emir',
  'senator',
  'governor',
  'ambassador',
  'colonel',
  'general',
]);

function isCountryName(text: string): boolean {
  const c = countryCode(text);
  return c !== undefined && c.length === 2;
}

// Patronymics (Vladimirovich, Viktorovna): a middle name that lists often omit.
const PATRONYMIC = /(ovich|evich|ovych|evych|ovna|evna|ivna|ich|ogly|oglu|kyzy|qizi)$/;

// Dotted acronyms ("A.B.C.", "o.O.O.") are one word in organisation names.
const DOTTED_ACRONYM = /(?<![\p{L}\p{N}])\p{L}(?:\.\s?\p{L})+\.?(?![\p{L}\p{N}])/gu;

function isAbjad(cc: number): boolean {
  return (
    (cc >= 0x590 && cc <= 0x6ff) ||
    (cc >= 0x750 && cc <= 0x77f) ||
    (cc >= 0x8a0 && cc <= 0x8ff) ||
    (cc >= 0xfb1d && cc <= 0xfdff) ||
    (cc >= 0xfe70 && cc <= 0xfeff)
  );
}

/**
 * "HAKIM MURAD, ABDUL" → "ABDUL HAKIM MURAD": a person name with one comma that the normaliser
 * could not reorder (more than one word before the comma) is read as "family part, given part".
 */
function commaFlip(raw: string, kind: NameKind): string | undefined {
  if (kind === 'entity') return undefined;
  const i = raw.indexOf(',');
  if (i < 0 || raw.indexOf(',', i + 1) >= 0) return undefined;
  const before = raw.slice(0, i).trim();
  const after = raw.slice(i + 1).trim();
  if (!before || !after || after.split(/\s+/).length > 3) return undefined;
  return `${after} ${before}`;
}

/**
 * Normalise a raw name into score tokens. `generic(text)` is the genericness factor (corpus IDF or
 * the built-in list). The family name counts 1.3×; in a person name written without a comma the
 * last ordinary token is taken as the family name.
 */
export function scoreTokens(raw: string, kind: NameKind, generic: (text: string) => number): ScoreToken[] {
  const input = kind === 'person' ? raw : raw.replace(DOTTED_ACRONYM, (m) => m.replace(/[.\s]/g, '') + ' ');
  let norm = normaliseName(input, { kind });
  if (!norm.tokens.some((t) => t.role === 'family')) {
    const flipped = commaFlip(input, kind);
    if (flipped) norm = normaliseName(flipped, { kind });
  }
  const toks = norm.tokens;
  const out: ScoreToken[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    let text = t.text;
    let role = t.role;
    // Number words → digits ("forty four" → 44), ordinals → their number.
    if (role !== 'legal_form' && role !== 'stopword') {
      const od = ORDINAL_DIGITS.exec(text);
      if (od) text = od[1]!;
      const n = NUMBER_WORDS.get(text);
      if (n !== undefined && toks.length > 1) {
        let v = n;
        const nt = toks[i + 1]?.text;
        const nx =
          nt === undefined
            ? undefined
            : (NUMBER_WORDS.get(nt) ?? (/^[1-9]$/.test(nt) ? Number(nt) : undefined));
        if (n >= 20 && nx !== undefined && nx > 0 && nx < 10) {
          v += nx;
          i++;
        }
        text = String(v);
      }
      if (/^\d+$/.test(text)) role = 'number';
    }
    if (kind !== 'person' && role !== 'legal_form') text = ABBREVIATIONS.get(text) ?? text;
    let weight = t.weightHint;
    let geo = false;
    if (kind !== 'entity' && i === toks.length - 1 && i >= 2 && PERSON_LEGAL_SUFFIX.has(text)) {
      role = 'legal_form';
      weight = 0.1;
    }
    if (role !== 'legal_form' && role !== 'stopword' && role !== 'number') weight *= generic(text);
    if (SUFFIX_SYMBOLS.has(text) && toks.length > 1) weight = 0.15;
    if (kind !== 'entity' && i === 0 && toks.length > 1 && OFFICE_TITLES.has(text)) weight = 0.1;
    if (kind !== 'person' && role === 'unknown' && text.length > 3 && isCountryName(text)) geo = true;
    // A patronymic left out costs half, but one that differs still counts as a conflict.
    const soft = kind !== 'entity' && PATRONYMIC.test(text) && i > 0 && i < toks.length - 1;
    if (role === 'family') weight *= 1.3;
    // A repeated token ("Sergey Sergey Shoigu") adds nothing.
    if (seen.has(text) && role !== 'number') weight *= 0.05;
    seen.add(text);
    let latin = true;
    let abjad = false;
    for (let k = 0; k < t.original.length; k++) {
      const cc = t.original.charCodeAt(k);
      if (cc > 0x24f) {
        latin = false;
        abjad = isAbjad(cc);
        break;
      }
    }
    out.push({
      text,
      role,
      weight,
      latin,
      abjad,
      orig: t.original,
      join: t.form ?? text,
      geo,
      soft,
      phon: phoneticKey(text),
      skel: skeletonKey(text),
      facts: textFacts(text),
    });
  }
  if (kind === 'person' && !out.some((t) => t.role === 'family')) {
    for (let i = out.length - 1; i > 0; i--) {
      const t = out[i]!;
      if (t.role === 'unknown') {
        t.weight *= 1.15;
        break;
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Alignment

/**
 * Candidate alignment edges, in module scratch arrays rather than one object per edge (the scorer
 * is not re-entrant). Edge e covers query tokens E_QI[e]..E_QE[e] (more than one for a split query
 * compound: "bin laden" vs "binladen") and list tokens E_CI[e]..E_CE[e].
 */
let E_QI = new Int32Array(64);
let E_QE = new Int32Array(64);
let E_CI = new Int32Array(64);
let E_CE = new Int32Array(64);
let E_SIM = new Float64Array(64);
const E_HOW: TokenExplanation['how'][] = [];
/** Edge order after the sort, then the chosen edges. */
let E_ORDER = new Int32Array(64);
let CHOSEN = new Int32Array(64);
let N_EDGES = 0;

function pushEdge(
  qi: number,
  qe: number,
  ci: number,
  ce: number,
  sim: number,
  how: TokenExplanation['how'],
): void {
  const e = N_EDGES++;
  if (e >= E_QI.length) {
    const grow = <T extends Int32Array | Float64Array>(x: T, make: (n: number) => T): T => {
      const y = make(x.length * 2);
      y.set(x);
      return y;
    };
    E_QI = grow(E_QI, (n) => new Int32Array(n));
    E_QE = grow(E_QE, (n) => new Int32Array(n));
    E_CI = grow(E_CI, (n) => new Int32Array(n));
    E_CE = grow(E_CE, (n) => new Int32Array(n));
    E_SIM = grow(E_SIM, (n) => new Float64Array(n));
    E_ORDER = new Int32Array(E_QI.length);
    CHOSEN = new Int32Array(E_QI.length);
  }
  E_QI[e] = qi;
  E_QE[e] = qe;
  E_CI[e] = ci;
  E_CE[e] = ce;
  E_SIM[e] = sim;
  E_HOW[e] = how;
}

/** Tuning of the unmatched-token costs, by kind of name. */
export interface ScoreParams {
  /** Cost of an unmatched list token at either end of the name (relative to a query token). */
  extraEdge: number;
  /** Cost of an unmatched list token inside the name (a middle name the customer left out). */
  extraInner: number;
  /** Cost of an unmatched query token inside the name. */
  missingInner: number;
  /** Penalty per crossing pair of aligned tokens, as a fraction of all pairs. */
  order: number;
}

const PERSON_PARAMS: ScoreParams = { extraEdge: 0.7, extraInner: 0.3, missingInner: 0.45, order: 0.35 };
const ENTITY_PARAMS: ScoreParams = { extraEdge: 0.6, extraInner: 0.7, missingInner: 1, order: 0.06 };
const UNKNOWN_PARAMS: ScoreParams = { extraEdge: 0.7, extraInner: 0.4, missingInner: 0.6, order: 0.12 };

export function paramsFor(kind: NameKind): ScoreParams {
  return kind === 'person' ? PERSON_PARAMS : kind === 'entity' ? ENTITY_PARAMS : UNKNOWN_PARAMS;
}

/** Cost of an unmatched country name in an organisation name (a subsidiary is another entity). */
const GEO_EXTRA = 1.6;

/** "X bin Y" against "Y bin X": son and father swapped, another person. */
const BIN_SWAP = 0.3;

/** Penalty when the first names of the two sides are aligned with other positions. */
const SLOT_SWAP = 0;

/** Extra cost of a substitution (a token on each side unmatched), per unit of weight. */
const CONFLICT = 2;

function isSignificant(t: ScoreToken): boolean {
  return t.role !== 'stopword' && t.role !== 'legal_form' && t.weight > 0.25;
}

/** Whether the names either side of a query "bin" align with the other side's reversed pair. */
function binSwapped(q: ScoreToken[], c: ScoreToken[], qUsed: Int32Array): boolean {
  for (let i = 1; i + 1 < q.length; i++) {
    if (q[i]!.text !== 'bin' || q[i]!.role !== 'stopword') continue;
    const a = qUsed[i - 1]!;
    const b = qUsed[i + 1]!;
    if (a < 0 || b < 0) continue;
    const ca = E_CI[CHOSEN[a]!]!;
    const cb = E_CI[CHOSEN[b]!]!;
    if (cb + 2 === ca && c[cb + 1]?.text === 'bin') return true;
  }
  return false;
}

function allLatin(ts: ScoreToken[]): boolean {
  for (let i = 0; i < ts.length; i++) if (!ts[i]!.latin) return false;
  return true;
}

function hasNumber(ts: ScoreToken[]): boolean {
  for (let i = 0; i < ts.length; i++) if (ts[i]!.role === 'number') return true;
  return false;
}

/** Index of the first and last significant tokens (the given and family name slots). */
function firstSignificant(ts: ScoreToken[]): number {
  let a = 0;
  while (a < ts.length - 1 && !isSignificant(ts[a]!)) a++;
  return a;
}

function lastSignificant(ts: ScoreToken[]): number {
  let b = ts.length - 1;
  while (b > 0 && !isSignificant(ts[b]!)) b--;
  return b;
}

/** Scratch for the alignment's used-token marks (scoreAligned is not re-entrant). */
let USED_Q = new Int32Array(32);
let USED_C = new Int32Array(32);

/** Edge order of the greedy alignment: best similarity first, heavier tokens break ties. */
function edgeBefore(q: ScoreToken[], c: ScoreToken[], x: number, y: number): number {
  return (
    E_SIM[y]! - E_SIM[x]! ||
    q[E_QI[y]!]!.weight + c[E_CI[y]!]!.weight - q[E_QI[x]!]!.weight - c[E_CI[x]!]!.weight
  );
}

/**
 * The edge indices 0..n-1 in `edgeBefore` order, exactly as `Array.prototype.sort` orders them
 * (V8's TimSort: for fewer than 64 elements, one natural run then a binary insertion sort), so
 * ties whose tie-break rounds inconsistently fall the same way as before. Longer lists use the
 * built-in sort itself.
 */
function sortEdges(q: ScoreToken[], c: ScoreToken[], n: number): Int32Array {
  const a = E_ORDER;
  for (let e = 0; e < n; e++) a[e] = e;
  if (n < 2) return a;
  if (n >= 64) {
    const xs = Array.from(a.subarray(0, n)).sort((x, y) => edgeBefore(q, c, x, y));
    a.set(xs);
    return a;
  }
  // CountAndMakeRun.
  let run = 2;
  const descending = edgeBefore(q, c, a[1]!, a[0]!) < 0;
  let prev = a[1]!;
  for (let i = 2; i < n; i++) {
    const cur = a[i]!;
    const o = edgeBefore(q, c, cur, prev);
    if (descending ? o >= 0 : o < 0) break;
    prev = cur;
    run++;
  }
  if (descending) a.subarray(0, run).reverse();
  // BinaryInsertionSort of the rest.
  for (let start = run; start < n; start++) {
    let left = 0;
    let right = start;
    const pivot = a[start]!;
    while (left < right) {
      const mid = left + ((right - left) >> 1);
      if (edgeBefore(q, c, pivot, a[mid]!) < 0) right = mid;
      else left = mid + 1;
    }
    for (let p = start; p > left; p--) a[p] = a[p - 1]!;
    a[left] = pivot;
  }
  return a;
}

/**
 * Align and score. `sim` may be a memoised tokenSim (default: tokenSim). `ordered` is false when
 * the query holds a comma: its writer chose an explicit order ("LAST, First ...") that token order
 * no longer shows.
 */
export function scoreAligned(
  q: ScoreToken[],
  c: ScoreToken[],
  kind: NameKind,
  sim?: (qi: number, ci: number) => TokenSim,
  explain = true,
  ordered = true,
): NameScore {
  const nq = q.length;
  const nc = c.length;
  if (nq === 0 || nc === 0) return { score: 0, tokens: [] };
  const score = alignedScore(q, c, kind, sim, ordered);
  const tokens: TokenExplanation[] = [];
  if (explain) {
    const qUsed = USED_Q;
    const cUsed = USED_C;
    const chosen = CHOSEN;
    for (let i = 0; i < nq; i++) {
      const k = qUsed[i]!;
      const t = q[i]!;
      if (k < 0) {
        tokens.push({ query: t.text, matched: null, how: 'missing', weight: round(t.weight), score: 0 });
        continue;
      }
      const e = chosen[k]!;
      const matched = c
        .slice(E_CI[e]!, E_CE[e]! + 1)
        .map((x) => x.text)
        .join(' ');
      tokens.push({
        query: t.text,
        matched,
        how: E_HOW[e]!,
        weight: round(t.weight),
        score: round(E_SIM[e]!),
      });
    }
    for (let j = 0; j < nc; j++) {
      if (cUsed[j]! >= 0) continue;
      tokens.push({ query: '', matched: c[j]!.text, how: 'extra', weight: round(c[j]!.weight), score: 0 });
    }
  }
  return { score, tokens };
}

/**
 * `scoreAligned(q, c, kind, sim, false, ordered).score` without the result object. Leaves the
 * alignment in the module scratch (`USED_Q`, `USED_C`, `CHOSEN` and the edge arrays) for
 * `scoreAligned`'s explanation.
 */
export function alignedScore(
  q: ScoreToken[],
  c: ScoreToken[],
  kind: NameKind,
  sim?: (qi: number, ci: number) => TokenSim,
  ordered = true,
): number {
  const nq = q.length;
  const nc = c.length;
  if (nq === 0 || nc === 0) return 0;
  N_EDGES = 0;
  if (sim) {
    for (let i = 0; i < nq; i++) {
      for (let j = 0; j < nc; j++) {
        const s = sim(i, j);
        if (s.sim > 0.5) pushEdge(i, i, j, j, s.sim, s.how);
      }
    }
  } else {
    for (let i = 0; i < nq; i++) {
      const qt = q[i]!;
      const qx = qt.facts.xlit;
      const qn = qt.facts.nick;
      for (let j = 0; j < nc; j++) {
        const ct = c[j]!;
        const s = simCore(qt, ct, qx, ct.facts.xlit, qn, ct.facts.nick);
        if (s > 0.5) pushEdge(i, i, j, j, s, HOW);
      }
    }
  }
  // Joined/split tokens: one side's token against 2–3 adjacent tokens of the other side.
  joinEdges(q, c, false);
  joinEdges(c, q, true);
  // Greedy maximum alignment: best similarity first, heavier tokens break ties.
  const ne = N_EDGES;
  const order = sortEdges(q, c, ne);
  if (nq > USED_Q.length) USED_Q = new Int32Array(nq * 2);
  if (nc > USED_C.length) USED_C = new Int32Array(nc * 2);
  const qUsed = USED_Q;
  const cUsed = USED_C;
  qUsed.fill(-1, 0, nq);
  cUsed.fill(-1, 0, nc);
  const chosen = CHOSEN;
  let nChosen = 0;
  outer: for (let o = 0; o < ne; o++) {
    const e = order[o]!;
    const qi = E_QI[e]!;
    const qe = E_QE[e]!;
    const ci = E_CI[e]!;
    const ce = E_CE[e]!;
    for (let i = qi; i <= qe; i++) if (qUsed[i]! >= 0) continue outer;
    for (let j = ci; j <= ce; j++) if (cUsed[j]! >= 0) continue outer;
    const k = nChosen++;
    chosen[k] = e;
    for (let i = qi; i <= qe; i++) qUsed[i] = k;
    for (let j = ci; j <= ce; j++) cUsed[j] = k;
  }

  const params = paramsFor(kind);
  let num = 0;
  let den = 0;
  let strong = false;
  let legalExact = false;
  for (let k = 0; k < nChosen; k++) {
    const e = chosen[k]!;
    const qi = E_QI[e]!;
    const qe = E_QE[e]!;
    const ci = E_CI[e]!;
    const ce = E_CE[e]!;
    const how = E_HOW[e]!;
    const es = E_SIM[e]!;
    let wq = 0;
    for (let i = qi; i <= qe; i++) wq += q[i]!.weight;
    let wc = 0;
    for (let j = ci; j <= ce; j++) wc += c[j]!.weight;
    // An initial carries only an initial's evidence, whichever side it is on.
    if (how === 'initial') wq = wc = Math.min(wq, wc);
    else if (how !== 'legal_form' && es >= 0.75 && wq > 0.25) strong = true;
    // An acronym spelling out several words is as strong as a word.
    if (how === 'initial' && (ce > ci || qe > qi)) strong = true;
    if (how === 'legal_form' && es === 1) legalExact = true;
    num += es * (wq + wc);
    den += wq + wc;
  }
  const qa = firstSignificant(q);
  const qb = lastSignificant(q);
  const ca = firstSignificant(c);
  const cb = lastSignificant(c);
  let qMissing = 0;
  let qMissingSig = 0;
  let qNumUnmatched = false;
  let qLegal = false;
  for (let i = 0; i < nq; i++) {
    const t = q[i]!;
    if (t.role === 'legal_form') qLegal = true;
    if (qUsed[i]! >= 0) continue;
    const inner = i !== qa && i !== qb;
    qMissing += t.weight * (t.geo ? GEO_EXTRA : inner ? params.missingInner : 1) * (t.soft ? 0.5 : 1);
    if (isSignificant(t)) qMissingSig += t.weight;
    if (t.role === 'number') qNumUnmatched = true;
  }
  let cExtra = 0;
  let cExtraSig = 0;
  let cNumUnmatched = false;
  let cNumWeight = 0;
  let cLegal = false;
  for (let j = 0; j < nc; j++) {
    const t = c[j]!;
    if (t.role === 'legal_form') cLegal = true;
    if (cUsed[j]! >= 0) continue;
    const inner = j !== ca && j !== cb;
    cExtra +=
      t.weight * (t.geo ? GEO_EXTRA : inner ? params.extraInner : params.extraEdge) * (t.soft ? 0.5 : 1);
    if (isSignificant(t)) cExtraSig += t.weight;
    if (t.role === 'number') {
      cNumUnmatched = true;
      cNumWeight += t.weight * (inner ? params.extraInner : params.extraEdge);
    }
  }
  // A token on each side left unmatched is a substitution (another person's name in that slot),
  // which is stronger evidence against than a token merely absent on one side.
  // A number on one side only ("Victory" vs "Victory 3") is a weaker signal than two numbers
  // that differ, which the multiplier below handles.
  if (cNumUnmatched && !qNumUnmatched && !hasNumber(q)) cExtra -= cNumWeight / 2;
  const conflict = Math.min(qMissingSig, cExtraSig);
  den += 2 * qMissing + 2 * cExtra + CONFLICT * conflict;
  let score = den > 0 ? num / den : 0;

  // Initials alone ("N.N.") are not enough to call a name the same.
  if (!strong) score *= 0.75;
  // Numbers identify companies and vessels ("Alpha 1" vs "Alpha 2"): a contradiction is strong.
  if (qNumUnmatched && cNumUnmatched) score *= 0.6;
  // Two different legal forms (GmbH vs Inc): a small penalty.
  if (qLegal && cLegal && !legalExact) score -= 0.06;
  // Order: alignment is order-free, but crossing pairs cost (more for persons, where
  // "Friedrich Hans" and "Hans Friedrich" may be two people).
  // Names written in other scripts follow other conventions (family name first in Cyrillic
  // registers, CJK): their order says nothing.
  if (ordered && nChosen >= 2 && allLatin(q)) {
    // The chosen edges by query position (their query tokens are disjoint, so the order is
    // strict): each edge is met at its first query token.
    let inv = 0;
    let pairs = 0;
    for (let a = 0; a < nq; a++) {
      const ka = qUsed[a]!;
      if (ka < 0) continue;
      const ea = chosen[ka]!;
      if (E_QI[ea] !== a || q[a]!.role === 'stopword') continue;
      const cia = E_CI[ea]!;
      for (let b = a + 1; b < nq; b++) {
        const kb = qUsed[b]!;
        if (kb < 0) continue;
        const eb = chosen[kb]!;
        if (E_QI[eb] !== b || q[b]!.role === 'stopword') continue;
        pairs++;
        if (cia > E_CI[eb]!) inv++;
      }
    }
    if (pairs > 0 && inv > 0) score -= params.order * (inv / pairs);
    // The given-name slot swapped with another (ABDULLAH BIN OMAR vs OMAR BIN ABDULLAH): in
    // patronymic naming that is a father and son, not one person written twice.
    if (kind !== 'entity' && inv > 0 && binSwapped(q, c, qUsed)) score -= BIN_SWAP;
    if (kind !== 'entity' && inv > 0) {
      const qk = qUsed[qa]!;
      const ck = cUsed[ca]!;
      if (qk >= 0 && ck >= 0 && qk !== ck && E_CI[chosen[qk]!] !== ca && E_QI[chosen[ck]!] !== qa)
        score -= SLOT_SWAP;
    }
  }
  if (score < 0) score = 0;
  if (score > 1) score = 1;
  return score;
}

/**
 * Edges where one token of `one` equals 2–3 adjacent tokens of `many` joined ("binladen"), or is
 * their initials ("JC" for Jean-Claude, "PLA" for People's Liberation Army).
 */
function joinEdges(one: ScoreToken[], many: ScoreToken[], swapped: boolean): void {
  if (many.length < 2) return;
  for (let i = 0; i < one.length; i++) {
    const t = one[i]!;
    if (t.role === 'legal_form' || t.role === 'number') continue;
    const tj = t.join;
    const tl = tj.length;
    const initialsPossible = tl >= 2 && tl <= 5;
    // Neither initials nor a concatenation can match (see `catOpen` below).
    if (!initialsPossible && tl < 4) continue;
    let tPrepared = false;
    for (let j = 0; j + 1 < many.length; j++) {
      // The concatenation and the initials are tracked by length and prefix match rather than
      // built as strings: most (j, k) runs are rejected on length alone.
      let catLen = 0;
      let initLen = 0;
      let initOk = initialsPossible;
      for (let k = j; k < many.length && k < j + 5; k++) {
        const m = many[k]!;
        catLen += m.join.length;
        if (initOk) {
          let ch = -1;
          if (m.role === 'legal_form') ch = 0x23;
          else if (m.role !== 'stopword' || m.text.length > 2) ch = m.text.charCodeAt(0);
          if (ch >= 0) {
            if (initLen >= tl || tj.charCodeAt(initLen) !== ch) initOk = false;
            initLen++;
          }
        }
        const catOpen = k < j + 3 && tl >= 4 && catLen <= tl + 2;
        if (!initOk && !catOpen) break;
        if (k === j) continue;
        if (initOk && initLen === tl && m.text.length > 1) {
          if (swapped) pushEdge(j, k, i, i, 0.8, 'initial');
          else pushEdge(i, i, j, k, 0.8, 'initial');
        }
        if (!catOpen) continue;
        if (catLen < tl - 2) continue;
        // joinedSimCodes's first test (first or last letter kept), before the concatenation is built.
        const first = many[j]!.join;
        const last = m.join;
        if (
          first.length > 0 &&
          last.length > 0 &&
          tj.charCodeAt(0) !== first.charCodeAt(0) &&
          tj.charCodeAt(tl - 1) !== last.charCodeAt(last.length - 1)
        )
          continue;
        if (!tPrepared) {
          prepareJoined(tj);
          tPrepared = true;
        }
        const s = joinedSimCodes(tl, many, j, k, catLen);
        if (s > 0.6) {
          if (swapped) pushEdge(j, k, i, i, s, 'joined');
          else pushEdge(i, i, j, k, s, 'joined');
        }
      }
    }
  }
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
