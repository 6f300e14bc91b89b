/**
 * Public surface of the screening engine's name layer: normalisation, transliteration and the
 * per-token keys used to build and probe the inverted indexes.
 */
export { normaliseName, splitAliases, foldConfusables, WEIGHT } from './normalise.ts';
export type { NormalisedName, Token, TokenRole, NameKind } from './normalise.ts';
export { transliterate, transliterateToken, detectScript, scriptsOf } from './transliterate.ts';
export type { Script } from './transliterate.ts';
export { exactKey, phoneticKey, skeletonKey, deletionNeighbourhood, editBudget } from './keys.ts';
export { SIMILAR_PAIRS } from './vocab.ts';
