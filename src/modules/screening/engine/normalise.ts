/**
 * Name normalisation for screening: one raw list or customer name → tokens with a Latin form, the
 * source token, a role and a weight hint. Runs at index time over every list name and on every
 * query, so it is a single character pass plus Map/trie lookups (no backtracking regexes).
 *
 * Pipeline: NFKC → tokenise (punctuation and hyphens split, apostrophes join: "Ma'ruf" → maruf,
 * digits kept) → homoglyph fold (a Cyrillic "а" inside a Latin word) → case-fold → transliterate
 * (transliterate.ts; accents stripped for Latin, original kept) → phrase passes: legal forms
 * (entities; canonical generic class, low weight), titles (persons: dropped), Arabic particles and
 * compounds, stopwords → roles ("LAST, First" and CJK family/given).
 *
 * Typos are not the normaliser's job: keys.ts and the scorer handle them.
 */
import {
  detectScript,
  hanSyllables,
  scriptOfCodePoint,
  syllables,
  transliterateToken,
} from './transliterate.ts';
import type { Script } from './transliterate.ts';
import { ORG_TYPES, PERSON_SYMBOLS, STOPWORDS } from './vocab.ts';
import anyAscii from 'any-ascii';

export type TokenRole = 'given' | 'family' | 'unknown' | 'legal_form' | 'stopword' | 'initial' | 'number';

export interface Token {
  /** Normalised lower-case ASCII Latin form. */
  text: string;
  /** The source token (after NFKC, original case and script). */
  original: string;
  role: TokenRole;
  /** 1 normal; lower for legal forms, stopwords, particles and titles kept as tokens. */
  weightHint: number;
  /** For legal forms: the specific form's compare key (e.g. "gmbh") while `text` is the class. */
  form?: string;
}

export interface NormalisedName {
  original: string;
  tokens: Token[];
  /** Whether the input's letters were all Latin script. */
  latin: boolean;
  /** Distinct scripts of the input's letters. */
  scripts: string[];
}

export type NameKind = 'person' | 'entity' | 'unknown';

export const WEIGHT = {
  normal: 1,
  initial: 0.6,
  legalForm: 0.2,
  stopword: 0.2,
  particle: 0.3,
  article: 0.1,
  title: 0.2,
} as const;

// ---------------------------------------------------------------------------------------------
// Character classes and homoglyphs

const WORD_CHAR_RE = /^[\p{L}\p{M}\p{N}]$/u;
const wordCharCache = new Map<number, boolean>();
function isWordChar(cp: number): boolean {
  if (cp < 0x80) return (cp >= 0x30 && cp <= 0x39) || ((cp | 0x20) >= 0x61 && (cp | 0x20) <= 0x7a);
  let v = wordCharCache.get(cp);
  if (v === undefined) {
    v = WORD_CHAR_RE.test(String.fromCodePoint(cp));
    wordCharCache.set(cp, v);
  }
  return v;
}

// Apostrophes and ʿayn/hamza marks join the letters around them (Sa'd → sad, Ma'ruf → maruf).
const JOINERS = new Set([0x27, 0x60, 0x2018, 0x2019, 0x02bc, 0x02bb, 0x02be, 0x02bf, 0xb4]);

// Homoglyphs: Cyrillic/Greek letters that look Latin, and back. Our own table (the rigour
// compare.yml pairs are 0/o-style edit costs, kept for the scorer in vocab.ts).
const TO_LATIN = new Map<string, string>(
  [
    ...'АA ВB ЕE КK МM НH ОO РP СC ТT ХX УY аa еe оo рp сc уy хx іi јj ѕs ԁd ӏl ЅS ІI ЈJ',
    ...' ΑA ΒB ΕE ΖZ ΗH ΙI ΚK ΜM ΝN ΟO ΡP ΤT ΥY ΧX οo νv',
  ]
    .join('')
    .split(' ')
    .filter((p) => p.length === 2)
    .map((p) => [p[0]!, p[1]!] as [string, string]),
);
const TO_CYRILLIC = new Map<string, string>(
  'aа eе oо pр cс yу xх iі AА BВ EЕ KК MМ HН OО PР CС TТ XХ YУ'
    .split(' ')
    .map((p) => [p[0]!, p[1]!] as [string, string]),
);

