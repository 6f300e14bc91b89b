/**
 * The risk model: a JSON document per programme, versioned by the configuration that stores it. The
 * TypeBox schemas give the shape (closed objects, integer bounds); validate-model.ts adds what a
 * schema cannot say (ids, references, fact types, ascending thresholds, reachable bands). Factors
 * and conditions are checked one at a time, so a mistake is reported at its own path.
 *
 * Meaning, in short (units in limits.ts):
 * - a table maps keys (country codes, or text codes) to points, with a default for unlisted keys;
 * - a factor reads one fact and turns it into points by its kind: `lookup` (a table), `boolean`
 *   (points when true, optionally when false), `ranges` (ascending `from` bounds, the last one not
 *   above the value wins), `choice` (listed values, `otherwise` for the rest); an absent fact, or
 *   one of the wrong type, gets the factor's `missing` points. Contribution = points × weight;
 * - a category aggregates its factors' contributions by `sum` or `max`, then applies its `cap`
 *   (points); the overall score is Σ category score × category weight;
 * - bands: `low` from 0, then `medium`, `high` and (optionally) `prohibited` from their thresholds
 *   in points; forcing rules raise the band to at least their `atLeast` when their condition holds.
 */
import { Type, type Static } from 'typebox';
import { LIMITS } from './limits.ts';

const closed = { additionalProperties: false } as const;

const Id = Type.String({ minLength: 1, maxLength: 63 });
const Label = Type.String({ minLength: 1, maxLength: LIMITS.maxLabel });
const Points = Type.Integer({ minimum: 0, maximum: LIMITS.maxPoints });
const Weight = Type.Integer({ minimum: 0, maximum: LIMITS.maxWeight });
const Threshold = Type.Integer({ minimum: 1, maximum: LIMITS.maxThreshold });

/** The bands of bands.ts, as a schema. */
const Band = Type.Union([
  Type.Literal('low'),
  Type.Literal('medium'),
  Type.Literal('high'),
  Type.Literal('prohibited'),
]);

/** Categories every default model has; a firm may remove them or add its own. */
export const BUILT_IN_CATEGORIES = [
  'geography',
  'customer_type',
  'product',
  'channel',
  'screening',
  'ownership_complexity',
] as const;

export const FACTOR_KINDS = ['lookup', 'boolean', 'ranges', 'choice'] as const;
export type FactorKind = (typeof FACTOR_KINDS)[number];

export const AGGREGATIONS = ['sum', 'max'] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];

export const RiskTable = Type.Object(
  {
    label: Label,
    /** `country`: keys are ISO 3166-1 alpha-2 codes; `text`: keys are codes like `money_services`. */
    keys: Type.Union([Type.Literal('country'), Type.Literal('text')]),
    default: Points,
    entries: Type.Record(Type.String({ minLength: 1, maxLength: 100 }), Points, {
      maxProperties: LIMITS.maxTableEntries,
    }),
  },
  closed,
);
export type RiskTable = Static<typeof RiskTable>;

export const RiskCategory = Type.Object(
  {
    id: Id,
    label: Label,
    weight: Weight,
    aggregation: Type.Union([Type.Literal('sum'), Type.Literal('max')]),
    /** In points; the category score never exceeds it. */
    cap: Type.Optional(Type.Integer({ minimum: 0, maximum: LIMITS.maxPoints * LIMITS.maxFactors })),
  },
  closed,
);
export type RiskCategory = Static<typeof RiskCategory>;

const factorCommon = {
  id: Id,
  label: Label,
  category: Id,
  /** A name from the FACTS catalogue or `questionnaire.<form>.<field>`. */
  fact: Type.String({ minLength: 1, maxLength: 200 }),
  /** Points when the fact is absent or of the wrong type. */
  missing: Points,
  weight: Weight,
};

