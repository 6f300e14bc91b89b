/**
 * Subjects (natural persons and legal entities): input schemas and views. Every input object,
 * nested ones included, refuses unknown fields. Identity-document numbers appear in inputs and, masked
 * unless revealed, in the single-subject view; they are never part of the stored profile. The sensitive
 * fields of every view (sensitive-fields.ts) are masked unless revealed.
 */
import { Type, type Static } from 'typebox';
import { PageQuery } from '../../platform/pagination.ts';
import { SENSITIVE_FIELD_NAMES, type SensitiveField } from './sensitive-fields.ts';

const closed = { additionalProperties: false } as const;
const Text = (max = 200) => Type.String({ minLength: 1, maxLength: max });
const IsoDate = Type.String({ format: 'date' });
/** Shape only; membership in the ISO list is checked by the use case (a 250-value enum makes unreadable errors). */
const Country = Type.String({ pattern: '^[A-Z]{2}$' });
const Jurisdiction = Type.String({ pattern: '^[A-Z]{2}(-[A-Z0-9]{1,3})?$' });
const Lei = Type.String({ pattern: '^[A-Z0-9]{18}[0-9]{2}$' });
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

export const SubjectKind = Type.Union([Type.Literal('person'), Type.Literal('entity')]);
export type SubjectKind = Static<typeof SubjectKind>;

export const AddressType = Type.Union([
  Type.Literal('residential'),
  Type.Literal('postal'),
  Type.Literal('registered'),
  Type.Literal('business'),
]);

export const Address = Type.Object(
  {
    type: AddressType,
    lines: Type.Array(Text(200), { minItems: 1, maxItems: 5 }),
    city: Text(100),
    postcode: Type.Optional(Text(20)),
    region: Type.Optional(Text(100)),
    country: Country,
  },
  closed,
);
export type Address = Static<typeof Address>;

export const Contact = Type.Object(
  {
    emails: Type.Optional(
      Type.Array(Type.String({ format: 'email', maxLength: 254 }), { maxItems: 10, uniqueItems: true }),
    ),
    /** E.164: a plus sign and up to 15 digits. */
    phones: Type.Optional(
      Type.Array(Type.String({ pattern: '^\\+[1-9][0-9]{1,14}$' }), { maxItems: 10, uniqueItems: true }),
    ),
  },
  closed,
);
export type Contact = Static<typeof Contact>;

export const PersonDocumentType = Type.Union([
  Type.Literal('passport'),
  Type.Literal('national_id'),
  Type.Literal('driving_licence'),
  Type.Literal('residence_permit'),
  Type.Literal('tax_id'),
  Type.Literal('other'),
]);
/** Entities hold tax and other registry numbers, not personal documents. */
export const EntityDocumentType = Type.Union([Type.Literal('tax_id'), Type.Literal('other')]);
export type IdentityDocumentType = Static<typeof PersonDocumentType>;

const documentFields = {
  number: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9 ./_-]*$' }),
  country: Country,
  issuedOn: Type.Optional(IsoDate),
  expiresOn: Type.Optional(IsoDate),
};
export const PersonDocument = Type.Object({ type: PersonDocumentType, ...documentFields }, closed);
export const EntityDocument = Type.Object({ type: EntityDocumentType, ...documentFields }, closed);
export interface IdentityDocumentInput {
  type: IdentityDocumentType;
  number: string;
  country: string;
  issuedOn?: string | undefined;
  expiresOn?: string | undefined;
}

export const Gender = Type.Union([
  Type.Literal('female'),
  Type.Literal('male'),
  Type.Literal('other'),
  Type.Literal('unspecified'),
]);

const personProfileFields = {
  givenNames: Text(),
  middleNames: Type.Optional(Text()),
  familyName: Text(),
  /** The name as written on the main document, when the parts do not rebuild it. */
  fullName: Type.Optional(Text(300)),
  otherNames: Type.Optional(Type.Array(Text(300), { maxItems: 20 })),
  dateOfBirth: IsoDate,
  placeOfBirth: Type.Optional(Text()),
  gender: Type.Optional(Gender),
  nationalities: Type.Optional(Type.Array(Country, { maxItems: 10, uniqueItems: true })),
  addresses: Type.Optional(Type.Array(Address, { maxItems: 20 })),
  contact: Type.Optional(Contact),
};

const entityProfileFields = {
  registeredName: Text(300),
  tradingNames: Type.Optional(Type.Array(Text(300), { maxItems: 20 })),
  registrationNumber: Text(64),
  jurisdiction: Jurisdiction,
  incorporationDate: IsoDate,
  legalForm: Type.Optional(Text(100)),
  lei: Type.Optional(Lei),
  addresses: Type.Optional(Type.Array(Address, { maxItems: 20 })),
  contact: Type.Optional(Contact),
};

/** Set to create the subject although probable duplicates exist (the ids are kept in the audit trail). */
const ignoreDuplicates = Type.Optional(Type.Boolean());
/**
 * The programme the subject is created in. Required for an actor limited to some programmes, and
 * then one of them; optional for an actor of every programme (a subject in no programme is visible
 * to such actors only, and to members of the programmes of applications it is attached to).
 */
