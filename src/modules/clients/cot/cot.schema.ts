/**
 * The Customer Outreach Tool (COT) on the portal: inputs and views of an application's related
 * parties and of the notes shared with the client. Every input object refuses unknown fields; every
 * view is an explicit allow-list (no risk, screening, alerts, staff notes or staff identities, and
 * the sensitive subject fields masked).
 */
import { Type, type Static } from 'typebox';
import { SubjectRole } from '../../applications/index.ts';
import {
  CreateEntityBody,
  CreatePersonBody,
  SubjectKind,
  UpdateSubjectBody,
  type CreateEntityBody as EntityBody,
  type CreatePersonBody as PersonBody,
} from '../../subjects/index.ts';

const closed = { additionalProperties: false } as const;
const Uuid = Type.String({ format: 'uuid' });

/**
 * The roles a client may give a party: the application subject roles that describe a related party
 * (not the applicant, not the catch-all 'related'), each also a relationship kind of the subjects
 * module, so the role is mirrored in the ownership graph.
 */
export const CLIENT_PARTY_ROLES = [
  'director',
  'shareholder',
  'ubo',
  'signatory',
  'trustee',
  'beneficiary',
] as const;
export type ClientPartyRole = (typeof CLIENT_PARTY_ROLES)[number];
export const ClientPartyRole = Type.Union([
  Type.Literal('director'),
  Type.Literal('shareholder'),
  Type.Literal('ubo'),
  Type.Literal('signatory'),
  Type.Literal('trustee'),
  Type.Literal('beneficiary'),
]);

const Roles = Type.Array(ClientPartyRole, {
  minItems: 1,
  maxItems: CLIENT_PARTY_ROLES.length,
  uniqueItems: true,
});

/**
 * Shares a party holds in a legal entity of the application: the main subject unless
 * `ownedSubjectId` names another party (multi-level ownership).
 */
export const HoldingInput = Type.Object(
  {
    ownedSubjectId: Type.Optional(Uuid),
    /** 0 < p <= 100, at most 4 decimals. */
    sharePct: Type.Number({ exclusiveMinimum: 0, maximum: 100 }),
    /** Voting rights when they differ from the share: 0 <= p <= 100. */
    votingPct: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
  },
  closed,
);
export type HoldingInput = Static<typeof HoldingInput>;

const StaffOnly = ['ignoreDuplicates', 'programmeId'] as const;
export const PartyPersonInput = Type.Omit(CreatePersonBody, [...StaffOnly], closed);
export const PartyEntityInput = Type.Omit(CreateEntityBody, [...StaffOnly], closed);
export type PartySubjectInput =
  Omit<PersonBody, (typeof StaffOnly)[number]> | Omit<EntityBody, (typeof StaffOnly)[number]>;

/** A person (names, date of birth, nationalities, addresses...) or a legal entity; `kind` selects which. */
export const PartySubjectInput = Type.Unsafe<PartySubjectInput>({
  type: 'object',
  required: ['kind'],
  properties: { kind: SubjectKind },
  if: { properties: { kind: { const: 'person' } } },
  then: PartyPersonInput,
  else: { if: { properties: { kind: { const: 'entity' } } }, then: PartyEntityInput },
});

export const AddClientPartyBody = Type.Object(
  {
    subject: PartySubjectInput,
    /** 'ubo' only for a person; 'shareholder' needs `holding`. */
    roles: Roles,
    /** Required for a shareholder, optional for a UBO (the shares through which they own). */
    holding: Type.Optional(HoldingInput),
  },
  closed,
);
export type AddClientPartyBody = Static<typeof AddClientPartyBody>;

/** The subject fields a client may change: those of the staff PATCH body, without its version. */
export const PartySubjectPatch = Type.Omit(UpdateSubjectBody, ['version'], closed);

export const UpdateClientPartyBody = Type.Object(
  {
    /** The party's `version` as read; a mismatch is a 409 version_conflict. */
    version: Type.Integer({ minimum: 1 }),
    subject: Type.Optional(PartySubjectPatch),
    /** Replaces the party's roles on the application. */
    roles: Type.Optional(Roles),
    /** Replaces the party's holding; null removes it. Absent: unchanged. */
    holding: Type.Optional(Type.Union([HoldingInput, Type.Null()])),
  },
  closed,
);
export type UpdateClientPartyBody = Static<typeof UpdateClientPartyBody>;

export const PartyParams = Type.Object({ id: Uuid, subjectId: Uuid }, closed);
export type PartyParams = Static<typeof PartyParams>;

// Views.

const MaskedDate = Type.String({ description: 'Year only: `YYYY-**-**`.' });
const MaskedNumber = Type.String({ description: 'Masked: `••••` and the last characters.' });