/** Fold look-alike letters into the token's majority script (Latin vs Cyrillic/Greek). */
export function foldConfusables(token: string): string {
  let latin = 0;
  let cyr = 0;
  let greek = 0;
  for (const ch of token) {
    const s = scriptOfCodePoint(ch.codePointAt(0)!);
    if (s === 'Latin') latin++;
    else if (s === 'Cyrillic') cyr++;
    else if (s === 'Greek') greek++;
  }
  if (latin > 0 && cyr + greek > 0) {
    if (latin >= cyr + greek) {
      let out = '';
      for (const ch of token) out += TO_LATIN.get(ch) ?? ch;
      return out;
    }
    if (cyr > 0) {
      let out = '';
      for (const ch of token) out += TO_CYRILLIC.get(ch) ?? ch;
      return out;
    }
  }
  return token;
}

// ---------------------------------------------------------------------------------------------
// Tokenisation

interface RawToken {
  original: string;
  /** Whitespace-delimited word index, so "AL-TIKRITI," counts as one word before a comma. */
  word: number;
  /** Number of commas seen before this token. */
  commas: number;
}

function rawTokens(s: string): RawToken[] {
  const out: RawToken[] = [];
  let cur = '';
  let word = 0;
  let commas = 0;
  let inWord = false;
  const flush = (): void => {
    if (cur) out.push({ original: cur, word, commas });
    cur = '';
  };
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (isWordChar(cp)) {
      if (!inWord && out.length > 0) word++;
      inWord = true;
      // Split at a Han/Hangul ↔ other script change (e.g. "ABC有限公司").
      if (cur && scriptOfCodePoint(cp) !== 'Common') {
        const prev = scriptOfCodePoint(
          cur.codePointAt(
            cur.length -
              1 -
              (cur.length > 1 &&
              cur.charCodeAt(cur.length - 1) >= 0xdc00 &&
              cur.charCodeAt(cur.length - 1) <= 0xdfff
                ? 1
                : 0),
          )!,
        );
        const a = scriptOfCodePoint(cp);
        if (
          prev !== a &&
          prev !== 'Common' &&
          (a === 'Han' || prev === 'Han' || a === 'Hangul' || prev === 'Hangul')
        )
          flush();
      }
      cur += ch;
    } else if (JOINERS.has(cp) && cur) {
      continue;
    } else {
      flush();
      if (cp === 0x2c || cp === 0xff0c || cp === 0x60c) commas++;
      if (cp === 0x20 || cp === 0x2c || cp === 0x09 || cp === 0x0a || cp === 0x3000) inWord = false;
    }
  }
  flush();
  return out;
}

interface Work {
  text: string;
  original: string;
  script: Script;
  word: number;
  commas: number;
  role?: TokenRole;
  weight?: number;
  form?: string;
  drop?: boolean;
}

/**
 * Korean family names as lists write them (any-ascii gives the Revised Romanisation: Gim, Bak, I).
 * Lists mostly use the traditional forms (Kim, Pak/Park, Ri/Lee, Choe, Jong/Jung...).
 */
const KOREAN_FAMILY = new Map<string, string>([
  ['gim', 'kim'],
  ['i', 'ri'],
  ['bak', 'pak'],
  ['jeong', 'jong'],
  ['gang', 'kang'],
  ['jo', 'cho'],
  ['im', 'rim'],
  ['gwon', 'kwon'],
  ['go', 'ko'],
  ['gu', 'ku'],
  ['gwak', 'kwak'],
  ['bae', 'pae'],
  ['baek', 'paek'],
  ['heo', 'ho'],
  ['no', 'ro'],
  ['seo', 'so'],
  ['seong', 'song'],
  ['byeon', 'pyon'],
  ['bang', 'pang'],
  ['gong', 'kong'],
  ['geum', 'kum'],
  ['gil', 'kil'],
  ['do', 'to'],
  ['ban', 'pan'],
  ['yu', 'ryu'],
  ['ri', 'ri'],
]);

