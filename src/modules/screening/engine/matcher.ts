/**
 * The screening engine: an in-memory index over list entities and the search that answers a
 * screening query with ranked, explained matches (the contract is api.ts).
 *
 * Index time does the heavy lifting once: every list name is normalised and tokenised, each
 * distinct token gets an IDF weight (so "mohammed" or "trading" count for little) and fuzzy keys
 * (phonetic, consonant skeleton, one-deletion neighbourhood), and inverted indexes map keys to
 * tokens and tokens to names. All postings live in typed arrays built with counting passes
 * (count, prefix-sum, fill), and fuzzy keys are stored as 32-bit hashes in an open-addressing
 * table rather than as strings: a collision only adds a candidate that the scorer then rejects,
 * and it keeps a million names in a few hundred MB.
 *
 * Query time: each query token is looked up by its exact text and its fuzzy keys; the names that
 * hold a matched token accumulate the token's IDF weight × similarity (once per query token, so a
 * token cannot count twice); the top-K names by that accumulator are scored properly by the pair
 * scorer (scorer.ts), the qualifiers adjust the score (qualifiers.ts), and the best name per
 * entity is returned. A query whose tokens hit nothing touches no names: there is no full scan.
 */
import type {
  QualifierEffect,
  ScreeningIndex,
  ScreeningMatch,
  ScreeningQuery,
  SearchOptions,
  TokenExplanation,
} from './api.ts';
import { deletionNeighbourhood, phoneticKey, skeletonKey } from './keys.ts';
import type { NameKind, TokenRole } from './normalise.ts';
import { applyQualifiers, entityFacts, normaliseIdentifier, type EntityFacts } from './qualifiers.ts';
import {
  defaultGenericness,
  kindOfSchema,
  scoreAligned,
  alignedScore,
  scoreTokens,
  textFacts,
  tokenSim,
  type ScoreToken,
  type TextFacts,
  type TokenSim,
} from './scorer.ts';
import type { ListEntity, NameKind as ListNameKind } from '../lists/model.ts';

export { DEFAULT_THRESHOLD } from './api.ts';

/** Score one query name against one list name (no index: built-in generic-word weights). */
export function scoreNames(
  query: string,
  candidate: string,
  schema?: string,
): { score: number; tokens: TokenExplanation[] } {
  const kind = kindOfSchema(schema);
  const q = scoreTokens(query, kind, defaultGenericness);
  let best: { score: number; tokens: TokenExplanation[] } = { score: -1, tokens: [] };
  for (const name of nameVariants(candidate)) {
    const r = scoreAligned(
      q,
      scoreTokens(name, kind, defaultGenericness),
      kind,
      undefined,
      true,
      !query.includes(','),
    );
    if (r.score > best.score) best = r;
  }
  return best;
}

/**
 * A name normalised and tokenised once (as the index does for its names), for scoring many pairs
 * without re-normalising: `scorePrepared(prepareName(a, s), prepareName(b, s))` gives the same
 * score as `scoreNames(a, b, s)`. Opaque to callers.
 */
export interface PreparedName {
  readonly kind: NameKind;
  /** The name's tokens as a query. */
  readonly query: ScoreToken[];
  /** Whether the name, as a query, keeps its written order (no comma). */
  readonly ordered: boolean;
  /** The tokens of each listed variant (the whole name, then slash-separated alternatives). */
  readonly variants: ScoreToken[][];
}

/** Normalise and tokenise a name once for `scorePrepared` (built-in generic-word weights). */
export function prepareName(name: string, schema?: string): PreparedName {
  const kind = kindOfSchema(schema);
  const query = scoreTokens(name, kind, defaultGenericness);
  const vs = nameVariants(name);
  const variants = vs.length === 1 ? [query] : vs.map((v) => scoreTokens(v, kind, defaultGenericness));
  return { kind, query, ordered: !name.includes(','), variants };
}

/** Score a prepared query name against a prepared list name (the score of `scoreNames`, no explanation). */
export function scorePrepared(query: PreparedName, candidate: PreparedName): number {
  let best = -1;
  const vs = candidate.variants;
  for (let i = 0; i < vs.length; i++) {
    const r = alignedScore(query.query, vs[i]!, query.kind, undefined, query.ordered);
    if (r > best) best = r;
  }
  return best < 0 ? 0 : best;
}

