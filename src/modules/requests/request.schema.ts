/**
 * Requests from compliance to a client: input schemas (every object refuses unknown fields) and the
 * views, the staff one (progress, who completed what, reminders) and the client one (what is asked,
 * about whom, and whether this user may answer).
 */
import { Type, type Static } from 'typebox';
import { PageQuery } from '../../platform/pagination.ts';
import { UpdateSubjectBody } from '../subjects/subject.schema.ts';
import { CLIENT_FIELDS, type ClientField } from './request.policy.ts';

const closed = { additionalProperties: false } as const;
const Uuid = Type.String({ format: 'uuid' });
const DateTime = Type.String({ format: 'date-time' });
const NullableString = Type.Union([Type.String(), Type.Null()]);
/** Free text with at least one visible character. */
const Text = (max: number) => Type.String({ minLength: 1, maxLength: max, pattern: '\\S' });

export const RequestStatus = Type.Union([
  Type.Literal('open'),
  Type.Literal('completed'),
  Type.Literal('cancelled'),
]);
export type RequestStatus = Static<typeof RequestStatus>;
export const ItemKind = Type.Union([
  Type.Literal('document'),
  Type.Literal('fields'),
  Type.Literal('questionnaire'),
]);
export type ItemKind = Static<typeof ItemKind>;

export const ClientFieldSchema = Type.Unsafe<ClientField>({ type: 'string', enum: [...CLIENT_FIELDS] });

export const DocumentItemInput = Type.Object(
  {
    kind: Type.Literal('document'),
    subjectId: Uuid,
    /** A document type code of the application's programme that applies to the subject's kind. */
    documentType: Type.String({ minLength: 1, maxLength: 64 }),
  },
  closed,
);
export const FieldsItemInput = Type.Object(
  {
    kind: Type.Literal('fields'),
    subjectId: Uuid,
    /** Fields the client may supply (request.policy.ts), valid for the subject's kind. */
    fields: Type.Array(ClientFieldSchema, { minItems: 1, maxItems: CLIENT_FIELDS.length, uniqueItems: true }),
  },
  closed,
);
export const QuestionnaireItemInput = Type.Object(
  {
    kind: Type.Literal('questionnaire'),
    formId: Uuid,
    /** The subject the questionnaire is about, if any (on the application). */
    subjectId: Type.Optional(Uuid),
  },
  closed,
);
export type RequestItemInput =
  Static<typeof DocumentItemInput> | Static<typeof FieldsItemInput> | Static<typeof QuestionnaireItemInput>;
/** `kind` selects the schema (if/then), so errors are reported against that kind only. */
export const RequestItemInput = Type.Unsafe<RequestItemInput>({
  type: 'object',
  required: ['kind'],
  properties: { kind: ItemKind },
  if: { properties: { kind: { const: 'document' } } },
  then: DocumentItemInput,
  else: {
    if: { properties: { kind: { const: 'fields' } } },
    then: FieldsItemInput,
    else: { if: { properties: { kind: { const: 'questionnaire' } } }, then: QuestionnaireItemInput },
  },
});

export const CreateRequestBody = Type.Object(
  {
    title: Text(200),
    message: Type.Optional(Type.String({ maxLength: 4000 })),
    /** When the client should have answered; in the future. */
    dueAt: DateTime,
    items: Type.Array(RequestItemInput, { minItems: 1, maxItems: 20 }),
  },
  closed,
);
export type CreateRequestBody = Static<typeof CreateRequestBody>;

export const CancelRequestBody = Type.Object({ reason: Type.Optional(Text(1000)) }, closed);
export type CancelRequestBody = Static<typeof CancelRequestBody>;

export const RequestListQuery = Type.Object(
  {
    ...PageQuery,
    applicationId: Type.Optional(Uuid),
    status: Type.Optional(RequestStatus),
    /** true: open and past the due date; false: the others. */
    overdue: Type.Optional(Type.Boolean()),
  },
  closed,
);
export type RequestListQuery = Static<typeof RequestListQuery>;

/**
 * The client's answer to a 'fields' item: exactly the item's fields, each validated by the same
 * schema as a staff update of the subject (lists replace the stored list as a whole).
 */
export const AnswerFieldsBody = Type.Object(
  {
    values: Type.Object(
      {
        addresses: UpdateSubjectBody.properties.addresses,
        contact: UpdateSubjectBody.properties.contact,
        nationalities: UpdateSubjectBody.properties.nationalities,
        tradingNames: UpdateSubjectBody.properties.tradingNames,
      },
      { additionalProperties: false, minProperties: 1 },
    ),
  },
  closed,
);
export type AnswerFieldsBody = Static<typeof AnswerFieldsBody>;

// Views.

const Progress = Type.Object({ complete: Type.Integer(), total: Type.Integer() });