export const HoldingView = Type.Object({
  ownedSubjectId: Uuid,
  sharePct: Type.Number(),
  votingPct: Type.Union([Type.Number(), Type.Null()]),
});
export type HoldingView = Static<typeof HoldingView>;

export const PartyDocumentView = Type.Object({
  type: Type.String(),
  country: Type.Union([Type.String(), Type.Null()]),
  number: MaskedNumber,
  issuedOn: Type.Union([Type.String(), Type.Null()]),
  expiresOn: Type.Union([Type.String(), Type.Null()]),
});

const PartyAddressView = Type.Object({
  type: Type.String(),
  lines: Type.Array(Type.String()),
  city: Type.String(),
  postcode: Type.Optional(Type.String()),
  region: Type.Optional(Type.String()),
  country: Type.String(),
});

/**
 * One party of an application as its client organisation sees it. The basics for every party; the
 * details (addresses, contact, identity documents, place of birth...) only for parties the
 * organisation added itself. Dates of birth, registration and document numbers are masked.
 */
export const ClientPartyView = Type.Object({
  /** The subject's id. */
  id: Uuid,
  kind: SubjectKind,
  displayName: Type.String(),
  /** Its roles on the application ('applicant' for the main subject). */
  roles: Type.Array(SubjectRole),
  /** The application's main subject (the applicant). */
  main: Type.Boolean(),
  /** 'organisation': a user of the client organisation added it on the portal; 'staff': the firm did. */
  addedBy: Type.Union([Type.Literal('organisation'), Type.Literal('staff')]),
  addedAt: Type.String({ format: 'date-time' }),
  /** Whether this user may change or remove it now (organisation's own party, open application, role). */
  editable: Type.Boolean(),
  /** Send it back on PUT (optimistic locking). */
  version: Type.Integer(),
  givenNames: Type.Optional(Type.String()),
  middleNames: Type.Optional(Type.String()),
  familyName: Type.Optional(Type.String()),
  dateOfBirth: Type.Optional(MaskedDate),
  nationalities: Type.Optional(Type.Array(Type.String())),
  /** The country of the residential address (else of the first address), if any. */
  countryOfResidence: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  registeredName: Type.Optional(Type.String()),
  tradingNames: Type.Optional(Type.Array(Type.String())),
  registrationNumber: Type.Optional(MaskedNumber),
  jurisdiction: Type.Optional(Type.String()),
  incorporationDate: Type.Optional(Type.String()),
  legalForm: Type.Optional(Type.String()),
  lei: Type.Optional(Type.String()),
  fullName: Type.Optional(Type.String()),
  otherNames: Type.Optional(Type.Array(Type.String())),
  placeOfBirth: Type.Optional(Type.String()),
  gender: Type.Optional(Type.String()),
  addresses: Type.Optional(Type.Array(PartyAddressView)),
  contact: Type.Optional(
    Type.Object({ emails: Type.Array(Type.String()), phones: Type.Array(Type.String()) }),
  ),
  identityDocuments: Type.Optional(Type.Array(PartyDocumentView)),
  /** Shares this party holds in other subjects of the application. */
  holdings: Type.Array(HoldingView),
  /** The sensitive fields masked in this view. */
  masked: Type.Array(Type.String()),
});
export type ClientPartyView = Static<typeof ClientPartyView>;

export const ClientPartyList = Type.Object({
  items: Type.Array(ClientPartyView),
  /** Whether the application accepts changes of its parties from the portal now, and if not why. */
  changes: Type.Object({
    allowed: Type.Boolean(),
    reason: Type.Union([Type.String(), Type.Null()]),
  }),
});
export type ClientPartyList = Static<typeof ClientPartyList>;

// Notes and messages.

/** Longest client message, in characters. */
export const CLIENT_MESSAGE_MAX = 4000;

export const ClientMessageBody = Type.Object(
  { body: Type.String({ minLength: 1, maxLength: CLIENT_MESSAGE_MAX, pattern: '\\S' }) },
  closed,
);
export type ClientMessageBody = Static<typeof ClientMessageBody>;

/** A note staff shared, or a message from the client organisation. Staff are never named. */
export const ClientNoteView = Type.Object({
  id: Uuid,
  body: Type.String(),
  from: Type.Union([Type.Literal('case_officer'), Type.Literal('client')]),
  /** 'Case officer' for staff; the client user's display name for a client message. */
  author: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
});
export type ClientNoteView = Static<typeof ClientNoteView>;

export const ClientNoteList = Type.Object({
  /** Oldest first: the latest CLIENT_NOTES_MAX entries. */
  items: Type.Array(ClientNoteView),
  /** True when older entries exist beyond those returned. */
  truncated: Type.Boolean(),
});
export type ClientNoteList = Static<typeof ClientNoteList>;
