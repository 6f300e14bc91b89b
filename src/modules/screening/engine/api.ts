/**
 * The screening engine's contract: what callers (the screening use cases, reverse screening, the
 * benchmark) rely on. The implementation is `matcher.ts`; this file holds only types and constants
 * so that callers and implementation can evolve apart.
 */
import type { ListEntity, ListSchema } from '../lists/model.ts';

/** A name to screen, with the qualifiers that sharpen the score. */
export interface ScreeningQuery {
  name: string;
  /** 'Person', 'Organization', ... or undefined when unknown (matches every schema). */
  schema?: ListSchema | undefined;
  /** ISO, possibly partial: 'YYYY', 'YYYY-MM', 'YYYY-MM-DD'. */
  birthDate?: string | undefined;
  /** ISO 3166 alpha-2 (upper case). */
  nationality?: string | undefined;
  country?: string | undefined;
  gender?: 'male' | 'female' | undefined;
  identifiers?: { type?: string; value: string }[] | undefined;
}

/** How one query token was matched, for the analyst. */
export interface TokenExplanation {
  /** The query token as normalised. */
  query: string;
  /** The list token it aligned with, or null. */
  matched: string | null;
  how:
    | 'exact'
    | 'transliteration'
    | 'nickname'
    | 'initial'
    | 'legal_form'
    | 'phonetic'
    | 'skeleton'
    | 'edit'
    | 'joined'
    | 'missing'
    | 'extra';
  /** The token's weight in the name score (IDF and role). */
  weight: number;
  /** 0..1: how well it matched. */
  score: number;
}

export interface QualifierEffect {
  qualifier: 'birth_date' | 'nationality' | 'gender' | 'identifier' | 'schema';
  /** Added to the score (negative lowers it). */
  effect: number;
  detail: string;
}

export interface ScreeningMatch {
  entityId: string;
  /** Calibrated, in [0, 1]; ranks (does not saturate at 1 for merely similar names). */
  score: number;
  /** The name score before qualifiers. */
  nameScore: number;
  /** The list name that matched best (as listed). */
  matchedName: string;
  nameKind: 'primary' | 'alias' | 'weak_alias' | 'former';
  explanation: { tokens: TokenExplanation[]; qualifiers: QualifierEffect[] };
}

export interface SearchOptions {
  /** Matches below are not returned. */
  threshold: number;
  /** At most this many matches, best first. */
  limit: number;
}

export interface ScreeningIndex {
  readonly size: { entities: number; names: number };
  search(query: ScreeningQuery, opts: SearchOptions): ScreeningMatch[];
}

/** The default operating threshold (the onboarding profile: recall-leaning). */
export const DEFAULT_THRESHOLD = 0.7;

export type BuildIndex = (entities: Iterable<ListEntity>) => ScreeningIndex;
