/**
 * Public surface of the screening engine: the index and pair scorer (matcher.ts, the contract in
 * api.ts), and the name layer beneath them: normalisation, transliteration and the per-token keys
 * used to build and probe the inverted indexes.
 */
export { buildIndex, scoreNames, prepareName, scorePrepared, IndexBuilder } from './matcher.ts';
export type { MatcherIndex, SearchStats, PreparedName } from './matcher.ts';
export { DEFAULT_THRESHOLD } from './api.ts';
export type {
  ScreeningQuery,
  ScreeningMatch,
  ScreeningIndex,
  SearchOptions,
  TokenExplanation,
  QualifierEffect,
} from './api.ts';
export { normaliseName, splitAliases, foldConfusables, WEIGHT } from './normalise.ts';
export type { NormalisedName, Token, TokenRole, NameKind } from './normalise.ts';
export { transliterate, transliterateToken, detectScript, scriptsOf } from './transliterate.ts';
export type { Script } from './transliterate.ts';
export { exactKey, phoneticKey, skeletonKey, deletionNeighbourhood, editBudget } from './keys.ts';
export { SIMILAR_PAIRS } from './vocab.ts';
