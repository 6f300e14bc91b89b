import { Type, type Static } from 'typebox';
import { PageQuery } from '../../platform/pagination.ts';
import { STATUS_KEY_PATTERN } from './status-machine.ts';

export const EntityType = Type.Union([Type.Literal('person'), Type.Literal('entity')]);
export type EntityType = Static<typeof EntityType>;

/** A name with at least one visible character. */
const Name = Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' });
const StatusKey = Type.String({ pattern: STATUS_KEY_PATTERN });

export const StatusInput = Type.Object(
  {
    key: StatusKey,
    label: Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' }),
    initial: Type.Optional(Type.Boolean()),
    terminal: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type StatusInput = Static<typeof StatusInput>;

export const RiskLevel = Type.Union([Type.Literal('low'), Type.Literal('medium'), Type.Literal('high')]);
export type RiskLevel = Static<typeof RiskLevel>;
/** A right of the catalogue; checked against it when the machine is validated. */
const RightName = Type.String({ minLength: 1, maxLength: 100 });

/** A per-right risk limit: holders of `right` may make the move only up to `maxRisk`. */
export const TransitionLimit = Type.Object(
  { right: RightName, maxRisk: RiskLevel },
  { additionalProperties: false },
);

/**
 * A transition and its optional decision rules (none: anyone holding application:transition may
 * make it, as before rules existed). Unknown risk counts as high for every rule.
 */
export const TransitionInput = Type.Object(
  {
    from: StatusKey,
    to: StatusKey,
    /** A right the actor must hold besides application:transition. */
    right: Type.Optional(RightName),
    /** The move is refused for applications above this risk level. */
    maxRisk: Type.Optional(RiskLevel),
    /** The actor must hold at least one of these rights whose maxRisk is ≥ the application's risk. */
    limits: Type.Optional(Type.Array(TransitionLimit, { minItems: 1, maxItems: 20 })),
    /** A second, distinct person must confirm the move (it is prepared, then confirmed). */
    fourEyes: Type.Optional(Type.Boolean()),
    /** Refused unless every subject of the application is screened, with no open alert and no true match. */
    screeningClear: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type TransitionInput = Static<typeof TransitionInput>;

const Statuses = Type.Array(StatusInput, { minItems: 1, maxItems: 50 });
const Transitions = Type.Array(TransitionInput, { maxItems: 500 });
const AllowedEntityTypes = Type.Array(EntityType, { minItems: 1, uniqueItems: true });
/** Percent of ownership from which a person counts as an ultimate beneficial owner. */
const UboThreshold = Type.Number({ exclusiveMinimum: 0, maximum: 100 });

/**
 * What the programme shares of the subjects it owns with actors who see them only through another
 * programme's application: `full`, every field (masked as usual); `basic`, only the name, kind and
 * nationalities or jurisdiction, the rest listed in the view's `withheld`, and no edits.
 */
export const SubjectSharing = Type.Union([Type.Literal('full'), Type.Literal('basic')]);
export type SubjectSharing = Static<typeof SubjectSharing>;

/** A document type the programme asks for (its document requirements). */
export const DocumentTypeInput = Type.Object(
  {
    code: Type.String({ pattern: '^[a-z][a-z0-9_]{0,63}$' }),
    label: Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' }),
    appliesTo: Type.Array(EntityType, { minItems: 1, uniqueItems: true }),
    /** Every subject of that kind needs one (used by completeness checks). */
    required: Type.Optional(Type.Boolean()),
    /** Documents of this type carry an expiry date (identity documents). */
    expires: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type DocumentTypeInput = Static<typeof DocumentTypeInput>;
const DocumentTypes = Type.Array(DocumentTypeInput, { minItems: 1, maxItems: 100 });
/** File extensions the programme accepts (lower case, no dot); null: the product's default list. */
const DocumentExtensions = Type.Union([
  Type.Array(Type.String({ pattern: '^[a-z0-9]{1,10}$' }), { minItems: 1, maxItems: 50, uniqueItems: true }),
  Type.Null(),
]);
const ExpiryNoticeDays = Type.Integer({ minimum: 0, maximum: 3650 });

/**
 * Screening profile: the threshold (onboarding leans to recall, 0.70; payments to precision, 0.80),
 * the lists (null: every list), which kinds of subject are screened, and how often a full rescreen
 * is due (null: only on list and subject changes).
 */
export const ScreeningProfileInput = Type.Object(
  {
    threshold: Type.Number({ minimum: 0.5, maximum: 1 }),
    lists: Type.Union([
      Type.Array(Type.String({ pattern: '^[a-z][a-z0-9-]{0,39}$' }), {
        minItems: 1,
        maxItems: 20,
        uniqueItems: true,
      }),
      Type.Null(),
    ]),
    subjectKinds: Type.Array(EntityType, { minItems: 1, uniqueItems: true }),
    rescreenDays: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 3650 }), Type.Null()])),
  },
  { additionalProperties: false },
);
export type ScreeningProfileInput = Static<typeof ScreeningProfileInput>;

export const CreateProgrammeBody = Type.Object(
  {
    name: Name,
    description: Type.Optional(Type.String({ maxLength: 5000 })),
    allowedEntityTypes: AllowedEntityTypes,
    /** With `transitions`, or neither (then the default machine applies). */
    statuses: Type.Optional(Statuses),
    transitions: Type.Optional(Transitions),
    uboThreshold: Type.Optional(UboThreshold),
    subjectSharing: Type.Optional(SubjectSharing),
    documentTypes: Type.Optional(DocumentTypes),
    documentExtensions: Type.Optional(DocumentExtensions),
    documentExpiryNoticeDays: Type.Optional(ExpiryNoticeDays),
    screeningProfile: Type.Optional(ScreeningProfileInput),
  },
  { additionalProperties: false },
);
export type CreateProgrammeBody = Static<typeof CreateProgrammeBody>;

export const UpdateProgrammeBody = Type.Object(
  {
    /** The version the caller last read; a mismatch is a version_conflict. */
    version: Type.Integer({ minimum: 1 }),
    name: Type.Optional(Name),
    description: Type.Optional(Type.String({ maxLength: 5000 })),
    allowedEntityTypes: Type.Optional(AllowedEntityTypes),
    statuses: Type.Optional(Statuses),
    transitions: Type.Optional(Transitions),
    uboThreshold: Type.Optional(UboThreshold),
    subjectSharing: Type.Optional(SubjectSharing),
    documentTypes: Type.Optional(DocumentTypes),
    documentExtensions: Type.Optional(DocumentExtensions),
    documentExpiryNoticeDays: Type.Optional(ExpiryNoticeDays),
    screeningProfile: Type.Optional(ScreeningProfileInput),
  },
  { additionalProperties: false },
);
export type UpdateProgrammeBody = Static<typeof UpdateProgrammeBody>;

export const ProgrammeListQuery = Type.Object({ ...PageQuery }, { additionalProperties: false });
export type ProgrammeListQuery = Static<typeof ProgrammeListQuery>;

export const StatusView = Type.Object({
  key: Type.String(),
  label: Type.String(),
  initial: Type.Boolean(),
  terminal: Type.Boolean(),
});
export type StatusView = Static<typeof StatusView>;

export const ProgrammeView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  name: Type.String(),
  description: Type.String(),
  allowedEntityTypes: Type.Array(EntityType),
  statuses: Type.Array(StatusView),
  transitions: Type.Array(
    Type.Object({
      from: Type.String(),
      to: Type.String(),
      right: Type.Optional(Type.String()),
      maxRisk: Type.Optional(RiskLevel),
      limits: Type.Optional(Type.Array(Type.Object({ right: Type.String(), maxRisk: RiskLevel }))),
      fourEyes: Type.Optional(Type.Boolean()),
      screeningClear: Type.Optional(Type.Boolean()),
    }),
  ),
  uboThreshold: Type.Number(),
  subjectSharing: SubjectSharing,
  documentTypes: Type.Array(
    Type.Object({
      code: Type.String(),
      label: Type.String(),
      appliesTo: Type.Array(EntityType),
      required: Type.Boolean(),
      expires: Type.Boolean(),
    }),
  ),
  /** The accepted file extensions in force (the programme's own list, or the default one). */
  documentExtensions: Type.Array(Type.String()),
  documentExtensionsCustom: Type.Boolean(),
  documentExpiryNoticeDays: Type.Integer(),
  screeningProfile: Type.Object({
    threshold: Type.Number(),
    lists: Type.Union([Type.Array(Type.String()), Type.Null()]),
    subjectKinds: Type.Array(EntityType),
    rescreenDays: Type.Union([Type.Integer(), Type.Null()]),
  }),
  /** On GET /programmes/:id: what the caller may do with it (checked again on every request). */
  abilities: Type.Optional(Type.Object({ edit: Type.Boolean(), manageMembers: Type.Boolean() })),
  version: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type ProgrammeView = Static<typeof ProgrammeView>;