/**
 * A Revised-Romanisation syllable in the form sanctions lists use for Korean names (McCune–Reischauer
 * without diacritics, as North Korean names are listed): eo → o, eu → u; the family name by table.
 * "김정은" → kim jong un, as the UN and OFAC list him.
 */
function koreanListForm(syllable: string, first: boolean): string {
  if (first) {
    const family = KOREAN_FAMILY.get(syllable);
    if (family) return family;
  }
  return syllable.replace(/eo/g, 'o').replace(/eu/g, 'u');
}

/** Fold, case-fold and transliterate one raw token; Han/Hangul may yield several pieces. */
function toWork(raw: RawToken): Work[] {
  const folded = foldConfusables(raw.original);
  const lower = folded.toLowerCase();
  const script = detectScript(lower);
  const base = { script, word: raw.word, commas: raw.commas };
  if (script === 'Han') {
    const chars = [...raw.original];
    const syl = hanSyllables(lower);
    if (syl.length === chars.length) {
      return syl.map((t, i) => ({ ...base, text: t, original: chars[i]! }));
    }
    return [{ ...base, text: syl.join(''), original: raw.original }];
  }
  if (script === 'Hangul') {
    const chars = [...raw.original];
    const syl = syllables(anyAscii(lower)).map((t, i) => koreanListForm(t, i === 0));
    if (syl.length === chars.length) return syl.map((t, i) => ({ ...base, text: t, original: chars[i]! }));
    return [{ ...base, text: syl.join(''), original: raw.original }];
  }
  if (script === 'Arabic' && lower.startsWith('ال') && [...lower].length > 3) {
    // The Arabic article is written joined; split it so it can be down-weighted like "al-".
    return [
      { ...base, text: 'al', original: raw.original.slice(0, 2) },
      { ...base, text: transliterateToken(lower.slice(2), script), original: raw.original.slice(2) },
    ];
  }
  const text = transliterateToken(lower, script).replace(/[^a-z0-9]+/g, '');
  return text ? [{ ...base, text, original: raw.original }] : [];
}

