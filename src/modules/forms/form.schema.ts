/**
 * Inputs and views of stored forms, their versions, assignments to applications and answers.
 * Definitions and answers travel as `unknown` here: the forms engine (definition/) is their schema,
 * and it reports field-level problems that a JSON schema could not.
 */
import { Type, type Static, type TSchema } from 'typebox';

const Uuid = Type.String({ format: 'uuid' });
const DateTime = Type.String({ format: 'date-time' });
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const FormKey = Type.String({ minLength: 1, maxLength: 63, pattern: '^[a-z][a-z0-9_-]{0,62}$' });

export const CreateFormBody = Type.Object(
  {
    key: FormKey,
    title: Type.String({ minLength: 1, maxLength: 500 }),
    /** The first definition (draft version 1); its `key` must be the form's key. */
    definition: Type.Unknown(),
  },
  { additionalProperties: false },
);
export type CreateFormBody = Static<typeof CreateFormBody>;

export const DraftDefinitionBody = Type.Object(
  { definition: Type.Unknown() },
  { additionalProperties: false },
);
export type DraftDefinitionBody = Static<typeof DraftDefinitionBody>;

export const VersionParams = Type.Object(
  { id: Uuid, version: Type.Integer({ minimum: 1, maximum: 1_000_000 }) },
  { additionalProperties: false },
);
export const DiffQuery = Type.Object(
  {
    from: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
    to: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
  },
  { additionalProperties: false },
);
export type DiffQuery = Static<typeof DiffQuery>;

export const AssignFormBody = Type.Object(
  {
    formId: Uuid,
    /** One subject of the application the questionnaire is about. */
    subjectId: Type.Optional(Nullable(Uuid)),
    dueAt: Type.Optional(Nullable(DateTime)),
  },
  { additionalProperties: false },
);
export type AssignFormBody = Static<typeof AssignFormBody>;

/** The answers object is checked by the forms engine against the pinned version. */
export const AnswersBody = Type.Object({ answers: Type.Unknown() }, { additionalProperties: false });
export type AnswersBody = Static<typeof AnswersBody>;

/** Who did something: the stored actor reference and, where known, a display name. */
export const ActorView = Type.Object({
  ref: Type.String(),
  kind: Type.Union([
    Type.Literal('staff'),
    Type.Literal('client'),
    Type.Literal('api_key'),
    Type.Literal('system'),
    Type.Literal('unknown'),
  ]),
  id: Nullable(Type.String()),
  name: Nullable(Type.String()),
});
export type ActorView = Static<typeof ActorView>;

export const FormVersionStatus = Type.Union([
  Type.Literal('draft'),
  Type.Literal('published'),
  Type.Literal('retired'),
]);

export const FormVersionSummary = Type.Object({
  id: Uuid,
  version: Type.Integer(),
  status: FormVersionStatus,
  createdAt: DateTime,
  createdBy: ActorView,
  publishedAt: Nullable(DateTime),
  publishedBy: Nullable(ActorView),
});
export type FormVersionSummary = Static<typeof FormVersionSummary>;

export const FormVersionView = Type.Object({
  ...FormVersionSummary.properties,
  formId: Uuid,
  definition: Type.Unknown(),
});
export type FormVersionView = Static<typeof FormVersionView>;

export const FormSummaryView = Type.Object({
  id: Uuid,
  programmeId: Uuid,
  key: Type.String(),
  title: Type.String(),
  createdAt: DateTime,
  retiredAt: Nullable(DateTime),
  /** Number of the current draft, if any. */
  draftVersion: Nullable(Type.Integer()),
  /** Number of the version new assignments are answered against, if any. */
  publishedVersion: Nullable(Type.Integer()),
});
export type FormSummaryView = Static<typeof FormSummaryView>;

export const FormView = Type.Object({
  ...FormSummaryView.properties,
  createdBy: ActorView,
  retiredBy: Nullable(ActorView),
  versions: Type.Array(FormVersionSummary),
  /** The draft's and the latest published version's definitions. */
  draft: Nullable(Type.Object({ id: Uuid, version: Type.Integer(), definition: Type.Unknown() })),
  published: Nullable(Type.Object({ id: Uuid, version: Type.Integer(), definition: Type.Unknown() })),
});
export type FormView = Static<typeof FormView>;