/**
 * A listed name and, when it holds alternatives separated by a slash ("Al-Qa'ida/Islamic Army"),
 * each alternative on its own. Dates and numbers with slashes ("1/2") are left alone.
 */
export function nameVariants(name: string): string[] {
  if (!name.includes('/')) return [name];
  const parts = name
    .split('/')
    .map((p) => p.trim())
    .filter((p) => /\p{L}{2}/u.test(p));
  return parts.length > 1 ? [name, ...parts] : [name];
}

/** What the last search did: how many names the key lookups touched and how many were scored. */
export interface SearchStats {
  touchedNames: number;
  scoredNames: number;
}

/** The index as built here: the ScreeningIndex contract plus diagnostics for tests and benchmarks. */
export interface MatcherIndex extends ScreeningIndex {
  readonly lastStats: SearchStats;
}

// ---------------------------------------------------------------------------------------------
// Tuning

/** Names scored in full per query (the rest are pruned by the accumulator). */
const TOP_K = 60;
/** A candidate must have accumulated this share of the query's token weight to be scored. */
const MIN_SHARE = 0.3;
/** A fuzzy key shared by more tokens than this is too generic to follow. */
const MAX_KEY_FANOUT = 400;
/** At most this many names keep their materialised score tokens between queries. */
const TOKEN_CACHE_NAMES = 100_000;
/** Weak aliases (OFAC's "low quality a.k.a.") count for less than real names. */
const KIND_FACTOR: Record<ListNameKind, number> = { primary: 1, alias: 1, former: 0.97, weak_alias: 0.92 };
const NAME_KINDS: ListNameKind[] = ['primary', 'alias', 'weak_alias', 'former'];
const ROLES: TokenRole[] = ['given', 'family', 'unknown', 'legal_form', 'stopword', 'initial', 'number'];

/**
 * IDF as a weight in [0.3, 1]: a token in at most ~10 names (scaled to a 25k-name corpus) weighs 1,
 * each tenfold more names removes 0.2. Scaled so that weights mean the same on a bigger corpus.
 */
function idfWeight(df: number, names: number): number {
  const scaled = (df * 25_000) / Math.max(names, 1);
  if (scaled <= 10) return 1;
  return Math.max(0.3, 1 - 0.2 * Math.log10(scaled / 10));
}

// ---------------------------------------------------------------------------------------------
// Hashed multimap: 32-bit key hash → a run of uint32 values (CSR in an open-addressing table)

function fnv(prefix: number, s: string): number {
  let h = (0x811c9dc5 ^ prefix) >>> 0;
  h = Math.imul(h, 0x01000193);
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h >>>= 0;
  return h === 0 ? 1 : h;
}

/** A growable uint32 buffer for the staging pairs. */
class U32Buf {
  a = new Uint32Array(1024);
  n = 0;
  push(v: number): void {
    if (this.n === this.a.length) {
      const b = new Uint32Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = v;
  }
}

interface HashMulti {
  mask: number;
  keys: Uint32Array;
  start: Uint32Array;
  end: Uint32Array;
  values: Uint32Array;
}

/** Build from parallel (hash, value) pairs with two counting passes. */
function buildHashMulti(hashes: U32Buf, values: U32Buf): HashMulti {
  const n = hashes.n;
  let cap = 1024;
  while (cap < n * 1.5) cap *= 2;
  const mask = cap - 1;
  const keys = new Uint32Array(cap);
  const count = new Uint32Array(cap);
  const slotOf = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const h = hashes.a[i]!;
    let s = h & mask;
    while (keys[s] !== 0 && keys[s] !== h) s = (s + 1) & mask;
    keys[s] = h;
    count[s]!++;
    slotOf[i] = s;
  }
  const start = new Uint32Array(cap);
  const end = new Uint32Array(cap);
  let off = 0;
  for (let s = 0; s < cap; s++) {
    start[s] = off;
    end[s] = off;
    off += count[s]!;
  }
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const s = slotOf[i]!;
    out[end[s]!++] = values.a[i]!;
  }
  return { mask, keys, start, end, values: out };
}

