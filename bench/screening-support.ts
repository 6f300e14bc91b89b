/**
 * What the screening benchmark's processes share: the engine loader (the real matcher.ts, or a naive
 * stand-in while it does not exist), the data files (eval CSVs, raw UN + OFAC lists), a seeded PRNG,
 * name mutation and the deterministic synthetic lists built from the 50k negatives.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type {
  ScreeningIndex,
  ScreeningMatch,
  ScreeningQuery,
  SearchOptions,
} from '../src/modules/screening/engine/api.ts';
import { countryCode } from '../src/modules/screening/lists/countries.ts';
import { importOfacCsv, importUnXml } from '../src/modules/screening/lists/index.ts';
import { emptyEntity } from '../src/modules/screening/lists/model.ts';
import type { ListEntity, ListSchema } from '../src/modules/screening/lists/index.ts';

// ---- engine --------------------------------------------------------------------------------------

export interface Engine {
  /** Which implementation ran: 'matcher.ts', or which parts are the stand-in and why. */
  name: string;
  /** scoreNames / buildIndex come from matcher.ts. */
  realScore: boolean;
  realIndex: boolean;
  buildIndex(entities: Iterable<ListEntity>): ScreeningIndex;
  scoreNames(query: string, candidate: string, schema?: ListSchema): { score: number; tokens: unknown };
  /** Prepared-pair scoring (names normalised once, as inside search), when matcher.ts offers it. */
  prepareName?: (name: string, schema?: ListSchema) => unknown;
  scorePrepared?: (query: unknown, candidate: unknown) => number;
  /** Incremental build straight from the importers, when matcher.ts offers it. */
  IndexBuilder?: new () => {
    add(e: ListEntity): void;
    addAsync(entities: AsyncIterable<ListEntity>): Promise<unknown>;
    finish(): ScreeningIndex;
  };
}

const MATCHER = '../src/modules/screening/engine/matcher.ts';

/**
 * The real engine when src/modules/screening/engine/matcher.ts loads; otherwise (or for whichever of
 * buildIndex / scoreNames it does not export yet) the stand-in, with the reason. A variable specifier
 * keeps this file type-checking whether or not matcher.ts exists. `force` = 'stand-in' skips it;
 * 'index-stand-in' takes only scoreNames from matcher.ts (so child processes use the same parts as
 * the parent even if matcher.ts changes during the run).
 */
export async function loadEngine(force?: string): Promise<Engine> {
  let m: Partial<Engine> = {};
  let reason = 'forced by --engine stand-in';
  if (force !== 'stand-in') {
    try {
      const spec: string = MATCHER;
      m = (await import(spec)) as Partial<Engine>;
      reason = '';
    } catch (err) {
      const code = (err as { code?: string }).code;
      reason =
        code === 'ERR_MODULE_NOT_FOUND' && String((err as Error).message).includes('matcher.ts')
          ? 'matcher.ts not found'
          : `matcher.ts failed to load: ${(err as Error).message.split('\n')[0]}`;
    }
  }
  const realScore = typeof m.scoreNames === 'function';
  const realIndex = typeof m.buildIndex === 'function' && force !== 'index-stand-in';
  const name =
    realScore && realIndex
      ? 'matcher.ts (real engine)'
      : !realScore && !realIndex
        ? `STAND-IN token-set Jaccard for everything (${reason || 'matcher.ts exports neither buildIndex nor scoreNames'})`
        : realScore
          ? `matcher.ts scoreNames + STAND-IN token-set Jaccard index (${force === 'index-stand-in' ? 'as in the parent process' : 'matcher.ts has no buildIndex yet'})`
          : 'matcher.ts buildIndex + STAND-IN token-set Jaccard scoreNames (matcher.ts has no scoreNames yet)';
  return {
    name,
    realScore,
    realIndex,
    buildIndex: realIndex ? m.buildIndex! : standIn.buildIndex,
    scoreNames: realScore ? m.scoreNames! : standIn.scoreNames,
    ...(realScore && m.prepareName && m.scorePrepared
      ? { prepareName: m.prepareName, scorePrepared: m.scorePrepared }
      : {}),
    ...(realIndex && m.IndexBuilder ? { IndexBuilder: m.IndexBuilder } : {}),
  };
}

