/**
 * Loads the committed JSON vocabularies (generated from opensanctions/rigour, MIT; see
 * vocab/NOTICE.md). Read synchronously once at module load: they are small (≈ 90 kB) and every
 * caller needs them before the first name is normalised.
 */
import { readFileSync } from 'node:fs';

function load<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./vocab/${name}`, import.meta.url), 'utf8')) as T;
}

/** [compare form, generic class ('' if none), surface aliases]. */
export type OrgTypeEntry = [string, string, string[]];

export interface StopwordVocab {
  personNamePrefixes: string[];
  orgNamePrefixes: string[];
  nameSplitPhrases: string[];
  genericPersonNames: string[];
}

export interface PersonSymbolVocab {
  personSymbols: Record<string, string[]>;
  personNick: Record<string, string[]>;
  personNameParts: Record<string, string[]>;
}

export const ORG_TYPES: OrgTypeEntry[] = load('org-types.json');
export const STOPWORDS: StopwordVocab = load('stopwords.json');
export const PERSON_SYMBOLS: PersonSymbolVocab = load('person-symbols.json');
/** Visual/phonetic confusable character pairs for the scorer's cost-folded edit distance. */
export const SIMILAR_PAIRS: [string, string][] = load<{ similar_pairs: [string, string][] }>(
  'compare.json',
).similar_pairs;