function lookup(m: HashMulti, h: number): [number, number] {
  let s = h & m.mask;
  for (;;) {
    const k = m.keys[s]!;
    if (k === 0) return [0, 0];
    if (k === h) return [m.start[s]!, m.end[s]!];
    s = (s + 1) & m.mask;
  }
}

const P_PHON = 1;
const P_SKEL = 2;
const P_DEL = 3;
const P_JOIN = 4;

// ---------------------------------------------------------------------------------------------
// Index

/**
 * Builds the index one entity at a time, so a caller can feed it straight from an importer
 * (`addAsync(importUnXml(file))`) without holding every parsed entity: only the compact facts and
 * the flat name/token arrays are kept. `finish()` builds the postings and key tables.
 */
export class IndexBuilder {
  readonly facts: EntityFacts[] = [];
  readonly identifiers = new Map<string, number[]>();
  readonly vocab = new Map<string, number>();
  readonly vText: string[] = [];
  readonly nameEntity = new U32Buf();
  readonly nameKind: number[] = [];
  readonly nameValue: string[] = [];
  readonly nameOff = new U32Buf();
  readonly tokVocab = new U32Buf();
  readonly tokRole: number[] = [];
  readonly tokHint: number[] = [];
  readonly tokOrig = new Map<number, string>();
  readonly tokJoin = new Map<number, string>();
  readonly df: number[] = [];
  readonly joinH = new U32Buf();
  readonly joinV = new U32Buf();
  readonly roleCode = new Map(ROLES.map((r, i) => [r, i]));
  readonly kindCode = new Map(NAME_KINDS.map((k, i) => [k, i]));
  readonly one = (): number => 1;
  readonly entNames = new U32Buf();
  constructor() {
    this.nameOff.push(0);
  }

  /** Add one entity (its names, identifiers and qualifier facts). */
  add(e: ListEntity): void {
    const {
      facts,
      identifiers,
      vocab,
      vText,
      nameEntity,
      nameKind,
      nameValue,
      nameOff,
      tokVocab,
      tokRole,
      tokHint,
      tokOrig,
      tokJoin,
      df,
      joinH,
      joinV,
      roleCode,
      kindCode,
      one,
      entNames,
    } = this;
    const ei = facts.length;
    entNames.push(nameValue.length);
    facts.push(entityFacts(e));
    for (const id of e.identifiers) {
      const k = normaliseIdentifier(id.value);
      if (k.length < 4) continue;
      const l = identifiers.get(k);
      if (l) {
        if (l.at(-1) !== ei) l.push(ei);
      } else identifiers.set(k, [ei]);
    }
    const kind = kindOfSchema(e.schema);
    const seenNames = new Set<string>();
    for (const n of e.names) {
      for (const value of nameVariants(n.value)) {
        if (seenNames.has(value)) continue;
        seenNames.add(value);
        const tokens = scoreTokens(value, kind, one);
        if (tokens.length === 0) continue;
        const ni = nameValue.length;
        nameEntity.push(ei);
        nameKind.push(kindCode.get(n.kind) ?? 0);
        nameValue.push(value);
        const seenTok = new Set<number>();
        let prev = '';
        for (const t of tokens) {
          let v = vocab.get(t.text);
          if (v === undefined) {
            v = vText.length;
            vocab.set(t.text, v);
            vText.push(t.text);
            df.push(0);
          }
          if (!seenTok.has(v)) {
            seenTok.add(v);
            df[v]!++;
          }
          if (!t.latin) tokOrig.set(tokVocab.n, t.orig);
          if (t.join !== t.text) tokJoin.set(tokVocab.n, t.join);
          tokVocab.push(v);
          // Role code, with the top bit for a soft (often omitted) middle name, geo 0x40.
          tokRole.push((roleCode.get(t.role) ?? 2) | (t.soft ? 0x80 : 0) | (t.geo ? 0x40 : 0));
          tokHint.push(t.weight);
          // Adjacent pairs joined, so a query's "binladen" finds a listed "bin laden".
          if (prev && t.role !== 'legal_form') {
            joinH.push(fnv(P_JOIN, prev + t.join));
            joinV.push(ni);
          }
          prev = t.role === 'legal_form' ? '' : t.join;
        }
        nameOff.push(tokVocab.n);
      }
    }
  }