const VersionRef = Type.Object({ id: Uuid, version: Type.Integer() });

export const FormDiffView = Type.Object({
  from: VersionRef,
  to: VersionRef,
  diff: Type.Object({
    form: Type.Array(Type.Object({ property: Type.String(), before: Type.Unknown(), after: Type.Unknown() })),
    added: Type.Array(Type.Object({ path: Type.String(), kind: Type.String(), label: Type.String() })),
    removed: Type.Array(Type.Object({ path: Type.String(), kind: Type.String(), label: Type.String() })),
    changed: Type.Array(
      Type.Object({
        path: Type.String(),
        changes: Type.Array(
          Type.Object({ property: Type.String(), before: Type.Unknown(), after: Type.Unknown() }),
        ),
      }),
    ),
    reordered: Type.Array(Type.String()),
  }),
});
export type FormDiffView = Static<typeof FormDiffView>;

export const AssignmentStatus = Type.Union([
  Type.Literal('open'),
  Type.Literal('submitted'),
  Type.Literal('cancelled'),
]);

/** An assignment as staff see it in lists. */
export const AssignmentView = Type.Object({
  id: Uuid,
  applicationId: Uuid,
  form: Type.Object({ id: Uuid, key: Type.String(), title: Type.String() }),
  subjectId: Nullable(Uuid),
  status: AssignmentStatus,
  dueAt: Nullable(DateTime),
  assignedAt: DateTime,
  assignedBy: ActorView,
  /** The version answered against (pinned), or null before the first save. */
  version: Nullable(VersionRef),
  submittedAt: Nullable(DateTime),
  submittedBy: Nullable(ActorView),
  cancelledAt: Nullable(DateTime),
  cancelledBy: Nullable(ActorView),
  /** The last save of the current draft (who and when), if there is a draft. */
  draft: Nullable(
    Type.Object({ savedAt: DateTime, savedBy: ActorView, version: VersionRef, answerCount: Type.Integer() }),
  ),
});
export type AssignmentView = Static<typeof AssignmentView>;

export const SubmissionView = Type.Object({
  id: Uuid,
  version: VersionRef,
  submittedAt: DateTime,
  submittedBy: ActorView,
  answerCount: Type.Integer(),
  answers: Type.Unknown(),
});
export type SubmissionView = Static<typeof SubmissionView>;

/** An assignment with its answers: every submission, newest first (the first is the current one). */
export const AssignmentAnswersView = Type.Object({
  ...AssignmentView.properties,
  submissions: Type.Array(SubmissionView),
});
export type AssignmentAnswersView = Static<typeof AssignmentAnswersView>;

export const DraftSavedView = Type.Object({
  assignmentId: Uuid,
  version: VersionRef,
  savedAt: DateTime,
  answerCount: Type.Integer(),
});
export type DraftSavedView = Static<typeof DraftSavedView>;

/** An assignment as a client user sees it in a list: no staff names, no internal references. */
export const ClientAssignmentSummary = Type.Object({
  id: Uuid,
  /** The title of the version the client answers (or will answer). */
  title: Type.String(),
  status: AssignmentStatus,
  dueAt: Nullable(DateTime),
  version: VersionRef,
  subject: Nullable(Type.Object({ id: Uuid, name: Type.String() })),
  draftSavedAt: Nullable(DateTime),
  submittedAt: Nullable(DateTime),
});
export type ClientAssignmentSummary = Static<typeof ClientAssignmentSummary>;

export const ClientAssignmentView = Type.Object({
  ...ClientAssignmentSummary.properties,
  /** The definition the answers are checked against. */
  definition: Type.Unknown(),
  draft: Nullable(Type.Object({ answers: Type.Unknown(), savedAt: DateTime })),
  /** The latest submitted answers (read-only), if any. */
  submission: Nullable(Type.Object({ answers: Type.Unknown(), submittedAt: DateTime })),
});
export type ClientAssignmentView = Static<typeof ClientAssignmentView>;
