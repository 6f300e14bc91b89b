/**
 * The completeness requirements model: what a programme requires of an application and of its
 * subjects, and which statuses may not be entered while something is missing. One TypeBox schema per
 * requirement kind, checked one requirement at a time; conditions are walked by conditions.ts, so a
 * hostile nesting never reaches a recursive validator. Every object is closed.
 *
 * Percentages are integers in parts per million of the whole (ppm): 100 % = 1,000,000 ppm, 25 % =
 * 250,000 ppm. That is exactly the four decimals of a percentage the database stores (numeric(7,4)),
 * so nothing drifts. Day counts are whole UTC calendar days.
 */
import { Type } from 'typebox';
import { SubjectRole } from '../../applications/application.schema.ts';
import type { RiskBand } from '../../risk/engine/bands.ts';
import { ENTITY_FIELDS, PERSON_FIELDS } from '../../subjects/subject.presenter.ts';

const closed = { additionalProperties: false } as const;

/** Hard limits: they bound the work done for one definition, whatever it says. */
export const LIMITS = {
  maxRequirements: 500,
  maxGates: 50,
  maxLabel: 300,
  maxDocumentTypes: 20,
  maxDays: 3650,
  maxConditionDepth: 5,
  maxConditionNodes: 50,
  maxConditionValues: 100,
  maxFactValue: 200,
  maxDefinitionBytes: 512 * 1024,
  maxErrors: 100,
} as const;

/** 100 % in ppm. */
export const WHOLE_PPM = 1_000_000;

/** Requirement ids: stable slugs, referenced by missing items, overrides and diffs. */
export const REQUIREMENT_ID = /^[a-z][a-z0-9_.-]{0,62}$/;
/** Fact keys after their `application.` or `subject.` prefix. */
export const FACT_KEY = /^[a-z][a-z0-9_]{0,62}$/;
/** The programme's document type codes (document-policy.ts). */
export const DOCUMENT_TYPE_CODE = /^[a-z][a-z0-9_]{0,63}$/;
/** Form keys (forms/definition/limits.ts). */
export const FORM_KEY = /^[a-z][a-z0-9_-]{0,62}$/;
/** Status keys (programmes/status-machine.ts). */
export const STATUS_KEY = /^[a-z][a-z0-9_]{0,39}$/;

/** The entity types of subjects, as the subjects module names them. */
export const ENTITY_TYPES = ['person', 'entity'] as const;
export type EntityType = (typeof ENTITY_TYPES)[number];

/**
 * Roles a subject holds: on the application (`applicant` is the main subject) or, derived by the
 * caller, in the ownership graph around the main subject (subjects/relationship.schema.ts kinds:
 * director, shareholder, ubo...). One vocabulary, the application's, in display order; the graph's
 * kinds are a subset of it.
 */
export { SUBJECT_ROLES, type SubjectRole } from '../../applications/application.schema.ts';

export const REQUIREMENT_KINDS = ['field', 'document', 'questionnaire', 'screening', 'ownership'] as const;
export type RequirementKind = (typeof REQUIREMENT_KINDS)[number];

/** Why an item is missing, in the order items of one requirement and target are listed. */
export const MISSING_REASONS = [
  'missing',
  'invalid',
  'unverified',
  'expired',
  'too_old',
  'draft_only',
  'not_screened',
  'unresolved_alerts',
  'ownership_incomplete',
] as const;
export type MissingReason = (typeof MISSING_REASONS)[number];

/** The checks an ownership requirement can make. */
export const OWNERSHIP_CHECKS = ['shares_add_up', 'ubos_identified'] as const;
export type OwnershipCheck = (typeof OWNERSHIP_CHECKS)[number];

/**
 * Subject fields a `field` requirement can name, per entity type: the kind's own profile fields (as
 * the subjects module lists them), the shared ones, and a few derived presences.
 */
export const SUBJECT_FIELDS: Readonly<Record<EntityType, readonly string[]>> = {
  person: [
    ...PERSON_FIELDS,
    'addresses',
    'addresses.residential',
    'addresses.postal',
    'contact.emails',
    'contact.phones',
    'identityDocuments',
  ],
  entity: [
    ...ENTITY_FIELDS,
    'addresses',
    'addresses.registered',
    'addresses.business',
    'addresses.postal',
    'contact.emails',
    'contact.phones',
    'identityDocuments',
  ],
};

/** A scalar a fact condition compares with; `null` is "known to have no value". */
export type FactValue = string | number | boolean | null;

/**
 * When a requirement applies. Evaluated three-valued: a band not scored yet or a fact the snapshot
 * does not carry is unknown, and a requirement whose condition is unknown applies (the conservative
 * answer: ask for more rather than less), flagged `conditionUnknown` on its results.
 */
export type Condition =
  | { bandAtLeast: RiskBand }
  | { entityType: EntityType }
  | { fact: string; equals: FactValue }
  | { fact: string; in: FactValue[] }
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition };

const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });
const Days = Type.Integer({ minimum: 0, maximum: LIMITS.maxDays });