const programmeId = Type.Optional(Type.String({ format: 'uuid' }));

export const CreatePersonBody = Type.Object(
  {
    kind: Type.Literal('person'),
    ...personProfileFields,
    identityDocuments: Type.Optional(Type.Array(PersonDocument, { maxItems: 20 })),
    ignoreDuplicates,
    programmeId,
  },
  closed,
);
export type CreatePersonBody = Static<typeof CreatePersonBody>;

export const CreateEntityBody = Type.Object(
  {
    kind: Type.Literal('entity'),
    ...entityProfileFields,
    identityDocuments: Type.Optional(Type.Array(EntityDocument, { maxItems: 20 })),
    ignoreDuplicates,
    programmeId,
  },
  closed,
);
export type CreateEntityBody = Static<typeof CreateEntityBody>;

/**
 * `kind` selects the schema (if/then/else rather than anyOf), so a bad person body is reported
 * against the person schema only, not also against the entity one.
 */
export const CreateSubjectBody = Type.Unsafe<CreatePersonBody | CreateEntityBody>({
  type: 'object',
  required: ['kind'],
  properties: { kind: SubjectKind },
  if: { properties: { kind: { const: 'person' } } },
  then: CreatePersonBody,
  // Nested, so an unknown kind is reported as such rather than as an invalid entity.
  else: { if: { properties: { kind: { const: 'entity' } } }, then: CreateEntityBody },
});
export type CreateSubjectBody = CreatePersonBody | CreateEntityBody;

/**
 * A partial update. Optional scalar fields take null to clear them; arrays (addresses, nationalities,
 * identity documents...) replace the stored list as a whole. Fields of the other kind are refused.
 */
export const UpdateSubjectBody = Type.Object(
  {
    /** The version the client read; a mismatch is a 409 version_conflict. */
    version: Type.Integer({ minimum: 1 }),
    givenNames: Type.Optional(personProfileFields.givenNames),
    middleNames: Type.Optional(Nullable(Text())),
    familyName: Type.Optional(personProfileFields.familyName),
    fullName: Type.Optional(Nullable(Text(300))),
    otherNames: personProfileFields.otherNames,
    dateOfBirth: Type.Optional(IsoDate),
    placeOfBirth: Type.Optional(Nullable(Text())),
    gender: Type.Optional(Type.Union([Gender, Type.Null()])),
    nationalities: personProfileFields.nationalities,
    registeredName: Type.Optional(entityProfileFields.registeredName),
    tradingNames: entityProfileFields.tradingNames,
    registrationNumber: Type.Optional(entityProfileFields.registrationNumber),
    jurisdiction: Type.Optional(Jurisdiction),
    incorporationDate: Type.Optional(IsoDate),
    legalForm: Type.Optional(Nullable(Text(100))),
    lei: Type.Optional(Nullable(Lei)),
    addresses: Type.Optional(Type.Array(Address, { maxItems: 20 })),
    contact: Type.Optional(Contact),
    identityDocuments: Type.Optional(Type.Array(PersonDocument, { maxItems: 20 })),
  },
  closed,
);
export type UpdateSubjectBody = Static<typeof UpdateSubjectBody>;

/** `?reveal=true`: the sensitive fields in clear. */
const Reveal = Type.Optional(
  Type.Boolean({
    description:
      'Return the sensitive fields (identity-document numbers, registration numbers, dates of birth) in clear. ' +
      'Needs the right "subject:reveal-identifiers" (403 without it); every clear view is audited.',
  }),
);

export const SubjectListQuery = Type.Object(
  {
    kind: Type.Optional(SubjectKind),
    /** Name search: every word must occur in the normalised name. */
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    /** The page in clear; audited once per page with the subject ids. */
    reveal: Reveal,
    ...PageQuery,
  },
  closed,
);
export type SubjectListQuery = Static<typeof SubjectListQuery>;

export const SubjectGetQuery = Type.Object({ reveal: Reveal }, closed);
export type SubjectGetQuery = Static<typeof SubjectGetQuery>;

// Views.

const NullableString = Type.Union([Type.String(), Type.Null()]);

/** The sensitive fields as views carry them: in clear, or masked as described. */
const MaskedNumber = (description: string) =>
  Type.String({
    description: `${description}. Masked unless revealed: \`••••\` and the last 4 (or 2, or no) characters of the normalised number, e.g. \`••••1234\`.`,
  });
const DateOfBirthView = Type.String({
  pattern: '^[0-9]{4}-([0-9]{2}-[0-9]{2}|\\*\\*-\\*\\*)$',
  description:
    'Date of birth, YYYY-MM-DD. Masked unless revealed: the year only, `YYYY-**-**` (e.g. `1985-**-**`).',
});
/**
 * The names of the sensitive fields masked in this response (`dateOfBirth`, `registrationNumber`,
 * `identityDocuments.number`); empty when revealed or when the subject has none.
 */