  addAll(entities: Iterable<ListEntity>): this {
    for (const e of entities) this.add(e);
    return this;
  }

  /** Consume an async source (an importer's generator) entity by entity. */
  async addAsync(entities: AsyncIterable<ListEntity>): Promise<this> {
    for await (const e of entities) this.add(e);
    return this;
  }

  /** The finished index; the builder must not be used afterwards. */
  finish(): MatcherIndex {
    return new Index(this);
  }
}

class Index implements MatcherIndex {
  readonly size: { entities: number; names: number };
  lastStats: SearchStats = { touchedNames: 0, scoredNames: 0 };
  // Entities
  private readonly facts: EntityFacts[];
  private readonly identifiers: Map<string, number[]>;
  // Names
  private readonly nameEntity: Uint32Array;
  /** Names of entity e are entNames[e] .. entNames[e + 1] - 1 (names are stored entity by entity). */
  private readonly entNames: Uint32Array;
  private readonly nameKind: Uint8Array;
  private readonly nameValue: string[];
  private readonly nameOff: Uint32Array;
  // Name tokens (flattened)
  private readonly tokVocab: Uint32Array;
  private readonly tokRole: Uint8Array;
  private readonly tokHint: Float32Array;
  private readonly tokOrig: Map<number, string>;
  /** A legal form's own form where it differs from its class text ("gmbh" for "llc"). */
  private readonly tokJoin: Map<number, string>;
  // Vocabulary
  private readonly vocab: Map<string, number>;
  private readonly vText: string[];
  private readonly vPhon: string[];
  private readonly vSkel: string[];
  private readonly vIdf: Float32Array;
  private readonly postStart: Uint32Array;
  private readonly postings: Uint32Array;
  // Fuzzy keys → vocabulary ids; joined adjacent tokens → names
  private readonly keys: HashMulti;
  private readonly joins: HashMulti;
  // Query scratch (reused; the index serves one query at a time per thread)
  private readonly acc: Float32Array;
  private readonly stamp: Uint32Array;
  private stampBase = 1;
  /**
   * Score tokens of names already scored, rebuilt lazily from the flat arrays and kept (bounded)
   * so that a name seen by many queries is not re-materialised each time. Not filled at build.
   */
  private tokCache: (ScoreToken[] | undefined)[] = [];
  /** Each vocabulary token's scorer facts (`textFacts`), computed when first needed. */
  private vFacts: (TextFacts | undefined)[] = [];
  private tokCached = 0;