/** Lower-case, accents off, anything but letters and digits to space, "LAST, First" reordered. */
export function tokens(name: string): string[] {
  const comma = /^([^,]+),([^,]+)$/.exec(name);
  const n = comma ? `${comma[2]} ${comma[1]}` : name;
  return n
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .split(' ')
    .filter(Boolean);
}

/** The normalised token set as a sorted key: equal keys, equal token sets. */
export function tokenSetKey(name: string): string {
  return [...new Set(tokens(name))].sort().join(' ');
}

function jaccard(a: string[], b: string[]): number {
  const sa = new Set(a);
  const sb = new Set(b);
  let both = 0;
  for (const t of sa) if (sb.has(t)) both++;
  const union = sa.size + sb.size - both;
  return union === 0 ? 0 : both / union;
}

/** A naive engine so the bench runs before matcher.ts exists: token inverted index, Jaccard score. */
const standIn: Pick<Engine, 'buildIndex' | 'scoreNames'> = {
  scoreNames(query, candidate) {
    return { score: jaccard(tokens(query), tokens(candidate)), tokens: [] };
  },
  buildIndex(entities) {
    const names: { entity: number; value: string; kind: ScreeningMatch['nameKind']; toks: string[] }[] = [];
    const ents: ListEntity[] = [];
    const postings = new Map<string, number[]>();
    for (const e of entities) {
      ents.push(e);
      for (const n of e.names) {
        const toks = [...new Set(tokens(n.value))];
        const id = names.length;
        names.push({ entity: ents.length - 1, value: n.value, kind: n.kind, toks });
        for (const t of toks) {
          const p = postings.get(t);
          if (p) p.push(id);
          else postings.set(t, [id]);
        }
      }
    }
    return {
      size: { entities: ents.length, names: names.length },
      search(query: ScreeningQuery, opts: SearchOptions): ScreeningMatch[] {
        const q = [...new Set(tokens(query.name))];
        const hits = new Map<number, number>();
        for (const t of q) for (const id of postings.get(t) ?? []) hits.set(id, (hits.get(id) ?? 0) + 1);
        const best = new Map<number, ScreeningMatch>();
        for (const [id, both] of hits) {
          const n = names[id]!;
          const e = ents[n.entity]!;
          if (query.schema && e.schema !== query.schema) continue;
          const score = both / (q.length + n.toks.length - both);
          if (score < opts.threshold) continue;
          const prev = best.get(n.entity);
          if (prev && prev.score >= score) continue;
          best.set(n.entity, {
            entityId: e.id,
            score,
            nameScore: score,
            matchedName: n.value,
            nameKind: n.kind,
            explanation: { tokens: [], qualifiers: [] },
          });
        }
        return [...best.values()].sort((a, b) => b.score - a.score).slice(0, opts.limit);
      },
    };
  },
};

// ---- data ----------------------------------------------------------------------------------------

