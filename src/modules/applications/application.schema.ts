import { Type, type Static } from 'typebox';
import { PageQuery } from '../../platform/pagination.ts';
import { RiskLevel } from '../programmes/index.ts';

/** The roles a subject can hold on an application, in display order. */
export const SUBJECT_ROLES = [
  'applicant',
  'director',
  'shareholder',
  'ubo',
  'signatory',
  'trustee',
  'beneficiary',
  'related',
] as const;
export type SubjectRole = (typeof SUBJECT_ROLES)[number];
// Spelled out as a tuple (not mapped from SUBJECT_ROLES) so that Static<> infers the literal union.
export const SubjectRole = Type.Union([
  Type.Literal('applicant'),
  Type.Literal('director'),
  Type.Literal('shareholder'),
  Type.Literal('ubo'),
  Type.Literal('signatory'),
  Type.Literal('trustee'),
  Type.Literal('beneficiary'),
  Type.Literal('related'),
]);
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _rolesAgree: Same<Static<typeof SubjectRole>, SubjectRole> = true;

const Uuid = Type.String({ format: 'uuid' });
const StatusKey = Type.String({ minLength: 1, maxLength: 40 });

export const SubjectRoleInput = Type.Object(
  { subjectId: Uuid, role: SubjectRole },
  { additionalProperties: false },
);
export type SubjectRoleInput = Static<typeof SubjectRoleInput>;

export const CreateApplicationBody = Type.Object(
  {
    programmeId: Uuid,
    /** An active staff user. */
    assigneeId: Type.Optional(Uuid),
    /** Exactly one `applicant`; a subject may hold several roles, each once. */
    subjects: Type.Array(SubjectRoleInput, { minItems: 1, maxItems: 200 }),
  },
  { additionalProperties: false },
);
export type CreateApplicationBody = Static<typeof CreateApplicationBody>;

export const TransitionBody = Type.Object(
  {
    to: StatusKey,
    reason: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
    /** When given, the transition is refused unless the application is still at this version. */
    version: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);
export type TransitionBody = Static<typeof TransitionBody>;

/** Sets the risk level decisions are judged by (until the risk engine computes it). */
export const SetRiskBody = Type.Object(
  { riskLevel: RiskLevel, reason: Type.String({ minLength: 1, maxLength: 2000, pattern: '\\S' }) },
  { additionalProperties: false },
);
export type SetRiskBody = Static<typeof SetRiskBody>;

export const DecisionParams = Type.Object({ id: Uuid, decisionId: Uuid }, { additionalProperties: false });
export type DecisionParams = Static<typeof DecisionParams>;

/** Confirming or rejecting a pending decision, with an optional reason. */
export const DecideBody = Type.Object(
  { reason: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })) },
  { additionalProperties: false },
);
export type DecideBody = Static<typeof DecideBody>;

export const DecisionListQuery = Type.Object({ ...PageQuery }, { additionalProperties: false });
export type DecisionListQuery = Static<typeof DecisionListQuery>;

export const AddSubjectBody = SubjectRoleInput;
export type AddSubjectBody = SubjectRoleInput;

export const SubjectRoleParams = Type.Object(
  { id: Uuid, subjectId: Uuid, role: SubjectRole },
  { additionalProperties: false },
);
export type SubjectRoleParams = Static<typeof SubjectRoleParams>;

export const AssignBody = Type.Object(
  { assigneeId: Type.Union([Uuid, Type.Null()]) },
  { additionalProperties: false },
);
export type AssignBody = Static<typeof AssignBody>;