export const Scope = Type.Object(
  {
    /** `application`: the application itself; `subjects`: each of its subjects that match. */
    target: Type.Union([Type.Literal('application'), Type.Literal('subjects')]),
    /** Subjects only: the entity types it applies to (absent: both). */
    entityTypes: Type.Optional(
      Type.Array(Type.Union(ENTITY_TYPES.map((t) => Type.Literal(t))), { minItems: 1, uniqueItems: true }),
    ),
    /** Subjects only: a subject matches if it holds any of these roles (absent: any subject). */
    roles: Type.Optional(Type.Array(SubjectRole, { minItems: 1, uniqueItems: true })),
  },
  closed,
);
export type Scope = {
  target: 'application' | 'subjects';
  entityTypes?: EntityType[];
  roles?: SubjectRole[];
};

const common = {
  id: Type.String({ minLength: 1, maxLength: 63 }),
  label: Text(LIMITS.maxLabel),
  scope: Scope,
  /** Checked by the condition walker; accepted as anything by the shape check. */
  when: Type.Optional(Type.Unsafe<Condition>({})),
};

export const FieldRequirement = Type.Object(
  { ...common, kind: Type.Literal('field'), field: Type.String({ minLength: 1, maxLength: 63 }) },
  closed,
);

export const DocumentRequirement = Type.Object(
  {
    ...common,
    kind: Type.Literal('document'),
    /** Any one of these document types satisfies the requirement (e.g. passport or national ID). */
    documentTypes: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
      minItems: 1,
      maxItems: LIMITS.maxDocumentTypes,
      uniqueItems: true,
    }),
    /** The document must have been issued at most this many days before `now` (e.g. proof of address: 90). */
    maxAgeDays: Type.Optional(Days),
    /** Only documents staff marked valid count (unchecked ones do not). */
    verifiedOnly: Type.Optional(Type.Boolean()),
  },
  closed,
);

export const QuestionnaireRequirement = Type.Object(
  { ...common, kind: Type.Literal('questionnaire'), formKey: Type.String({ minLength: 1, maxLength: 63 }) },
  closed,
);

export const ScreeningRequirement = Type.Object(
  {
    ...common,
    kind: Type.Literal('screening'),
    /** The last screening must be at most this many days before `now` (absent: any screening counts). */
    withinDays: Type.Optional(Days),
  },
  closed,
);

export const OwnershipRequirement = Type.Object(
  {
    ...common,
    kind: Type.Literal('ownership'),
    checks: Type.Array(Type.Union(OWNERSHIP_CHECKS.map((c) => Type.Literal(c))), {
      minItems: 1,
      uniqueItems: true,
    }),
    /** UBO threshold in ppm (250,000 = 25 %); absent: the programme's threshold from the snapshot. */
    uboThresholdPpm: Type.Optional(Type.Integer({ minimum: 1, maximum: WHOLE_PPM })),
  },
  closed,
);

type Common = { id: string; label: string; scope: Scope; when?: Condition };
export type FieldRequirement = Common & { kind: 'field'; field: string };
export type DocumentRequirement = Common & {
  kind: 'document';
  documentTypes: string[];
  maxAgeDays?: number;
  verifiedOnly?: boolean;
};
export type QuestionnaireRequirement = Common & { kind: 'questionnaire'; formKey: string };
export type ScreeningRequirement = Common & { kind: 'screening'; withinDays?: number };
export type OwnershipRequirement = Common & {
  kind: 'ownership';
  checks: OwnershipCheck[];
  uboThresholdPpm?: number;
};
export type Requirement =
  | FieldRequirement
  | DocumentRequirement
  | QuestionnaireRequirement
  | ScreeningRequirement
  | OwnershipRequirement;

/** Shape schema of each kind, for the walker. */
export const REQUIREMENT_SCHEMAS = {
  field: FieldRequirement,
  document: DocumentRequirement,
  questionnaire: QuestionnaireRequirement,
  screening: ScreeningRequirement,
  ownership: OwnershipRequirement,
} as const;

const Kinds = Type.Array(Type.Union(REQUIREMENT_KINDS.map((k) => Type.Literal(k))), { uniqueItems: true });

/**
 * A status that may not be entered while requirements of the `block` kinds are missing; missing
 * items of the `warn` kinds are shown but do not stop the move. Kinds in neither list are ignored.
 */
export const StatusGate = Type.Object(
  { status: Type.String({ minLength: 1, maxLength: 40 }), block: Kinds, warn: Type.Optional(Kinds) },
  closed,
);
export type StatusGate = { status: string; block: RequirementKind[]; warn?: RequirementKind[] };

/** The definition's own properties; requirements are checked one by one. */
export const RequirementsShape = Type.Object(
  {
    requirements: Type.Array(Type.Unknown(), { maxItems: LIMITS.maxRequirements }),
    gates: Type.Array(StatusGate, { maxItems: LIMITS.maxGates }),
  },
  closed,
);

/** A programme's requirements. Versioning is the caller's business (a published version is immutable). */
export type Requirements = { requirements: Requirement[]; gates: StatusGate[] };