export function readCsv(path: string): Record<string, string>[] {
  return parse(readFileSync(path), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
}

export interface Person {
  fullName: string;
  first: string;
  middle: string;
  last: string;
  gender: string;
  dob: string;
  pob: string;
  nationality: string;
}

export function readPeople(path: string): Person[] {
  return readCsv(path).map((r) => ({
    fullName: r['full_name'] ?? '',
    first: r['first_name'] ?? '',
    middle: r['middle_name'] ?? '',
    last: r['last_name'] ?? '',
    gender: r['gender'] ?? '',
    dob: r['date_of_birth'] ?? '',
    pob: r['place_of_birth'] ?? '',
    nationality: r['nationality'] ?? '',
  }));
}

/** A fixture person as a screening query: DOB (ISO partial only), nationality as alpha-2, gender. */
export function personQuery(p: Person, name = p.fullName): ScreeningQuery {
  const q: ScreeningQuery = { name, schema: 'Person' };
  const dob = p.dob.replace(/^(\d{4})-(\d)(?=-|$)/, '$1-0$2').replace(/^(\d{4}-\d{2})-(\d)$/, '$1-0$2');
  if (/^\d{4}(-\d{2}(-\d{2})?)?$/.test(dob)) q.birthDate = dob;
  const cc = countryCode(p.nationality);
  if (cc && /^[A-Z]{2}$/.test(cc)) q.nationality = cc;
  if (p.gender === 'male' || p.gender === 'female') q.gender = p.gender;
  return q;
}

export interface DataPaths {
  cases: string;
  logicv2: string;
  untreated: string;
  treated: string;
  negatives: string;
  unXml: string[];
  ofac: { main: string; alt: string; add: string; comments: string };
}

export function dataPaths(dir: string): DataPaths {
  const nk = join(dir, 'eval', 'nomenklatura_name_bench');
  const yente = join(dir, 'eval', 'yente_screening_fixtures');
  const un = join(dir, 'sanctions', 'un');
  const ofac = join(dir, 'sanctions', 'ofac_sdn_2021-07');
  return {
    cases: join(nk, 'cases.csv'),
    logicv2: join(nk, 'logicv2-frozen.csv'),
    untreated: join(yente, 'positives_un_untreated.csv'),
    treated: join(yente, 'positives_un_treated.csv'),
    negatives: join(yente, 'negatives_global.csv'),
    unXml: readdirSync(un)
      .filter((f) => f.endsWith('.xml'))
      .sort()
      .map((f) => join(un, f)),
    ofac: {
      main: join(ofac, 'sdn.csv'),
      alt: join(ofac, 'alt.csv'),
      add: join(ofac, 'add.csv'),
      comments: join(ofac, 'sdn_comments.csv'),
    },
  };
}

/**
 * UN XML + OFAC SDN 2021-07 straight from the importers' generators into the engine's incremental
 * builder (no array of parsed entities is held); falls back to loadLists + buildIndex.
 */
export async function buildFromFiles(engine: Engine, paths: DataPaths): Promise<ScreeningIndex> {
  if (!engine.IndexBuilder) return engine.buildIndex((await loadLists(paths)).all);
  const b = new engine.IndexBuilder();
  for (const xml of paths.unXml) await b.addAsync(importUnXml(xml));
  await b.addAsync(importOfacCsv(paths.ofac, { list: 'sdn' }));
  return b.finish();
}

/** UN XML + OFAC SDN 2021-07, parsed from the raw files; `all` is UN then OFAC. */
export async function loadLists(
  paths: DataPaths,
): Promise<{ un: ListEntity[]; ofac: ListEntity[]; all: ListEntity[] }> {
  const un: ListEntity[] = [];
  const ofac: ListEntity[] = [];
  for (const xml of paths.unXml) for await (const e of importUnXml(xml)) un.push(e);
  for await (const e of importOfacCsv(paths.ofac, { list: 'sdn' })) ofac.push(e);
  return { un, ofac, all: [...un, ...ofac] };
}

// ---- synthetic names -----------------------------------------------------------------------------

/** mulberry32: small, fast, deterministic. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One deterministic typo or reordering: swap, drop, double, vowel change or "Last, First". */
export function mutate(name: string, rnd: () => number): string {
  const chars = [...name];
  const i = 1 + Math.floor(rnd() * Math.max(1, chars.length - 2));
  switch (Math.floor(rnd() * 5)) {
    case 0:
      if (i + 1 < chars.length) [chars[i], chars[i + 1]] = [chars[i + 1]!, chars[i]!];
      return chars.join('');
    case 1:
      chars.splice(i, 1);
      return chars.join('');
    case 2:
      chars.splice(i, 0, chars[i] ?? '');
      return chars.join('');
    case 3: {
      const vowels = 'aeiou';
      const j = chars.findIndex((c, k) => k >= i && vowels.includes(c));
      if (j >= 0) chars[j] = vowels[(vowels.indexOf(chars[j]!) + 1) % 5]!;
      return chars.join('');
    }
    default: {
      const parts = name.split(' ');
      return parts.length > 1 ? `${parts.at(-1)}, ${parts.slice(0, -1).join(' ')}` : name;
    }
  }
}

const COMPANY_WORDS = [
  'Trading',
  'Holdings',
  'Logistics',
  'Shipping',
  'Industries',
  'Capital',
  'Group',
  'Energy',
  'Import Export',
  'Construction',
  'Technologies',
  'Petroleum',
];
const LEGAL_FORMS = ['LLC', 'Ltd', 'Limited', 'GmbH', 'SA', 'Co', 'JSC', 'Inc', 'FZE', 'SARL', 'BV'];

/**
 * `n` synthetic entities from the negatives, deterministically: persons recombine a given name, maybe
 * a middle name, and a family name from three different rows (with the DOB and nationality of one of
 * them); one in five is a company made of a family name, another row's given name or a sector word,
 * and a legal form. `schema` 'Person' forces persons only (a customer base).
 */
export function* syntheticEntityStream(
  people: Person[],
  n: number,
  seed: number,
  opts: { prefix: string; personsOnly?: boolean },
): Generator<ListEntity> {
  const rnd = prng(seed);
  const pick = (): Person => people[Math.floor(rnd() * people.length)]!;
  for (let i = 0; i < n; i++) {
    const base = pick();
    const e: ListEntity = {
      ...emptyEntity(`${opts.prefix}:${i}`, 'Person'),
      topics: ['sanction'],
      sources: [{ list: opts.prefix }],
    };
    if (!opts.personsOnly && rnd() < 0.2) {
      e.schema = 'Company';
      const head = pick().last || pick().fullName.split(' ').at(-1)!;
      const mid =
        rnd() < 0.5 ? pick().first || 'General' : COMPANY_WORDS[Math.floor(rnd() * COMPANY_WORDS.length)]!;
      e.names.push({
        value: `${head} ${mid} ${LEGAL_FORMS[Math.floor(rnd() * LEGAL_FORMS.length)]!}`,
        kind: 'primary',
      });
    } else {
      const first = base.first || base.fullName.split(' ')[0]!;
      const middle = rnd() < 0.3 ? pick().first : '';
      const lastFrom = pick();
      const last = lastFrom.last || lastFrom.fullName.split(' ').at(-1)!;
      e.names.push({ value: [first, middle, last].filter(Boolean).join(' '), kind: 'primary' });
      if (/^\d{4}(-\d{2}(-\d{2})?)?$/.test(base.dob)) e.birthDates.push(base.dob);
      const cc = countryCode(base.nationality);
      if (cc && /^[A-Z]{2}$/.test(cc)) e.nationalities.push(cc);
      if (base.gender === 'male' || base.gender === 'female') e.gender = base.gender;
    }
    yield e;
  }
}

/** The same entities as `syntheticEntityStream`, materialised. */
export function syntheticEntities(
  people: Person[],
  n: number,
  seed: number,
  opts: { prefix: string; personsOnly?: boolean },
): ListEntity[] {
  const out: ListEntity[] = new Array<ListEntity>(n);
  let i = 0;
  for (const e of syntheticEntityStream(people, n, seed, opts)) out[i++] = e;
  return out;
}

/** Dice coefficient of character bigrams: a rough "same name, mangled" check. */
export function bigramDice(a: string, b: string): number {
  const grams = (s: string): string[] => {
    const t = s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ');
    const out: string[] = [];
    for (let i = 0; i + 1 < t.length; i++) out.push(t.slice(i, i + 2));
    return out;
  };
  const ga = grams(a);
  const gb = new Map<string, number>();
  for (const g of grams(b)) gb.set(g, (gb.get(g) ?? 0) + 1);
  let both = 0;
  for (const g of ga) {
    const n = gb.get(g) ?? 0;
    if (n > 0) {
      both++;
      gb.set(g, n - 1);
    }
  }
  const total = ga.length + [...grams(b)].length;
  return total === 0 ? 0 : (2 * both) / total;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