export const LookupFactor = Type.Object({ ...factorCommon, kind: Type.Literal('lookup'), table: Id }, closed);
export const BooleanFactor = Type.Object(
  {
    ...factorCommon,
    kind: Type.Literal('boolean'),
    whenTrue: Points,
    /** Defaults to 0. */
    whenFalse: Type.Optional(Points),
  },
  closed,
);
export const RangesFactor = Type.Object(
  {
    ...factorCommon,
    kind: Type.Literal('ranges'),
    /** Strictly ascending `from`; a value scores the points of the last range whose `from` ≤ value. */
    ranges: Type.Array(Type.Object({ from: Type.Number(), points: Points }, closed), {
      minItems: 1,
      maxItems: LIMITS.maxRanges,
    }),
    /** Points for a value below the first `from`; defaults to 0. */
    below: Type.Optional(Points),
  },
  closed,
);
export const ChoiceFactor = Type.Object(
  {
    ...factorCommon,
    kind: Type.Literal('choice'),
    options: Type.Array(
      Type.Object({ value: Type.String({ minLength: 1, maxLength: 100 }), points: Points }, closed),
      {
        minItems: 1,
        maxItems: LIMITS.maxOptions,
      },
    ),
    /** Points for a value not among the options. */
    otherwise: Points,
  },
  closed,
);
export type LookupFactor = Static<typeof LookupFactor>;
export type BooleanFactor = Static<typeof BooleanFactor>;
export type RangesFactor = Static<typeof RangesFactor>;
export type ChoiceFactor = Static<typeof ChoiceFactor>;
export type RiskFactor = LookupFactor | BooleanFactor | RangesFactor | ChoiceFactor;

export const FACTOR_SCHEMAS = {
  lookup: LookupFactor,
  boolean: BooleanFactor,
  ranges: RangesFactor,
  choice: ChoiceFactor,
} as const;

/** A scalar a condition compares a fact with. */
export type ConditionValue = string | number | boolean;

/**
 * Conditions of forcing rules. An absent fact makes every test on it false except `present: false`.
 * On a list fact (`string[]`), `equals` means "contains" and `in` "contains any of". `atLeast` reads
 * a number; `lookup` is true when the table gives the fact's value (the highest of a list) at least
 * `atLeast` points, so a rule can follow a table ("residence in a country rated ≥ 60 ⇒ high").
 */
export type RiskCondition =
  | { fact: string; equals: ConditionValue }
  | { fact: string; in: ConditionValue[] }
  | { fact: string; atLeast: number }
  | { fact: string; present: boolean }
  | { fact: string; lookup: { table: string; atLeast: number } }
  | { all: RiskCondition[] }
  | { any: RiskCondition[] }
  | { not: RiskCondition };

export const RiskRule = Type.Object(
  {
    id: Id,
    /** A stable code shown with the forced band and stored with the score (`SANCTIONS_TRUE_MATCH`). */
    reason: Type.String({ minLength: 1, maxLength: 63 }),
    label: Label,
    /** Checked by the condition walker; accepted as anything by the shape check. */
    when: Type.Unsafe<RiskCondition>({}),
    atLeast: Band,
  },
  closed,
);
export type RiskRule = Static<typeof RiskRule>;

export const RiskThresholds = Type.Object(
  {
    medium: Threshold,
    high: Threshold,
    /** Without it only a forcing rule makes a score prohibited. */
    prohibited: Type.Optional(Threshold),
  },
  closed,
);
export type RiskThresholds = Static<typeof RiskThresholds>;

/** The shape of a whole model; factors and rule conditions are checked one at a time afterwards. */
export const RiskModelShape = Type.Object(
  {
    version: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }),
    tables: Type.Record(Type.String({ minLength: 1, maxLength: 63 }), RiskTable, {
      maxProperties: LIMITS.maxTables,
    }),
    categories: Type.Array(RiskCategory, { minItems: 1, maxItems: LIMITS.maxCategories }),
    factors: Type.Array(Type.Unsafe<RiskFactor>({ type: 'object' }), {
      minItems: 1,
      maxItems: LIMITS.maxFactors,
    }),
    thresholds: RiskThresholds,
    rules: Type.Array(RiskRule, { maxItems: LIMITS.maxRules }),
  },
  closed,
);

export type RiskModel = {
  version: number;
  tables: Record<string, RiskTable>;
  categories: RiskCategory[];
  factors: RiskFactor[];
  thresholds: RiskThresholds;
  rules: RiskRule[];
};