/** Plain normalised token texts of a vocabulary phrase (no phrase passes). */
function phraseTexts(phrase: string): string[] {
  const out: string[] = [];
  for (const r of rawTokens(phrase.normalize('NFKC'))) for (const w of toWork(r)) out.push(w.text);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Phrase tries

interface TrieNode<V> {
  next: Map<string, TrieNode<V>>;
  value?: V;
}

function trieInsert<V>(root: TrieNode<V>, seq: string[], value: V): void {
  let node = root;
  for (const t of seq) {
    let n = node.next.get(t);
    if (!n) {
      n = { next: new Map() };
      node.next.set(t, n);
    }
    node = n;
  }
  if (node.value === undefined) node.value = value;
}

/** Longest phrase starting at `start`: its length in tokens and value, or undefined. */
function trieMatch<V>(root: TrieNode<V>, toks: Work[], start: number): { len: number; value: V } | undefined {
  let node: TrieNode<V> | undefined = root;
  let best: { len: number; value: V } | undefined;
  for (let i = start; i < toks.length; i++) {
    node = node.next.get(toks[i]!.text);
    if (!node) break;
    if (node.value !== undefined) best = { len: i - start + 1, value: node.value };
  }
  return best;
}

// Legal-form classes that become the token text; other entries keep their own compare form.
const LEGAL_CLASSES = new Set(['LLC', 'JSC', 'LP', 'GP', 'LLP', 'SP', 'COOP', 'JV']);
// Single-token aliases that are ordinary words or fragments: never treat as legal forms.
const LEGAL_DENY = new Set(['in', 'll', 'lt', 'lc', 'co', 'as', 'de', 'and', 'the', 'of']);

interface LegalValue {
  text: string;
  form: string;
}

const LEGAL_TRIE: TrieNode<LegalValue> = { next: new Map() };
const TITLE_TRIE: TrieNode<true> = { next: new Map() };

function asciiKey(s: string): string {
  return phraseTexts(s).join('');
}

for (const [form, generic, aliases] of ORG_TYPES) {
  const formKey = asciiKey(form);
  const value: LegalValue = {
    text: LEGAL_CLASSES.has(generic) ? generic.toLowerCase() : formKey,
    form: formKey,
  };
  if (!value.text) continue;
  for (const a of aliases) {
    const seq = phraseTexts(a);
    if (seq.length === 0) continue;
    if (seq.length === 1 && (seq[0]!.length < 2 || LEGAL_DENY.has(seq[0]!))) continue;
    trieInsert(LEGAL_TRIE, seq, value);
  }
}
// Common forms the vocabulary spells differently from list data.
for (const [a, text, form] of [
  ['ltd', 'llc', 'ltd'],
  ['limited', 'llc', 'ltd'],
  ['llc', 'llc', 'llc'],
  ['l l c', 'llc', 'llc'],
  ['ooo', 'llc', 'ooo'],
  ['ojsc', 'jsc', 'ojsc'],
  ['pjsc', 'jsc', 'pjsc'],
  ['cjsc', 'jsc', 'cjsc'],
  ['oao', 'jsc', 'oao'],
  ['zao', 'jsc', 'zao'],
  ['pao', 'jsc', 'pao'],
  ['jsc', 'jsc', 'jsc'],
  ['inc', 'inc', 'inc'],
  ['corp', 'corp', 'corp'],
] as const) {
  trieInsert(LEGAL_TRIE, a.split(' '), { text, form });
}

for (const p of STOPWORDS.personNamePrefixes) {
  const seq = phraseTexts(p);
  if (seq.length) trieInsert(TITLE_TRIE, seq, true);
}
for (const p of ['gen', 'maj gen', 'brig gen', 'lt gen', 'lt col', 'sgt', 'eng', 'h e', 'mrs', 'dr']) {
  trieInsert(TITLE_TRIE, p.split(' '), true);
}

// Titles that are also given names (vocabulary comments): kept, down-weighted, never dropped.
const SOFT_TITLES = new Set<string>([
  'sheikh',
  'sheik',
  'shaikh',
  'shaykh',
  'haji',
  'hajji',
  'hajj',
  'alhaj',
  'alhajj',
]);
for (const v of PERSON_SYMBOLS.personSymbols['sheikh'] ?? []) SOFT_TITLES.add(asciiKey(v));

// Arabic articles (with sun-letter assimilation: ad-Din, ar-Rahman, as-Sayyid, ash-Shami...).
const ARTICLES = new Set(['al', 'el', 'ul', 'il']);
const SUN_ARTICLES = new Set([
  'ad',
  'ar',
  'as',
  'ash',
  'at',
  'az',
  'an',
  'ath',
  'adh',
  'ed',
  'er',
  'es',
  'ez',
  'en',
  'et',
  'ud',
  'ur',
  'us',
  'un',
]);
// Patronymic particles, canonicalised. "ben" is also an English given name, so only when not first.
const PARTICLES = new Map<string, string>([
  ['bin', 'bin'],
  ['ibn', 'bin'],
  ['ben', 'bin'],
  ['bn', 'bin'],
  ['abn', 'bin'],
  ['bint', 'bint'],
  ['bnt', 'bint'],
  ['ould', 'ould'],
  ['wuld', 'ould'],
  ['wld', 'ould'],
]);
const ABU = new Map<string, string>([
  ['abu', 'abu'],
  ['abou', 'abu'],
  ['abo', 'abu'],
  ['abi', 'abu'],
  ['aboo', 'abu'],
  ['abul', 'abu'],
]);
const ABD_PREFIXES = [
  'abdul',
  'abdel',
  'abdal',
  'abdol',
  'abdil',
  'abdoul',
  'abdu',
  'abde',
  'abda',
  'abdo',
  'abd',
];
const ALLAH = new Set(['allah', 'alla', 'lah', 'llah', 'ullah', 'ulla', 'ellah', 'alah']);

const ENTITY_STOPWORDS = new Set([
  'of',
  'the',
  'and',
  'for',
  'und',
  'et',
  'y',
  'e',
  'de',
  'du',
  'des',
  'la',
  'le',
  'les',
  'del',
  'der',
  'die',
  'das',
  'van',
  'von',
  'i',
  'im',
  'in',
  'on',
  'at',
  'to',
  'a',
  'an',
]);
const PERSON_PARTICLES = new Set([
  'de',
  'da',
  'di',
  'do',
  'dos',
  'das',
  'du',
  'del',
  'della',
  'van',
  'von',
  'der',
  'den',
  'ter',
  'la',
  'le',
  'y',
]);

/**
 * "abd al rahman", "abd-al-rahman", "abdul rahman", "abdel rahman", "abdurrahman",
 * "abdulrahman" and Arabic عبد الرحمن all become the one token "abdrahman"; all forms of
 * ʿAbd Allāh become "abdallah". One token, because lists write these compounds joined and split
 * about equally often and the name is one name. Returns undefined if `t` is not such a compound.
 */
function joinedAbd(t: string): string | undefined {
  if (!t.startsWith('abd') || t.length < 6) return undefined;
  if (ALLAH.has(t.slice(4)) || ALLAH.has(t.slice(3)) || ALLAH.has(t.slice(5))) return 'abdallah';
  // abd + vowel + assimilated article consonant doubled: abdurrahman, abdussalam, abdeljalil
  const v = t[3]!;
  if ('aeiou'.includes(v)) {
    const c = t[4];
    if (c !== undefined && c === t[5] && !'aeiou'.includes(c)) return 'abd' + t.slice(5);
    if (c === 'l' && t.length > 6) return 'abd' + t.slice(5);
  }
  return undefined;
}

/** "saif al din", "saifeddine", "salahaldin", "nur ad din" → one token ending in "din". */
const DIN_SUFFIXES = [
  'eddine',
  'eddin',
  'uddin',
  'uddine',
  'addin',
  'aldin',
  'aldeen',
  'eldin',
  'ildin',
  'ideen',
  'uddeen',
  'addine',
];
const DIN_WORDS = new Set(['din', 'deen', 'dine', 'dyn']);
function joinedDin(t: string): string | undefined {
  for (const s of DIN_SUFFIXES) {
    if (t.length > s.length + 2 && t.endsWith(s)) return t.slice(0, -s.length) + 'din';
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Passes

function markLegalForms(toks: Work[], kind: NameKind): boolean {
  let found = false;
  for (let i = 0; i < toks.length; i++) {
    const m = trieMatch(LEGAL_TRIE, toks, i);
    if (!m) continue;
    // For names of unknown kind a legal form only counts at either end of the name, where
    // suffixes ("... LLC") and prefixes ("OOO ...", "PT ...") sit.
    if (kind === 'unknown' && i !== 0 && i + m.len !== toks.length) continue;
    // A whole name that is only a legal form is kept as a name.
    if (m.len === toks.length) continue;
    const first = toks[i]!;
    first.original = toks
      .slice(i, i + m.len)
      .map((t) => t.original)
      .join(' ');
    first.text = m.value.text;
    first.form = m.value.form;
    first.role = 'legal_form';
    first.weight = WEIGHT.legalForm;
    toks.splice(i + 1, m.len - 1);
    found = true;
  }
  return found;
}

function markTitles(toks: Work[], kind: NameKind): void {
  let i = 0;
  // Leading titles only ("Dr", "General", "His Excellency"), at most until one name token remains.
  while (i < toks.length) {
    const m = trieMatch(TITLE_TRIE, toks, i);
    if (!m || i + m.len >= toks.length) break;
    for (let j = i; j < i + m.len; j++) {
      const t = toks[j]!;
      if (kind === 'person') t.drop = true;
      else {
        t.role = 'stopword';
        t.weight = WEIGHT.title;
      }
    }
    i += m.len;
  }
  for (const t of toks) {
    if (SOFT_TITLES.has(t.text) && toks.length > 1 && t.role === undefined) {
      t.role = 'stopword';
      t.weight = WEIGHT.title;
    }
  }
}

function mergeInto(toks: Work[], i: number, n: number, text: string): void {
  const first = toks[i]!;
  first.original = toks
    .slice(i, i + n)
    .map((t) => t.original)
    .join(' ');
  first.text = text;
  toks.splice(i + 1, n - 1);
}

function arabicPasses(toks: Work[]): void {
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    if (t.role !== undefined) continue;
    const next = toks[i + 1];
    const isArt = (w: Work | undefined): boolean =>
      w !== undefined &&
      (ARTICLES.has(w.text) ||
        (SUN_ARTICLES.has(w.text) && toks[toks.indexOf(w) + 1]?.text[0] === w.text[w.text.length - 1]));
    // abd + [article] + X → abdX
    if (t.text === 'abd' || ABD_PREFIXES.includes(t.text)) {
      let j = i + 1;
      if (t.text === 'abd' && isArt(toks[j]) && toks[j + 1]) j++;
      const x = toks[j];
      if (x && x.role === undefined && x.text.length >= 3 && x !== t) {
        const stem = ALLAH.has(x.text) ? 'allah' : x.text;
        mergeInto(toks, i, j - i + 1, 'abd' + stem);
        continue;
      }
    }
    const abd = joinedAbd(t.text);
    if (abd) {
      t.text = abd;
      continue;
    }
    // X + [article] + din → Xdin ; X + eddine → Xdin
    if (next && DIN_SUFFIXES.includes(next.text) && t.role === undefined) {
      mergeInto(toks, i, 2, t.text + 'din');
      continue;
    }
    if (next && isArt(next) && toks[i + 2] && DIN_WORDS.has(toks[i + 2]!.text)) {
      mergeInto(toks, i, 3, t.text + 'din');
      continue;
    }
    const din = joinedDin(t.text);
    if (din) t.text = din;
    // Abu / Abou / Abul → abu (kunya marker, kept at full weight: "Abu Bakr" is the name).
    const abu = ABU.get(t.text);
    if (abu && next) t.text = abu;
  }
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    if (t.role !== undefined) continue;
    const next = toks[i + 1];
    if (
      next &&
      (ARTICLES.has(t.text) ||
        (SUN_ARTICLES.has(t.text) && next.text[0] === t.text.at(-1) && t.script !== 'Latin') ||
        (SUN_ARTICLES.has(t.text) && next.text[0] === t.text.at(-1) && t.word === next.word))
    ) {
      t.text = 'al';
      t.role = 'stopword';
      t.weight = WEIGHT.article;
      continue;
    }
    const p = PARTICLES.get(t.text);
    if (p && i > 0 && next) {
      t.text = p;
      t.role = 'stopword';
      t.weight = WEIGHT.particle;
    }
  }
}

function markStopwords(toks: Work[], kind: NameKind): void {
  const set = kind === 'person' ? PERSON_PARTICLES : ENTITY_STOPWORDS;
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    if (t.role !== undefined || toks.length < 2) continue;
    // Person particles only inside a name ("Ana de Armas"), not as a whole given name.
    if (kind === 'person' && (i === 0 || i === toks.length - 1)) continue;
    if (kind !== 'person' && t.text.length === 1 && !set.has(t.text)) continue;
    if (set.has(t.text)) {
      t.role = 'stopword';
      t.weight = kind === 'person' ? WEIGHT.particle : WEIGHT.stopword;
    }
  }
}

