/**
 * The explanation of a score: everything needed to show it and to re-check it, stored with the score.
 * Its schema is used by reproduceScore to read stored explanations (JSON from the database) safely.
 * All numbers are integers in the units of limits.ts: points; weights in percent; contributions and
 * category scores in centipoints; weighted category scores and the overall score in score units
 * (1/10,000 point). Thresholds are in points.
 */
import { Type, type Static } from 'typebox';
import { LIMITS } from './limits.ts';

const closed = { additionalProperties: false } as const;
const Int = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });
const Band = Type.Union([
  Type.Literal('low'),
  Type.Literal('medium'),
  Type.Literal('high'),
  Type.Literal('prohibited'),
]);
const Text = Type.String({ maxLength: 200 });
// No length limits on values: a stored explanation must read back whatever the facts held.
const FactValue = Type.Union([
  Type.String(),
  Type.Number(),
  Type.Boolean(),
  Type.Array(Type.String()),
  Type.Null(),
]);

/** Version of the explanation format (not of the model), so readers can evolve. */
export const EXPLANATION_FORMAT = 1;

export const FactorExplanation = Type.Object(
  {
    id: Text,
    label: Text,
    fact: Text,
    kind: Type.Union([
      Type.Literal('lookup'),
      Type.Literal('boolean'),
      Type.Literal('ranges'),
      Type.Literal('choice'),
    ]),
    /** Lookup factors: the table read. */
    table: Type.Optional(Text),
    /** The fact's value as read; `null` when absent, or when invalid and not even a fact value. */
    value: FactValue,
    /** `present`: scored from the value; `missing`: absent; `invalid`: not of the type the factor reads. */
    status: Type.Union([Type.Literal('present'), Type.Literal('missing'), Type.Literal('invalid')]),
    /**
     * What gave the points: the table key or option value matched, the range's `from`, the boolean
     * itself; `null` for the table default, `otherwise`, below the ranges, missing or invalid.
     */
    matched: Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]),
    points: Type.Integer({ minimum: 0, maximum: LIMITS.maxPoints }),
    weight: Type.Integer({ minimum: 0, maximum: LIMITS.maxWeight }),
    /** points × weight, centipoints. */
    contribution: Int,
  },
  closed,
);
export type FactorExplanation = Static<typeof FactorExplanation>;

export const CategoryExplanation = Type.Object(
  {
    id: Text,
    label: Text,
    aggregation: Type.Union([Type.Literal('sum'), Type.Literal('max')]),
    /** Points, `null` when the category has none. */
    cap: Type.Union([Int, Type.Null()]),
    weight: Type.Integer({ minimum: 0, maximum: LIMITS.maxWeight }),
    factors: Type.Array(FactorExplanation, { maxItems: LIMITS.maxFactors }),
    /** Sum or max of the contributions before the cap, centipoints. */
    raw: Int,
    capped: Type.Boolean(),
    /** After the cap, centipoints. */
    score: Int,
    /** score × weight, score units. */
    weighted: Int,
  },
  closed,
);
export type CategoryExplanation = Static<typeof CategoryExplanation>;

export const ForcedExplanation = Type.Object(
  {
    rule: Text,
    reason: Text,
    label: Text,
    atLeast: Band,
    /** The facts the rule's condition read, with their values (`null`: absent), in name order. */
    facts: Type.Array(Type.Object({ fact: Text, value: FactValue }, closed), {
      maxItems: LIMITS.maxConditionNodes,
    }),
  },
  closed,
);
export type ForcedExplanation = Static<typeof ForcedExplanation>;

export const RiskExplanation = Type.Object(
  {
    format: Type.Literal(EXPLANATION_FORMAT),
    modelVersion: Type.Integer({ minimum: 1 }),
    categories: Type.Array(CategoryExplanation, { maxItems: LIMITS.maxCategories }),
    /** Σ weighted, score units (1/10,000 point). */
    overall: Int,
    thresholds: Type.Object({ medium: Int, high: Int, prohibited: Type.Union([Int, Type.Null()]) }, closed),
    /** The band the overall score reaches by the thresholds. */
    thresholdBand: Band,
    /** The forcing rules that fired, in model order. */
    forced: Type.Array(ForcedExplanation, { maxItems: LIMITS.maxRules }),
    /** The most severe of thresholdBand and the forced bands. */
    band: Band,
  },
  closed,
);
export type RiskExplanation = Static<typeof RiskExplanation>;
