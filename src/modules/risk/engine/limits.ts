/**
 * Hard limits of the risk engine and the fixed-point units of its results. The limits bound the work
 * done for one model and keep every intermediate result far below Number.MAX_SAFE_INTEGER, so all
 * arithmetic is exact integer arithmetic whatever a (hostile) model says.
 *
 * Units:
 * - factor points: integers 0..maxPoints, chosen by the model's author;
 * - weights (factor and category): integer percentages 0..maxWeight, 100 meaning "× 1";
 * - a factor's contribution = points × factor weight, in centipoints (1/100 of a point);
 * - a category's score: the sum or the max of its contributions, capped, in centipoints;
 * - the overall score = Σ category score × category weight, in score units of 1/10,000 of a point
 *   (`SCORE_SCALE` units per point); band thresholds are stated in whole points.
 * Largest overall possible: maxFactors × maxPoints × maxWeight × maxWeight = 2·10^11, exact in a double.
 */

export const LIMITS = {
  maxPoints: 1000,
  maxWeight: 1000,
  maxCategories: 50,
  maxFactors: 200,
  maxTables: 20,
  maxTableEntries: 500,
  maxRanges: 50,
  maxOptions: 200,
  maxRules: 100,
  /** Nesting of all/any/not in one rule condition, and its total number of nodes. */
  maxConditionDepth: 5,
  maxConditionNodes: 50,
  /** Values of an `in` condition (e.g. a list of prohibited countries). */
  maxConditionValues: 300,
  maxLabel: 200,
  /** Threshold ceiling in points (the highest overall score possible is far lower in practice). */
  maxThreshold: 1_000_000,
  /** Serialised size of a model, in bytes (UTF-8). */
  maxModelBytes: 512 * 1024,
  /** Problems returned for one call; the rest are counted but not listed. */
  maxErrors: 100,
  /** Justification of a manual override, in characters. */
  minJustification: 20,
  maxJustification: 2000,
} as const;

/** Score units per point: the overall score is in 1/10,000 of a point. */
export const SCORE_SCALE = 10_000;

/** Centipoints per point: contributions and category scores are in 1/100 of a point. */
export const CENTI = 100;

/** Ids of categories, factors, rules and tables: a letter, then letters, digits or "_". */
export const ID = /^[a-z][A-Za-z0-9_]{0,62}$/;

/** Reason codes of forcing rules: stable upper-case codes (`SANCTIONS_TRUE_MATCH`). */
export const REASON_CODE = /^[A-Z][A-Z0-9_]{0,62}$/;

/** Values a `choice` factor or a text lookup table matches: trimmed, printable, bounded. */
export const CHOICE_VALUE = /^[A-Za-z0-9](?:[A-Za-z0-9_.:/&+ -]{0,98}[A-Za-z0-9_.])?$/;

/** Renders a score in score units as points with four decimals, exactly (no floating point). */
export function formatScore(units: number): string {
  const sign = units < 0 ? '-' : '';
  const abs = Math.abs(units);
  const whole = Math.floor(abs / SCORE_SCALE);
  const frac = String(abs % SCORE_SCALE).padStart(4, '0');
  return `${sign}${whole}.${frac}`;
}
