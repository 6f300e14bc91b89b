/**
 * Meetings with a client: input schemas (every object refuses unknown fields) and the two views,
 * the staff one (everything, the outcome decrypted) and the client one (no outcome, no evidence,
 * no other participant's comment).
 */
import { Type, type Static } from 'typebox';
import { PageQuery } from '../../platform/pagination.ts';

const closed = { additionalProperties: false } as const;
const Uuid = Type.String({ format: 'uuid' });
const DateTime = Type.String({ format: 'date-time' });
const NullableString = Type.Union([Type.String(), Type.Null()]);
/** Free text with at least one visible character. */
const Text = (max: number) => Type.String({ minLength: 1, maxLength: max, pattern: '\\S' });

export const MeetingMode = Type.Union([Type.Literal('in_person'), Type.Literal('video')]);
export type MeetingMode = Static<typeof MeetingMode>;
export const MeetingStatus = Type.Union([
  Type.Literal('scheduled'),
  Type.Literal('cancelled'),
  Type.Literal('held'),
  Type.Literal('no_show'),
]);
export type MeetingStatus = Static<typeof MeetingStatus>;
export const MeetingResponse = Type.Union([
  Type.Literal('pending'),
  Type.Literal('confirmed'),
  Type.Literal('declined'),
]);
export type MeetingResponse = Static<typeof MeetingResponse>;

/** An https URL (the use case also refuses credentials in it and anything but https). */
const VideoUrl = Type.String({ minLength: 9, maxLength: 500, pattern: '^https://[^\\s]+$' });
const Duration = Type.Integer({ minimum: 5, maximum: 480 });

export const Participants = Type.Object(
  {
    /** Staff users: active members of the application's programme. */
    staffUserIds: Type.Array(Uuid, { maxItems: 20, uniqueItems: true }),
    /** Client users of the application's organisation (not disabled); at least one. */
    clientUserIds: Type.Array(Uuid, { minItems: 1, maxItems: 20, uniqueItems: true }),
  },
  closed,
);
export type Participants = Static<typeof Participants>;

export const ScheduleMeetingBody = Type.Object(
  {
    mode: MeetingMode,
    /** In person: where. */
    location: Type.Optional(Text(300)),
    /** By video: the https link. */
    videoUrl: Type.Optional(VideoUrl),
    startsAt: DateTime,
    durationMinutes: Duration,
    agenda: Type.Optional(Type.String({ maxLength: 4000 })),
    participants: Participants,
  },
  closed,
);
export type ScheduleMeetingBody = Static<typeof ScheduleMeetingBody>;

/**
 * A reschedule: any of time, duration, place, agenda and participants. A change of time, duration
 * or place sets every client participant's answer back to pending (they confirmed another meeting).
 */
export const UpdateMeetingBody = Type.Object(
  {
    version: Type.Integer({ minimum: 1 }),
    mode: Type.Optional(MeetingMode),
    location: Type.Optional(Text(300)),
    videoUrl: Type.Optional(VideoUrl),
    startsAt: Type.Optional(DateTime),
    durationMinutes: Type.Optional(Duration),
    agenda: Type.Optional(Type.String({ maxLength: 4000 })),
    participants: Type.Optional(Participants),
  },
  closed,
);
export type UpdateMeetingBody = Static<typeof UpdateMeetingBody>;

export const CancelMeetingBody = Type.Object({ reason: Type.Optional(Text(1000)) }, closed);
export type CancelMeetingBody = Static<typeof CancelMeetingBody>;

export const RecordOutcomeBody = Type.Object(
  {
    status: Type.Union([Type.Literal('held'), Type.Literal('no_show')]),
    /** What was said and seen; encrypted at rest. */
    outcome: Text(10000),
  },
  closed,
);
export type RecordOutcomeBody = Static<typeof RecordOutcomeBody>;

export const AttachEvidenceBody = Type.Object(
  { documentIds: Type.Array(Uuid, { minItems: 1, maxItems: 20, uniqueItems: true }) },
  closed,
);
export type AttachEvidenceBody = Static<typeof AttachEvidenceBody>;

export const MeetingListQuery = Type.Object(
  {
    ...PageQuery,
    applicationId: Type.Optional(Uuid),
    status: Type.Optional(MeetingStatus),
    /** Meetings starting at or after this time. */
    from: Type.Optional(DateTime),
    /** Meetings starting before this time. */
    to: Type.Optional(DateTime),
  },
  closed,
);
export type MeetingListQuery = Static<typeof MeetingListQuery>;

/** The client's answer on the portal. */
export const MeetingResponseBody = Type.Object(
  {
    response: Type.Union([Type.Literal('confirmed'), Type.Literal('declined')]),
    comment: Type.Optional(Text(500)),
  },
  closed,
);
export type MeetingResponseBody = Static<typeof MeetingResponseBody>;

// Views.

const ParticipantView = Type.Object({
  userId: Uuid,
  kind: Type.Union([Type.Literal('staff'), Type.Literal('client')]),
  displayName: Type.String(),
  /** Client participants only; null for staff. */
  response: Type.Union([MeetingResponse, Type.Null()]),
  respondedAt: NullableString,
  comment: NullableString,
});

export const MeetingView = Type.Object({
  id: Uuid,
  applicationId: Uuid,
  mode: MeetingMode,
  location: NullableString,
  videoUrl: NullableString,
  startsAt: DateTime,
  durationMinutes: Type.Integer(),
  agenda: Type.String(),
  status: MeetingStatus,
  participants: Type.Array(ParticipantView),
  outcome: Type.Union([
    Type.Object({
      status: Type.Union([Type.Literal('held'), Type.Literal('no_show')]),
      text: Type.String(),
      recordedAt: DateTime,
      recordedBy: Type.String(),
    }),
    Type.Null(),
  ]),
  evidence: Type.Array(Type.Object({ documentId: Uuid, addedAt: DateTime, addedBy: Type.String() })),
  cancelledAt: NullableString,
  cancelReason: NullableString,
  createdAt: DateTime,
  createdBy: Type.String(),
  updatedAt: DateTime,
  version: Type.Integer(),
  /** In answers to a change that e-mailed the participants: how many e-mails went and failed. */
  notifications: Type.Optional(Type.Object({ sent: Type.Integer(), failed: Type.Integer() })),
});
export type MeetingView = Static<typeof MeetingView>;

/** A meeting as a client user of the organisation sees it. */
export const ClientMeetingView = Type.Object({
  id: Uuid,
  applicationId: Uuid,
  mode: MeetingMode,
  location: NullableString,
  videoUrl: NullableString,
  startsAt: DateTime,
  durationMinutes: Type.Integer(),
  agenda: Type.String(),
  status: MeetingStatus,
  participants: Type.Array(
    Type.Object({
      kind: Type.Union([Type.Literal('staff'), Type.Literal('client')]),
      displayName: Type.String(),
      response: Type.Union([MeetingResponse, Type.Null()]),
      me: Type.Boolean(),
    }),
  ),
  /** This user's own answer (null when not invited). */
  myResponse: Type.Union([
    Type.Object({ response: MeetingResponse, comment: NullableString, respondedAt: NullableString }),
    Type.Null(),
  ]),
  /** `respond`: this user is invited and the meeting is still ahead and not cancelled. */
  abilities: Type.Object({ respond: Type.Boolean() }),
});
export type ClientMeetingView = Static<typeof ClientMeetingView>;
