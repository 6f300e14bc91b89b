/**
 * Script detection and transliteration of name tokens into lower-case ASCII Latin.
 *
 * Why our own tables: Cyrillic, Greek, Armenian, Georgian, Arabic and Persian are small alphabets
 * whose list romanisations (BGN/PCGN-like) we want to reproduce closely and cheaply; a per-letter
 * table lookup is faster than any general library. Chinese goes through pinyin-pro, Japanese kana
 * and Korean Hangul through any-ascii (revised romanisation, Hepburn-like romaji). The looser
 * spelling variants (kh/ch, ks/x, iu/yu) are reconciled by the keys in keys.ts, not here.
 *
 * Known limits: Japanese kanji are read as Chinese (pinyin), because a name's kanji reading cannot
 * be derived without a name dictionary; Arabic script carries no short vowels, so its romanisation
 * is a consonant frame (محمد → "mhmd") that only meets Latin spellings at the skeleton-key level.
 */
import anyAscii from 'any-ascii';
import { pinyin } from 'pinyin-pro';

/** Scripts we recognise; anything else is reported as 'Other' and passed through any-ascii. */
const SCRIPTS = [
  'Latin',
  'Cyrillic',
  'Greek',
  'Armenian',
  'Georgian',
  'Arabic',
  'Hebrew',
  'Han',
  'Hiragana',
  'Katakana',
  'Hangul',
  'Thai',
  'Devanagari',
] as const;
export type Script = (typeof SCRIPTS)[number] | 'Common' | 'Other';

const SCRIPT_RES: [Script, RegExp][] = SCRIPTS.map((s) => [s, new RegExp(`^\\p{Script=${s}}$`, 'u')]);
const COMMON_RE = /^[\p{Script=Common}\p{Script=Inherited}]$/u;

// Code point → script, filled lazily: each distinct character pays for the regex tests once.
const scriptCache = new Map<number, Script>();

/** The Unicode script of one code point ('Common' for digits, punctuation and combining marks). */
export function scriptOfCodePoint(cp: number): Script {
  if (cp < 0x80) {
    return (cp >= 0x61 && cp <= 0x7a) || (cp >= 0x41 && cp <= 0x5a) ? 'Latin' : 'Common';
  }
  let s = scriptCache.get(cp);
  if (s === undefined) {
    const ch = String.fromCodePoint(cp);
    s = 'Other';
    if (COMMON_RE.test(ch)) s = 'Common';
    else {
      for (const [name, re] of SCRIPT_RES) {
        if (re.test(ch)) {
          s = name;
          break;
        }
      }
    }
    scriptCache.set(cp, s);
  }
  return s;
}

/** The dominant script of a token (most letters), ignoring Common characters. */
export function detectScript(token: string): Script {
  let best: Script = 'Common';
  let bestN = 0;
  // Names are short; a tiny array of counts beats a Map here.
  const names: Script[] = [];
  const counts: number[] = [];
  for (const ch of token) {
    const s = scriptOfCodePoint(ch.codePointAt(0)!);
    if (s === 'Common') continue;
    let i = names.indexOf(s);
    if (i < 0) {
      i = names.push(s) - 1;
      counts.push(0);
    }
    const n = ++counts[i]!;
    if (n > bestN) {
      bestN = n;
      best = s;
    }
  }
  return best;
}

/** Distinct non-Common scripts in a text, in order of first appearance. */
export function scriptsOf(text: string): Script[] {
  const out: Script[] = [];
  for (const ch of text) {
    const s = scriptOfCodePoint(ch.codePointAt(0)!);
    if (s !== 'Common' && !out.includes(s)) out.push(s);
  }
  return out;
}

function table(pairs: string): Map<string, string> {
  // "а:a б:b ..." keeps the tables readable and compact; ':' with nothing after maps to ''.
  const m = new Map<string, string>();
  for (const p of pairs.split(' ')) {
    if (!p) continue;
    const i = p.indexOf(':');
    m.set(p.slice(0, i), p.slice(i + 1));
  }
  return m;
}

