/**
 * The form definition model: one TypeBox schema per field kind, checked one field at a time (groups
 * and conditions are walked by validate-definition.ts, so hostile nesting never reaches a recursive
 * validator). Every object is closed: unknown properties, `pattern` included, are refused.
 */
import { Type, type Static } from 'typebox';
import { LIMITS } from './limits.ts';

const closed = { additionalProperties: false } as const;

/** The fixed set of text formats. There is deliberately no `pattern`: no regular expression from a definition is ever run. */
export const TEXT_FORMATS = ['email', 'phone', 'iban', 'postcode', 'url'] as const;
export type TextFormat = (typeof TEXT_FORMATS)[number];

export const FIELD_KINDS = [
  'text',
  'textarea',
  'number',
  'date',
  'boolean',
  'choice',
  'multichoice',
  'country',
  'group',
] as const;
export type FieldKind = (typeof FIELD_KINDS)[number];

/** Relative date rules, evaluated against the `today` the caller passes. */
export const DATE_RULES = ['past', 'not_future', 'future', 'not_past'] as const;
export type DateRule = (typeof DATE_RULES)[number];

/** A scalar a condition compares with. */
export type ConditionValue = string | number | boolean;

/**
 * `showIf` conditions. `field` is a field key, resolved in the current scope first (earlier siblings;
 * in a group, earlier fields of the same item) and then in the enclosing scopes (fields defined before
 * the group). On a multichoice field, `equals` means "includes" and `in` means "includes any of".
 */
export type Condition =
  | { field: string; equals: ConditionValue }
  | { field: string; in: ConditionValue[] }
  | { field: string; notEmpty: true }
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition };

const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });
const Count = (max: number) => Type.Integer({ minimum: 0, maximum: max });
/** Shape only; the calendar is checked by validate-definition.ts. */
const IsoDate = Type.String({ minLength: 10, maxLength: 10 });

const common = {
  key: Type.String({ minLength: 1, maxLength: 63 }),
  label: Text(LIMITS.maxLabel),
  required: Type.Boolean(),
  help: Type.Optional(Text(LIMITS.maxHelp)),
  /** Checked by the condition walker; accepted as anything by the shape check. */
  showIf: Type.Optional(Type.Unsafe<Condition>({})),
};

export const ChoiceOption = Type.Object(
  { value: Text(LIMITS.maxOptionValue), label: Text(LIMITS.maxLabel) },
  closed,
);
export type ChoiceOption = Static<typeof ChoiceOption>;

const Options = Type.Array(ChoiceOption, { minItems: 1, maxItems: LIMITS.maxOptions });

export const TextField = Type.Object(
  {
    ...common,
    kind: Type.Literal('text'),
    minLength: Type.Optional(Count(LIMITS.maxText)),
    maxLength: Type.Optional(Count(LIMITS.maxText)),
    format: Type.Optional(Type.Enum(TEXT_FORMATS)),
  },
  closed,
);
export type TextField = Static<typeof TextField>;

export const TextareaField = Type.Object(
  {
    ...common,
    kind: Type.Literal('textarea'),
    minLength: Type.Optional(Count(LIMITS.maxTextarea)),
    maxLength: Type.Optional(Count(LIMITS.maxTextarea)),
  },
  closed,
);
export type TextareaField = Static<typeof TextareaField>;

export const NumberField = Type.Object(
  {
    ...common,
    kind: Type.Literal('number'),
    integer: Type.Optional(Type.Boolean()),
    min: Type.Optional(Type.Number()),
    max: Type.Optional(Type.Number()),
  },
  closed,
);
export type NumberField = Static<typeof NumberField>;

export const DateField = Type.Object(
  {
    ...common,
    kind: Type.Literal('date'),
    min: Type.Optional(IsoDate),
    max: Type.Optional(IsoDate),
    relative: Type.Optional(Type.Enum(DATE_RULES)),
  },
  closed,
);
export type DateField = Static<typeof DateField>;

export const BooleanField = Type.Object({ ...common, kind: Type.Literal('boolean') }, closed);
export type BooleanField = Static<typeof BooleanField>;

export const ChoiceField = Type.Object({ ...common, kind: Type.Literal('choice'), options: Options }, closed);
export type ChoiceField = Static<typeof ChoiceField>;

export const MultichoiceField = Type.Object(
  {
    ...common,
    kind: Type.Literal('multichoice'),
    options: Options,
    minItems: Type.Optional(Count(LIMITS.maxOptions)),
    maxItems: Type.Optional(Count(LIMITS.maxOptions)),
  },
  closed,
);
export type MultichoiceField = Static<typeof MultichoiceField>;

export const CountryField = Type.Object({ ...common, kind: Type.Literal('country') }, closed);
export type CountryField = Static<typeof CountryField>;

/** The group's own properties; its `fields` are checked one by one by the walker. */
export const GroupFieldShape = Type.Object(
  {
    ...common,
    kind: Type.Literal('group'),
    repeat: Type.Object(
      { min: Count(LIMITS.maxGroupItems), max: Type.Integer({ minimum: 1, maximum: LIMITS.maxGroupItems }) },
      closed,
    ),
    fields: Type.Array(Type.Unknown(), { minItems: 1, maxItems: LIMITS.maxFields }),
  },
  closed,
);
export type GroupField = Omit<Static<typeof GroupFieldShape>, 'fields'> & { fields: Field[] };

export type Field =
  | TextField
  | TextareaField
  | NumberField
  | DateField
  | BooleanField
  | ChoiceField
  | MultichoiceField
  | CountryField
  | GroupField;

/** Shape schema of each kind, for the walker. */
export const FIELD_SCHEMAS = {
  text: TextField,
  textarea: TextareaField,
  number: NumberField,
  date: DateField,
  boolean: BooleanField,
  choice: ChoiceField,
  multichoice: MultichoiceField,
  country: CountryField,
  group: GroupFieldShape,
} as const;

/** The definition's own properties; `fields` are checked one by one. */
export const FormDefinitionShape = Type.Object(
  {
    key: Type.String({ minLength: 1, maxLength: 63 }),
    title: Text(LIMITS.maxLabel),
    fields: Type.Array(Type.Unknown(), { minItems: 1, maxItems: LIMITS.maxFields }),
  },
  closed,
);

/** A form definition. Versioning is the caller's business (a stored definition is immutable per version). */
export type FormDefinition = { key: string; title: string; fields: Field[] };