  constructor(b: IndexBuilder) {
    const {
      facts,
      identifiers,
      vocab,
      vText,
      nameEntity,
      nameKind,
      nameValue,
      nameOff,
      tokVocab,
      tokRole,
      tokHint,
      tokOrig,
      tokJoin,
      df,
      joinH,
      joinV,
      entNames,
    } = b;
    const nNames = nameValue.length;
    const nVocab = vText.length;
    entNames.push(nNames);
    this.entNames = entNames.a.slice(0, entNames.n);
    this.facts = facts;
    this.identifiers = identifiers;
    this.nameEntity = nameEntity.a.slice(0, nNames);
    this.nameKind = Uint8Array.from(nameKind);
    this.nameValue = nameValue;
    this.nameOff = nameOff.a.slice(0, nNames + 1);
    this.tokVocab = tokVocab.a.slice(0, tokVocab.n);
    this.tokRole = Uint8Array.from(tokRole);
    this.tokHint = Float32Array.from(tokHint);
    this.tokOrig = tokOrig;
    this.tokJoin = tokJoin;
    this.vocab = vocab;
    this.vText = vText;
    this.vIdf = new Float32Array(nVocab);
    for (let v = 0; v < nVocab; v++) this.vIdf[v] = idfWeight(df[v]!, nNames);

    // Token → names postings: count, prefix-sum, fill.
    const postStart = new Uint32Array(nVocab + 1);
    for (let k = 0; k < this.tokVocab.length; k++) postStart[this.tokVocab[k]! + 1]!++;
    for (let v = 0; v < nVocab; v++) postStart[v + 1]! += postStart[v]!;
    const fill = postStart.slice(0, nVocab);
    const postings = new Uint32Array(this.tokVocab.length);
    for (let ni = 0; ni < nNames; ni++) {
      for (let k = this.nameOff[ni]!; k < this.nameOff[ni + 1]!; k++)
        postings[fill[this.tokVocab[k]!]!++] = ni;
    }
    this.postStart = postStart;
    this.postings = postings;

    // Fuzzy keys per distinct token.
    this.vPhon = new Array<string>(nVocab);
    this.vFacts = new Array<TextFacts | undefined>(nVocab);
    this.vSkel = new Array<string>(nVocab);
    const keyH = new U32Buf();
    const keyV = new U32Buf();
    for (let v = 0; v < nVocab; v++) {
      const t = vText[v]!;
      const phon = phoneticKey(t);
      const skel = skeletonKey(t);
      this.vPhon[v] = phon;
      this.vSkel[v] = skel;
      if (t.length < 2 || (t.charCodeAt(0) >= 0x30 && t.charCodeAt(0) <= 0x39)) continue;
      if (phon.length >= 2) {
        keyH.push(fnv(P_PHON, phon));
        keyV.push(v);
      }
      if (skel.length >= 2) {
        keyH.push(fnv(P_SKEL, skel));
        keyV.push(v);
      }
      if (t.length >= 4) {
        for (const d of deletionNeighbourhood(t, 1)) {
          keyH.push(fnv(P_DEL, d));
          keyV.push(v);
        }
      }
    }
    this.keys = buildHashMulti(keyH, keyV);
    this.joins = buildHashMulti(joinH, joinV);
    this.acc = new Float32Array(nNames);
    this.stamp = new Uint32Array(nNames);
    this.size = { entities: facts.length, names: nNames };
  }

  private idfOf = (text: string): number => {
    const v = this.vocab.get(text);
    return v === undefined ? 1 : this.vIdf[v]!;
  };

  /** The score tokens of an indexed name, rebuilt from the flat arrays (cached, bounded). */
  private nameTokens(ni: number): ScoreToken[] {
    const hit = this.tokCache[ni];
    if (hit !== undefined) return hit;
    if (this.tokCached >= TOKEN_CACHE_NAMES) {
      this.tokCache = [];
      this.tokCached = 0;
    }
    const toks: ScoreToken[] = [];
    for (let k = this.nameOff[ni]!; k < this.nameOff[ni + 1]!; k++) {
      const v = this.tokVocab[k]!;
      const code = this.tokRole[k]!;
      const role = ROLES[code & 0x3f]!;
      const orig = this.tokOrig.get(k);
      const text = this.vText[v]!;
      const generic = role === 'legal_form' || role === 'stopword' || role === 'number' ? 1 : this.vIdf[v]!;
      toks.push({
        text,
        role,
        weight: this.tokHint[k]! * generic,
        latin: orig === undefined,
        abjad: orig !== undefined && isAbjadText(orig),
        orig: orig ?? text,
        join: this.tokJoin.get(k) ?? text,
        soft: (code & 0x80) !== 0,
        geo: (code & 0x40) !== 0,
        phon: this.vPhon[v]!,
        skel: this.vSkel[v]!,
        facts: this.factsOf(v),
      });
    }
    this.tokCache[ni] = toks;
    this.tokCached++;
    return toks;
  }