// Russian base, BGN/PCGN-like but without the ye-/yë- positional rules (e: the keys fold them).
const CYRILLIC = table(
  'а:a б:b в:v г:g д:d е:e ё:e ж:zh з:z и:i й:y к:k л:l м:m н:n о:o п:p р:r с:s т:t у:u ф:f х:kh ц:ts ' +
    'ч:ch ш:sh щ:shch ъ: ы:y ь: э:e ю:yu я:ya ' +
    // Ukrainian / Belarusian
    'і:i ї:yi є:ye ґ:g ў:u ' +
    // Serbian / Macedonian
    'ђ:dj ј:j љ:lj њ:nj ћ:c џ:dz ѓ:gj ќ:kj ѕ:dz ' +
    // Kazakh, Tajik, Uzbek and other common extras
    'ғ:gh қ:q ң:ng ү:u ұ:u һ:h ө:o ә:a ӣ:i ӯ:u ҳ:h ҷ:j',
);
// Ukrainian spelling when a token carries a Ukrainian-only letter (і ї є ґ): г is h, и is y.
const UKRAINIAN_OVERRIDES = table('г:h и:y');
const UKRAINIAN_MARKERS = /[іїєґ]/u;

const GREEK = table(
  'α:a β:v γ:g δ:d ε:e ζ:z η:i θ:th ι:i κ:k λ:l μ:m ν:n ξ:x ο:o π:p ρ:r σ:s ς:s τ:t υ:y φ:f χ:ch ψ:ps ω:o',
);
// Greek digraphs checked before single letters (ELOT 743 simplified).
const GREEK_DIGRAPHS = table('ου:ou αι:ai ει:ei οι:oi μπ:b ντ:nt γγ:ng γκ:gk αυ:av ευ:ev');

const ARMENIAN = table(
  'ա:a բ:b գ:g դ:d ե:e զ:z է:e ը:y թ:t ժ:zh ի:i լ:l խ:kh ծ:ts կ:k հ:h ձ:dz ղ:gh ճ:ch մ:m յ:y ն:n ' +
    'շ:sh ո:o չ:ch պ:p ջ:j ռ:r ս:s վ:v տ:t ր:r ց:ts ւ:v փ:p ք:k և:ev օ:o ֆ:f',
);
const ARMENIAN_DIGRAPHS = table('ու:u');

const GEORGIAN = table(
  'ა:a ბ:b გ:g დ:d ე:e ვ:v ზ:z თ:t ი:i კ:k ლ:l მ:m ნ:n ო:o პ:p ჟ:zh რ:r ს:s ტ:t უ:u ფ:p ქ:k ღ:gh ' +
    'ყ:q შ:sh ჩ:ch ც:ts ძ:dz წ:ts ჭ:ch ხ:kh ჯ:j ჰ:h',
);

// Arabic and Persian consonants. Short vowels are not written, so the output is a consonant frame
// with the long vowels alif/waw/ya; waw and ya are vowels (u/i) between consonants and
// consonants (w/y) elsewhere. Hamza and ʿayn are dropped, as most list spellings do.
const ARABIC = table(
  'ا:a أ:a إ:i آ:a ٱ:a ء: ئ:i ؤ:u ب:b ت:t ث:th ج:j ح:h خ:kh د:d ذ:dh ر:r ز:z س:s ش:sh ص:s ض:d ط:t ظ:z ' +
    'ع: غ:gh ف:f ق:q ك:k ل:l م:m ن:n ه:h ة:a ى:a ' +
    // Persian, Urdu, Pashto letters
    'پ:p چ:ch ژ:zh گ:g ک:k ی:i ے:e ٹ:t ڈ:d ڑ:r ں:n ھ:h ۀ:a ۃ:a',
);
const ARABIC_WAW = new Set(['و']);
const ARABIC_YA = new Set(['ي', 'ی', 'ى']);

function isArabicConsonantOut(s: string | undefined): boolean {
  return s !== undefined && s !== '' && !'aiu'.includes(s[0]!);
}

function arabicToLatin(token: string): string {
  const chars = [...token];
  let out = '';
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (ARABIC_WAW.has(c) || (ARABIC_YA.has(c) && c !== 'ى')) {
      const isWaw = ARABIC_WAW.has(c);
      // Between two letters (or word-final after a letter) waw/ya are long vowels u/i.
      const prev = i > 0 ? chars[i - 1] : undefined;
      if (prev === undefined) out += isWaw ? 'w' : 'y';
      else if (isWaw && i + 1 < chars.length && ARABIC_YA.has(chars[i + 1]!)) out += 'w';
      else out += isWaw ? 'u' : 'i';
      continue;
    }
    // Word-initial ʿayn is heard as a vowel (عبد → abd, علي → ali); elsewhere it is dropped.
    const m = c === 'ع' && i === 0 ? 'a' : ARABIC.get(c);
    if (m !== undefined) out += m;
    else if (c === '\u0651') {
      // shadda doubles the previous consonant
      const last = out.at(-1);
      if (last && isArabicConsonantOut(last)) out += last;
    }
    // other harakat and tatweel (ـ) are ignored
  }
  return out;
}