export const RequestItemView = Type.Object({
  id: Uuid,
  kind: ItemKind,
  subjectId: Type.Union([Uuid, Type.Null()]),
  documentType: NullableString,
  fields: Type.Union([Type.Array(Type.String()), Type.Null()]),
  formId: Type.Union([Uuid, Type.Null()]),
  formAssignmentId: Type.Union([Uuid, Type.Null()]),
  complete: Type.Boolean(),
  completedAt: NullableString,
  /** Actor reference: the client user who answered, the uploader of the document. */
  completedBy: NullableString,
  /** The document that completed a 'document' item. */
  documentId: Type.Union([Uuid, Type.Null()]),
});
export type RequestItemView = Static<typeof RequestItemView>;

export const RequestView = Type.Object({
  id: Uuid,
  applicationId: Uuid,
  title: Type.String(),
  message: Type.String(),
  dueAt: DateTime,
  status: RequestStatus,
  /** Open and past the due date (computed at read time). */
  overdue: Type.Boolean(),
  /** When the periodic task flagged it overdue (and audited it, once). */
  overdueFlaggedAt: NullableString,
  progress: Progress,
  items: Type.Array(RequestItemView),
  reminders: Type.Array(Type.Object({ stage: Type.String(), sentAt: DateTime, recipients: Type.Integer() })),
  createdAt: DateTime,
  createdBy: Type.String(),
  completedAt: NullableString,
  cancelledAt: NullableString,
  cancelledBy: NullableString,
  cancelReason: NullableString,
  version: Type.Integer(),
});
export type RequestView = Static<typeof RequestView>;

export const ClientRequestItemView = Type.Object({
  id: Uuid,
  kind: ItemKind,
  /** Whom the item is about. */
  subject: Type.Union([Type.Object({ id: Uuid, displayName: Type.String() }), Type.Null()]),
  documentType: NullableString,
  fields: Type.Union([Type.Array(Type.String()), Type.Null()]),
  /**
   * For an open 'fields' item and a user who may answer: the values on file of the requested
   * fields, to start from. Absent otherwise.
   */
  current: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  formId: Type.Union([Uuid, Type.Null()]),
  formAssignmentId: Type.Union([Uuid, Type.Null()]),
  complete: Type.Boolean(),
  completedAt: NullableString,
  /** `answer`: a 'fields' item of an open request, not answered yet, and a user who may change things. */
  abilities: Type.Object({ answer: Type.Boolean() }),
});
export type ClientRequestItemView = Static<typeof ClientRequestItemView>;

export const ClientRequestView = Type.Object({
  id: Uuid,
  applicationId: Uuid,
  title: Type.String(),
  message: Type.String(),
  dueAt: DateTime,
  status: RequestStatus,
  overdue: Type.Boolean(),
  progress: Progress,
  items: Type.Array(ClientRequestItemView),
  createdAt: DateTime,
  completedAt: NullableString,
  cancelledAt: NullableString,
});
export type ClientRequestView = Static<typeof ClientRequestView>;

/** One thing still missing: an incomplete item of an open request. */
export const MissingItemView = Type.Object({
  applicationId: Uuid,
  applicationReference: Type.String(),
  requestId: Uuid,
  requestTitle: Type.String(),
  itemId: Uuid,
  kind: ItemKind,
  subject: Type.Union([Type.Object({ id: Uuid, displayName: Type.String() }), Type.Null()]),
  documentType: NullableString,
  fields: Type.Union([Type.Array(Type.String()), Type.Null()]),
  formId: Type.Union([Uuid, Type.Null()]),
  dueAt: DateTime,
  overdue: Type.Boolean(),
});
export type MissingItemView = Static<typeof MissingItemView>;

export const AwaitingMeetingView = Type.Object({
  meetingId: Uuid,
  applicationId: Uuid,
  applicationReference: Type.String(),
  mode: Type.String(),
  startsAt: DateTime,
  durationMinutes: Type.Integer(),
});

/** A questionnaire given to the application and not submitted yet (forms module). */
export const OpenQuestionnaireView = Type.Object({
  applicationId: Uuid,
  applicationReference: Type.String(),
  assignmentId: Uuid,
  title: Type.String(),
  dueAt: NullableString,
  overdue: Type.Boolean(),
  subject: Type.Union([Type.Object({ id: Uuid, displayName: Type.String() }), Type.Null()]),
  /** The request that asked for it, if one did (its item is listed under requestItems too). */
  requestId: Type.Union([Uuid, Type.Null()]),
});
export type OpenQuestionnaireView = Static<typeof OpenQuestionnaireView>;

/** The client user's task list across the organisation's applications. */
export const ClientTasksView = Type.Object({
  /** Incomplete items of open requests, soonest due first. */
  requestItems: Type.Array(MissingItemView),
  /** Upcoming meetings that invite this user and that they have not answered. */
  meetings: Type.Array(AwaitingMeetingView),
  /** Questionnaires not submitted yet, soonest due first (those without a due date last). */
  questionnaires: Type.Array(OpenQuestionnaireView),
});
export type ClientTasksView = Static<typeof ClientTasksView>;

/** What is still missing on one application. */
export const MissingView = Type.Object({
  applicationId: Uuid,
  requestItems: Type.Array(MissingItemView),
  questionnaires: Type.Array(OpenQuestionnaireView),
});
export type MissingView = Static<typeof MissingView>;