  search(query: ScreeningQuery, opts: SearchOptions): ScreeningMatch[] {
    const qKind = kindOfSchema(query.schema);
    const q = scoreTokens(query.name, qKind, this.idfOf);
    const ordered = !query.name.includes(',');
    const nq = q.length;
    const touched: number[] = [];
    const acc = this.acc;
    const stamp = this.stamp;
    if (this.stampBase > 0xffff_0000 - 2 * nq) {
      stamp.fill(0);
      this.stampBase = 1;
    }
    const base = this.stampBase;
    this.stampBase += nq + 1;
    const simMemo = new Map<number, TokenSim>();
    const nVocab = this.vText.length;

    let totalWeight = 0;
    const hasSignificant = q.some(
      (t) => t.role !== 'legal_form' && t.role !== 'stopword' && t.role !== 'initial',
    );
    for (let i = 0; i < nq; i++) {
      const t = q[i]!;
      const skip =
        t.role === 'initial' || (hasSignificant && (t.role === 'legal_form' || t.role === 'stopword'));
      if (skip) continue;
      totalWeight += t.weight;
      const hits = this.tokenHits(t, i, simMemo, nVocab);
      const st = base + i;
      for (const [v, s] of hits) {
        const w = t.weight * s;
        for (let p = this.postStart[v]!; p < this.postStart[v + 1]!; p++) {
          const ni = this.postings[p]!;
          if (stamp[ni] === st) continue;
          if (stamp[ni]! < base) {
            acc[ni] = 0;
            touched.push(ni);
          }
          stamp[ni] = st;
          acc[ni]! += w;
        }
      }
      // The query token may be a listed pair written joined ("binladen" for "bin laden").
      if (t.text.length >= 5) {
        const [a, b] = lookup(this.joins, fnv(P_JOIN, t.text));
        for (let p = a; p < b; p++) {
          const ni = this.joins.values[p]!;
          if (stamp[ni] === st) continue;
          if (stamp[ni]! < base) {
            acc[ni] = 0;
            touched.push(ni);
          }
          stamp[ni] = st;
          acc[ni]! += t.weight * 0.9;
        }
      }
    }
    // Adjacent query tokens may be one listed token split ("bin laden" for "binladen").
    for (let i = 0; i + 1 < nq; i++) {
      const v = this.vocab.get(q[i]!.join + q[i + 1]!.join);
      if (v === undefined) continue;
      const w = (q[i]!.weight + q[i + 1]!.weight) * 0.9;
      const st = base + nq;
      for (let p = this.postStart[v]!; p < this.postStart[v + 1]!; p++) {
        const ni = this.postings[p]!;
        if (stamp[ni] === st) continue;
        if (stamp[ni]! < base) {
          acc[ni] = 0;
          touched.push(ni);
        }
        stamp[ni] = st;
        acc[ni]! += w;
      }
    }

    // Candidates: top-K names by accumulated weight, above a minimum share of the query.
    const minAcc = MIN_SHARE * totalWeight;
    let cands = touched.filter((ni) => acc[ni]! >= minAcc);
    if (cands.length > TOP_K) {
      cands.sort((a, b) => acc[b]! - acc[a]!);
      cands = cands.slice(0, TOP_K);
    }
    // Exact identifier hits join the candidates whatever the name.
    const idEntities = new Set<number>();
    for (const id of query.identifiers ?? []) {
      const k = normaliseIdentifier(id.value);
      for (const ei of this.identifiers.get(k) ?? []) idEntities.add(ei);
    }

    const best = new Map<number, { ni: number; score: number; tokens: TokenExplanation[] }>();
    const consider = (ni: number): void => {
      const ei = this.nameEntity[ni]!;
      const toks = this.nameTokens(ni);
      const off = this.nameOff[ni]!;
      const tokVocab = this.tokVocab;
      const kind: NameKind = qKind !== 'unknown' ? qKind : kindOfSchema(this.facts[ei]!.schema);
      const sim = (qi: number, ci: number): TokenSim => {
        const key = qi * nVocab + tokVocab[off + ci]!;
        let s = simMemo.get(key);
        if (s === undefined) {
          s = tokenSim(q[qi]!, toks[ci]!);
          simMemo.set(key, s);
        }
        return s;
      };
      const r = scoreAligned(q, toks, kind, sim, false, ordered);
      const score = r.score * KIND_FACTOR[NAME_KINDS[this.nameKind[ni]!]!];
      const cur = best.get(ei);
      if (!cur || score > cur.score) best.set(ei, { ni, score, tokens: r.tokens });
    };
    for (const ni of cands) consider(ni);
    this.lastStats = { touchedNames: touched.length, scoredNames: cands.length };
    for (const ei of idEntities) {
      if (best.has(ei)) continue;
      for (let ni = this.entNames[ei]!; ni < this.entNames[ei + 1]!; ni++) consider(ni);
    }

    const out: ScreeningMatch[] = [];
    const floor = opts.threshold - 0.35;
    for (const [ei, b] of best) {
      if (b.score < floor && !idEntities.has(ei)) continue;
      const qual = applyQualifiers(query, this.facts[ei]!);
      const score = clamp01(b.score + qual.reduce((s, x) => s + x.effect, 0));
      if (score < opts.threshold) continue;
      out.push(this.toMatch(ei, b.ni, b.score, score, q, qKind, ordered, qual));
    }
    out.sort((a, b) => b.score - a.score || b.nameScore - a.nameScore);
    return out.slice(0, opts.limit);
  }