function isDigits(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return s.length > 0;
}

// Two-character Chinese family names (pinyin), joined: ouyang, sima...
const CN_COMPOUND_SURNAMES = new Set([
  'ouyang',
  'sima',
  'zhuge',
  'shangguan',
  'situ',
  'dongfang',
  'huangfu',
  'yuchi',
  'gongsun',
  'murong',
  'zhangsun',
  'yuwen',
  'xiahou',
  'linghu',
]);

/** A person's name written as one Han or Hangul word: family name first, then the given name. */
function cjkRoles(toks: Work[], kind: NameKind): Work[] {
  if (kind === 'entity' || toks.length < 2 || toks.length > 4) return toks;
  const script = toks[0]!.script;
  if (
    (script !== 'Han' && script !== 'Hangul') ||
    toks.some((t) => t.script !== script || t.word !== toks[0]!.word)
  ) {
    return toks;
  }
  let famLen = 1;
  if (script === 'Han' && toks.length >= 3 && CN_COMPOUND_SURNAMES.has(toks[0]!.text + toks[1]!.text))
    famLen = 2;
  const fam = toks.slice(0, famLen);
  const given = toks.slice(famLen);
  const family: Work = {
    ...fam[0]!,
    text: fam.map((t) => t.text).join(''),
    original: fam.map((t) => t.original).join(''),
    role: 'family',
  };
  if (script === 'Han') {
    // Hanyu Pinyin writes the given name as one word: Xi Jinping.
    return [
      family,
      {
        ...given[0]!,
        text: given.map((t) => t.text).join(''),
        original: given.map((t) => t.original).join(''),
        role: 'given',
      },
    ];
  }
  // Korean given names are hyphenated or spaced in list romanisations (Kim Jong-un → jong, un),
  // and our tokeniser splits hyphens, so keep one token per syllable.
  return [family, ...given.map((t) => ({ ...t, role: 'given' as const }))];
}