/** A note with at least one visible character. */
export const NoteBody = Type.Object(
  {
    body: Type.String({ minLength: 1, maxLength: 10000, pattern: '\\S' }),
    /** Show the note to the application's client organisation on the portal (default false). */
    shared: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type NoteBody = Static<typeof NoteBody>;

export const NoteParams = Type.Object({ id: Uuid, noteId: Uuid }, { additionalProperties: false });
export type NoteParams = Static<typeof NoteParams>;

/** Shares a note with the application's client organisation on the portal, or stops sharing it. */
export const NoteSharingBody = Type.Object({ shared: Type.Boolean() }, { additionalProperties: false });
export type NoteSharingBody = Static<typeof NoteSharingBody>;

export const ApplicationListQuery = Type.Object(
  {
    ...PageQuery,
    programmeId: Type.Optional(Uuid),
    status: Type.Optional(StatusKey),
    subjectId: Type.Optional(Uuid),
    assigneeId: Type.Optional(Uuid),
    /** Only applications given to this client organisation (for naming one in an invitation). */
    clientOrganisationId: Type.Optional(Uuid),
    /** `unknown`: not assessed yet (no risk level). */
    riskLevel: Type.Optional(
      Type.Union([
        Type.Literal('low'),
        Type.Literal('medium'),
        Type.Literal('high'),
        Type.Literal('unknown'),
      ]),
    ),
    /** true: only applications not in a terminal status of their programme; false: only those in one. */
    open: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type ApplicationListQuery = Static<typeof ApplicationListQuery>;

export const NoteListQuery = Type.Object({ ...PageQuery }, { additionalProperties: false });
export type NoteListQuery = Static<typeof NoteListQuery>;

const ProgrammeRef = Type.Object({ id: Uuid, name: Type.String() });
const NullableRisk = Type.Union([RiskLevel, Type.Null()]);
/**
 * The current display name behind an actor reference: a staff user's or client user's display
 * name, an API key's name, a system actor's label; null when it names nothing (any longer).
 */
const ActorName = Type.Union([Type.String(), Type.Null()]);

/** A transition prepared under four-eyes, and what became of it. Actors are actor references. */
export const DecisionView = Type.Object({
  id: Uuid,
  applicationId: Uuid,
  from: Type.String(),
  to: Type.String(),
  reason: Type.Union([Type.String(), Type.Null()]),
  status: Type.Union([
    Type.Literal('pending'),
    Type.Literal('confirmed'),
    Type.Literal('rejected'),
    Type.Literal('withdrawn'),
  ]),
  preparedBy: Type.String(),
  preparedByName: ActorName,
  preparedAt: Type.String({ format: 'date-time' }),
  decidedBy: Type.Union([Type.String(), Type.Null()]),
  decidedByName: ActorName,
  decidedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  decidedReason: Type.Union([Type.String(), Type.Null()]),
});
export type DecisionView = Static<typeof DecisionView>;
const AssigneeView = Type.Union([
  Type.Object({ id: Uuid, username: Type.String(), displayName: Type.String() }),
  Type.Null(),
]);

export const ApplicationSubjectView = Type.Object({
  id: Uuid,
  kind: Type.Union([Type.Literal('person'), Type.Literal('entity')]),
  displayName: Type.String(),
  role: SubjectRole,
  /** `client:<id>` when a client user added this role on the portal; null when staff did. */
  addedBy: Type.Union([Type.String(), Type.Null()]),
  /** The client user's display name when `addedBy` is set. */
  addedByName: ActorName,
});
export type ApplicationSubjectView = Static<typeof ApplicationSubjectView>;

/** An application in a list: no subjects, no transitions. */
export const ApplicationSummaryView = Type.Object({
  id: Uuid,
  reference: Type.String(),
  programme: ProgrammeRef,
  status: Type.String(),
  /** null: unknown, which counts as high for every transition rule. */
  riskLevel: NullableRisk,
  assignee: AssigneeView,
  version: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type ApplicationSummaryView = Static<typeof ApplicationSummaryView>;

/** What the actor may do with the application (the checks still run on every request). */
export const ApplicationAbilities = Type.Object({
  edit: Type.Boolean(),
  addNote: Type.Boolean(),
  assign: Type.Boolean(),
  setRisk: Type.Boolean(),
  /** Each move the programme allows from the current status, and whether this actor may make it. */
  transitions: Type.Array(
    Type.Object({
      to: Type.String(),
      allowed: Type.Boolean(),
      /** Making it prepares a decision that another person must confirm. */
      fourEyes: Type.Boolean(),
      refusal: Type.Optional(Type.String()),
    }),
  ),
  /** May confirm or reject the pending decision (qualifies, and did not prepare it). */
  decide: Type.Boolean(),
});
export type ApplicationAbilities = Static<typeof ApplicationAbilities>;

export const ApplicationView = Type.Object({
  id: Uuid,
  reference: Type.String(),
  programme: ProgrammeRef,
  status: Type.String(),
  /** The statuses the programme allows moving to from the current one. */
  allowedTransitions: Type.Array(Type.String()),
  /** null: unknown, which counts as high for every transition rule. */
  riskLevel: NullableRisk,
  /** The decision awaiting a second person's confirmation, if any. */
  pendingDecision: Type.Union([DecisionView, Type.Null()]),
  assignee: AssigneeView,
  subjects: Type.Array(ApplicationSubjectView),
  version: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  /** On GET /applications/:id: what the caller may do with it. */
  abilities: Type.Optional(ApplicationAbilities),
});
export type ApplicationView = Static<typeof ApplicationView>;

export const NoteView = Type.Object({
  id: Uuid,
  body: Type.String(),
  /** Actor reference: `staff:<id>`, `api_key:<id>`, or `client:<id>` for a client's message. */
  author: Type.String(),
  authorName: ActorName,
  /** 'client': a message a client user posted on the portal. */
  authorKind: Type.Union([Type.Literal('staff'), Type.Literal('client')]),
  /** Shown to the client organisation on the portal (always true for a client's message). */
  sharedWithClient: Type.Boolean(),
  /** When and by whom sharing was last set or cleared; null if never. */
  sharedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  sharedBy: Type.Union([Type.String(), Type.Null()]),
  sharedByName: ActorName,
  createdAt: Type.String({ format: 'date-time' }),
});
export type NoteView = Static<typeof NoteView>;