  /** Exact and fuzzy vocabulary hits for one query token, best similarity first. */
  private tokenHits(
    t: ScoreToken,
    qi: number,
    memo: Map<number, TokenSim>,
    nVocab: number,
  ): [number, number][] {
    const hits = new Map<number, number>();
    const exact = this.vocab.get(t.text);
    if (exact !== undefined) hits.set(exact, 1);
    if (t.role !== 'number' && t.text.length >= 2) {
      const probe = (h: number): void => {
        const [a, b] = lookup(this.keys, h);
        if (b - a > MAX_KEY_FANOUT) return;
        for (let p = a; p < b; p++) {
          const v = this.keys.values[p]!;
          if (hits.has(v)) continue;
          const key = qi * nVocab + v;
          let s = memo.get(key);
          if (s === undefined) {
            s = tokenSim(t, this.vocabToken(v));
            memo.set(key, s);
          }
          hits.set(v, s.sim > 0.5 ? s.sim : 0);
        }
      };
      if (t.phon.length >= 2) probe(fnv(P_PHON, t.phon));
      if (t.skel.length >= 3 || (!t.latin && t.skel.length >= 2)) probe(fnv(P_SKEL, t.skel));
      if (t.text.length >= 4) for (const d of deletionNeighbourhood(t.text, 1)) probe(fnv(P_DEL, d));
    }
    const out: [number, number][] = [];
    for (const [v, s] of hits) if (s > 0) out.push([v, s]);
    out.sort((a, b) => b[1] - a[1]);
    return out;
  }

  private vocabToken(v: number): ScoreToken {
    const text = this.vText[v]!;
    return {
      text,
      role: 'unknown',
      weight: this.vIdf[v]!,
      latin: true,
      abjad: false,
      orig: text,
      join: text,
      phon: this.vPhon[v]!,
      skel: this.vSkel[v]!,
      facts: this.factsOf(v),
    };
  }

  private factsOf(v: number): TextFacts {
    let f = this.vFacts[v];
    if (f === undefined) this.vFacts[v] = f = textFacts(this.vText[v]!);
    return f;
  }

  private toMatch(
    ei: number,
    ni: number,
    nameScore: number,
    score: number,
    q: ScoreToken[],
    qKind: NameKind,
    ordered: boolean,
    qualifiers: QualifierEffect[],
  ): ScreeningMatch {
    const toks = this.nameTokens(ni);
    const kind: NameKind = qKind !== 'unknown' ? qKind : kindOfSchema(this.facts[ei]!.schema);
    const explained = scoreAligned(q, toks, kind, undefined, true, ordered);
    return {
      entityId: this.facts[ei]!.id,
      score: round(score),
      nameScore: round(nameScore),
      matchedName: this.nameValue[ni]!,
      nameKind: NAME_KINDS[this.nameKind[ni]!]!,
      explanation: { tokens: explained.tokens, qualifiers },
    };
  }
}

function isAbjadText(s: string): boolean {
  const c = s.charCodeAt(0);
  return c >= 0x590 && c <= 0x8ff;
}

function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}

function round(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}

/** Build the screening index over list entities (any mix of lists). */
export function buildIndex(entities: Iterable<ListEntity>): MatcherIndex {
  return new IndexBuilder().addAll(entities).finish();
}