// ---------------------------------------------------------------------------------------------
// Public API

const SPLIT_PHRASES = [
  ...new Set([...STOPWORDS.nameSplitPhrases.map((p) => p.toLowerCase()), 'aka', 'fka', 'f.k.a.', 'a.k.a.']),
].sort((a, b) => b.length - a.length);
// An alternation of literals between non-letter guards: linear, no nested quantifiers.
const SPLIT_RE = new RegExp(
  `(?<![\\p{L}\\p{N}])(?:${SPLIT_PHRASES.map((p) => p.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})(?![\\p{L}\\p{N}])`,
  'giu',
);
const TRIM_RE = /^[\s()[\]{};:,.\-–—"]+|[\s()[\]{};:,.\-–—"]+$/gu;

/** Split a name on "a.k.a.", "aka", "formerly known as", "d/b/a"... into its names. */
export function splitAliases(raw: string): string[] {
  const out: string[] = [];
  for (const part of raw.normalize('NFKC').split(SPLIT_RE)) {
    const p = part.replace(TRIM_RE, '');
    if (p) out.push(p);
  }
  return out;
}

/** Normalise one name (call splitAliases first for strings that may hold several). */
export function normaliseName(raw: string, opts: { kind: NameKind }): NormalisedName {
  const kind = opts.kind;
  const nfkc = raw.normalize('NFKC');
  const raws = rawTokens(nfkc);
  let toks: Work[] = [];
  for (const r of raws) for (const w of toWork(r)) toks.push(w);

  const hasLegal = kind !== 'person' && markLegalForms(toks, kind);
  if (kind !== 'entity') markTitles(toks, kind);
  toks = toks.filter((t) => !t.drop);
  if (kind !== 'entity') arabicPasses(toks);
  markStopwords(toks, kind);

  // "LAST, First Middle": one comma, exactly one word before it.
  const commaCount = toks.length ? Math.max(...toks.map((t) => t.commas)) : 0;
  let reordered = false;
  if (kind !== 'entity' && !hasLegal && commaCount === 1) {
    const before = toks.filter((t) => t.commas === 0);
    const after = toks.filter((t) => t.commas === 1);
    const words = new Set(before.map((t) => t.word));
    if (words.size === 1 && after.length > 0) {
      for (const t of before) if (t.role === undefined) t.role = 'family';
      for (const t of after) if (t.role === undefined) t.role = 'given';
      toks = [...after, ...before];
      reordered = true;
    }
  }
  if (!reordered) toks = cjkRoles(toks, kind);

  const tokens: Token[] = [];
  for (const t of toks) {
    let role: TokenRole = t.role ?? 'unknown';
    let weight = t.weight ?? WEIGHT.normal;
    if (role !== 'legal_form' && role !== 'stopword') {
      if (isDigits(t.text)) role = 'number';
      else if (t.text.length === 1 && t.script === 'Latin') {
        role = 'initial';
        weight = WEIGHT.initial;
      }
    }
    const tok: Token = { text: t.text, original: t.original, role, weightHint: weight };
    if (t.form !== undefined) tok.form = t.form;
    tokens.push(tok);
  }
  const scripts = [...new Set(toks.map((t) => t.script).filter((s) => s !== 'Common'))];
  for (const ch of nfkc) {
    const s = scriptOfCodePoint(ch.codePointAt(0)!);
    if (s !== 'Common' && !scripts.includes(s)) scripts.push(s);
  }
  return { original: raw, tokens, latin: scripts.every((s) => s === 'Latin'), scripts };
}