const HEBREW = table(
  'א: ב:b ג:g ד:d ה:h ו:v ז:z ח:kh ט:t י:y כ:k ך:k ל:l מ:m ם:m נ:n ן:n ס:s ע: פ:p ף:f צ:ts ץ:ts ק:k ר:r ש:sh ת:t',
);

/** Strip combining marks after NFD; the caller lower-cases first. */
const MARKS_RE = /\p{M}+/gu;

function byTable(token: string, t: Map<string, string>, digraphs?: Map<string, string>): string {
  let out = '';
  const chars = [...token.normalize('NFD').replace(MARKS_RE, '')];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (digraphs && i + 1 < chars.length) {
      const d = digraphs.get(c + chars[i + 1]!);
      if (d !== undefined) {
        out += d;
        i++;
        continue;
      }
    }
    const m = t.get(c);
    out += m ?? asciiFold(c);
  }
  return out;
}

/** Latin (and anything unknown): strip accents, then any-ascii for what is left. */
export function asciiFold(s: string): string {
  let ascii = true;
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 0x7f) {
      ascii = false;
      break;
    }
  }
  if (ascii) return s;
  return anyAscii(s.normalize('NFD').replace(MARKS_RE, '')).toLowerCase();
}

function cyrillicToLatin(token: string): string {
  if (UKRAINIAN_MARKERS.test(token)) {
    let out = '';
    for (const c of token) out += UKRAINIAN_OVERRIDES.get(c) ?? CYRILLIC.get(c) ?? asciiFold(c);
    return out;
  }
  // й and ё carry marks that NFD would strip, so map per character without NFD.
  let out = '';
  for (const c of token) out += CYRILLIC.get(c) ?? asciiFold(c);
  return out;
}

/** Hangul and kana: any-ascii capitalises each syllable, which gives us the syllable bounds. */
export function syllables(romanised: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (const c of romanised) {
    if (c >= 'A' && c <= 'Z') {
      if (cur) out.push(cur);
      cur = c.toLowerCase();
    } else cur += c.toLowerCase();
  }
  if (cur) out.push(cur);
  return out;
}

/** Pinyin syllables of a Han string (simplified or traditional), without tones. */
export function hanSyllables(token: string): string[] {
  return pinyin(token, { toneType: 'none', type: 'array', v: true }).map((s) => s.toLowerCase());
}

/**
 * Transliterate one lower-cased token of a known script to ASCII Latin (no spaces, except for
 * Han where syllables are joined by single spaces so the caller can group them).
 */
export function transliterateToken(token: string, script: Script): string {
  switch (script) {
    case 'Latin':
    case 'Common':
      return asciiFold(token);
    case 'Cyrillic':
      return cyrillicToLatin(token);
    case 'Greek':
      return byTable(token, GREEK, GREEK_DIGRAPHS);
    case 'Armenian':
      return byTable(token, ARMENIAN, ARMENIAN_DIGRAPHS);
    case 'Georgian':
      return byTable(token, GEORGIAN);
    case 'Arabic':
      return arabicToLatin(token);
    case 'Hebrew':
      return byTable(token, HEBREW);
    case 'Han':
      return hanSyllables(token).join(' ');
    case 'Hangul':
    case 'Hiragana':
    case 'Katakana':
      return syllables(anyAscii(token)).join('');
    default:
      return asciiFold(token);
  }
}

/**
 * Transliterate a text (any script, possibly mixed) to lower-case ASCII Latin, word by word.
 * `script` is the dominant script of the whole text.
 */
export function transliterate(text: string): { latin: string; script: string } {
  const words = text.normalize('NFKC').toLowerCase().split(/\s+/u);
  const out: string[] = [];
  for (const w of words) {
    if (!w) continue;
    const t = transliterateToken(w, detectScript(w));
    if (t) out.push(t);
  }
  return { latin: out.join(' '), script: detectScript(text) };
}