const MaskedFields = Type.Array(
  Type.Unsafe<SensitiveField>({ type: 'string', enum: [...SENSITIVE_FIELD_NAMES] }),
  {
    description:
      'Names of the sensitive fields masked in this response; the clear view is `?reveal=true` on ' +
      'GET /subjects/:id or GET /subjects, for an actor holding "subject:reveal-identifiers".',
  },
);

export const AddressView = Type.Object({
  type: Type.String(),
  lines: Type.Array(Type.String()),
  city: Type.String(),
  postcode: Type.Optional(Type.String()),
  region: Type.Optional(Type.String()),
  country: Type.String(),
});

export const ContactView = Type.Object({
  emails: Type.Array(Type.String()),
  phones: Type.Array(Type.String()),
});

export const IdentityDocumentView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  type: Type.String(),
  country: NullableString,
  /** Masked (`••••1234`) unless the caller asked for the clear view. */
  number: MaskedNumber('The document number'),
  /** True when `number` is masked. */
  masked: Type.Boolean(),
  issuedOn: NullableString,
  expiresOn: NullableString,
});
export type IdentityDocumentView = Static<typeof IdentityDocumentView>;

/** One flat view for both kinds; the fields of the other kind are absent. */
export const SubjectView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  kind: SubjectKind,
  displayName: Type.String(),
  version: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  givenNames: Type.Optional(Type.String()),
  middleNames: Type.Optional(Type.String()),
  familyName: Type.Optional(Type.String()),
  fullName: Type.Optional(Type.String()),
  otherNames: Type.Optional(Type.Array(Type.String())),
  dateOfBirth: Type.Optional(DateOfBirthView),
  placeOfBirth: Type.Optional(Type.String()),
  gender: Type.Optional(Type.String()),
  nationalities: Type.Optional(Type.Array(Type.String())),
  registeredName: Type.Optional(Type.String()),
  tradingNames: Type.Optional(Type.Array(Type.String())),
  registrationNumber: Type.Optional(MaskedNumber('The company-register number, as written')),
  jurisdiction: Type.Optional(Type.String()),
  incorporationDate: Type.Optional(Type.String()),
  legalForm: Type.Optional(Type.String()),
  lei: Type.Optional(Type.String()),
  /** Absent, like every field but the basics, when withheld (see `withheld`). */
  addresses: Type.Optional(Type.Array(AddressView)),
  contact: Type.Optional(ContactView),
  identityDocuments: Type.Optional(Type.Array(IdentityDocumentView)),
  masked: MaskedFields,
  /**
   * The fields left out because the subject's programme shares only the basics with this actor (who
   * sees it through another programme's application); empty otherwise. A clear view does not bring
   * them back.
   */
  withheld: Type.Array(Type.String()),
  /**
   * What this actor may do with the subject: `reveal`, ask for the clear view of the sensitive
   * fields; `edit`, change it (false when only the basics are shared with this actor).
   */
  abilities: Type.Object({ reveal: Type.Boolean(), edit: Type.Boolean() }),
});
export type SubjectView = Static<typeof SubjectView>;

/** List rows: no identifiers (nothing to decrypt for a list); sensitive fields masked as in the full view. */
export const SubjectSummaryView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  kind: SubjectKind,
  displayName: Type.String(),
  dateOfBirth: Type.Union([DateOfBirthView, Type.Null()]),
  jurisdiction: NullableString,
  registrationNumber: Type.Union([MaskedNumber('The company-register number, as written'), Type.Null()]),
  lei: NullableString,
  version: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  masked: MaskedFields,
  /** As in the full view: the fields withheld (null here) because only the basics are shared. */
  withheld: Type.Array(Type.String()),
});
export type SubjectSummaryView = Static<typeof SubjectSummaryView>;

export const DuplicateReason = Type.Union([
  Type.Literal('identity_document'),
  Type.Literal('lei'),
  Type.Literal('registration_number'),
  Type.Literal('name_and_date_of_birth'),
  Type.Literal('name_and_jurisdiction'),
]);
export type DuplicateReason = Static<typeof DuplicateReason>;

export const DuplicateView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  kind: SubjectKind,
  displayName: Type.String(),
  reasons: Type.Array(DuplicateReason),
});
export type DuplicateView = Static<typeof DuplicateView>;

/** The 409 problem document of a create that found probable duplicates. */
export const ProbableDuplicateProblem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
    code: Type.String(),
    requestId: Type.String(),
    duplicates: Type.Optional(Type.Array(DuplicateView)),
  },
  { additionalProperties: true },
);

/** Stored in `subjects.profile`: everything but identifier numbers. */
export type PersonProfile = Omit<
  CreatePersonBody,
  'kind' | 'identityDocuments' | 'ignoreDuplicates' | 'programmeId'
>;
export type EntityProfile = Omit<
  CreateEntityBody,
  'kind' | 'identityDocuments' | 'ignoreDuplicates' | 'programmeId'
>;
