import { Type, type Static } from 'typebox';

const Schema = Type.Union(
  ['Person', 'Organization', 'Company', 'Vessel', 'Aircraft', 'LegalEntity'].map((s) => Type.Literal(s)),
);

export const ScreenNameBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 300, pattern: '\\S' }),
    schema: Type.Optional(Schema),
    birthDate: Type.Optional(Type.String({ pattern: '^\\d{4}(-\\d{2}(-\\d{2})?)?$' })),
    nationality: Type.Optional(Type.String({ pattern: '^[A-Z]{2}$' })),
    gender: Type.Optional(Type.Union([Type.Literal('male'), Type.Literal('female')])),
    /** Default 0.70 (the onboarding profile). */
    threshold: Type.Optional(Type.Number({ minimum: 0.3, maximum: 1 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
    /** Screen against these lists only (default: every list). */
    lists: Type.Optional(
      Type.Array(Type.String({ pattern: '^[a-z][a-z0-9-]{0,39}$' }), {
        minItems: 1,
        maxItems: 20,
        uniqueItems: true,
      }),
    ),
  },
  { additionalProperties: false },
);
export type ScreenNameBody = Static<typeof ScreenNameBody>;

export const ScreenBatchBody = Type.Object(
  {
    queries: Type.Array(Type.Omit(ScreenNameBody, ['threshold', 'limit', 'lists']), {
      minItems: 1,
      maxItems: 1000,
    }),
    threshold: Type.Optional(Type.Number({ minimum: 0.3, maximum: 1 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 20 })),
    lists: ScreenNameBody.properties.lists,
  },
  { additionalProperties: false },
);
export type ScreenBatchBody = Static<typeof ScreenBatchBody>;

const TokenView = Type.Object({
  query: Type.String(),
  matched: Type.Union([Type.String(), Type.Null()]),
  how: Type.String(),
  weight: Type.Number(),
  score: Type.Number(),
});

export const MatchView = Type.Object({
  entityId: Type.String(),
  list: Type.String(),
  score: Type.Number(),
  nameScore: Type.Number(),
  matchedName: Type.String(),
  nameKind: Type.String(),
  explanation: Type.Object({
    tokens: Type.Array(TokenView),
    qualifiers: Type.Array(
      Type.Object({ qualifier: Type.String(), effect: Type.Number(), detail: Type.String() }),
    ),
  }),
});

export const SnapshotRefView = Type.Object({
  list: Type.String(),
  snapshotId: Type.String({ format: 'uuid' }),
  contentHash: Type.String(),
});

export const ScreeningRunView = Type.Object({
  runId: Type.String({ format: 'uuid' }),
  subjectId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
  threshold: Type.Number(),
  snapshots: Type.Array(SnapshotRefView),
  matches: Type.Array(MatchView),
  /** For a subject's run: alerts raised, hits suppressed by earlier decisions, the subject's status. */
  alerts: Type.Union([
    Type.Object({ raised: Type.Integer(), suppressed: Type.Integer(), status: Type.String() }),
    Type.Null(),
  ]),
});
export type ScreeningRunView = Static<typeof ScreeningRunView>;

export const ListSnapshotView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  list: Type.String(),
  entities: Type.Integer(),
  contentHash: Type.String(),
  importedAt: Type.String({ format: 'date-time' }),
});

export const AlertView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  subjectId: Type.String({ format: 'uuid' }),
  list: Type.String(),
  entityId: Type.String(),
  matchedName: Type.String(),
  score: Type.Number(),
  status: Type.Union([Type.Literal('open'), Type.Literal('true_match'), Type.Literal('false_positive')]),
  reason: Type.Union([Type.String(), Type.Null()]),
  decidedBy: Type.Union([Type.String(), Type.Null()]),
  decidedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  runId: Type.String({ format: 'uuid' }),
  snapshotId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
  version: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
});

export const AlertListQuery = Type.Object(
  {
    status: Type.Optional(
      Type.Union([Type.Literal('open'), Type.Literal('true_match'), Type.Literal('false_positive')]),
    ),
  },
  { additionalProperties: false },
);

export const ResolveAlertBody = Type.Object(
  {
    decision: Type.Union([Type.Literal('true_match'), Type.Literal('false_positive')]),
    reason: Type.String({ minLength: 1, maxLength: 2000, pattern: '\\S' }),
    version: Type.Integer({ minimum: 1 }),
  },
  { additionalProperties: false },
);

export const AlertQueueQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
    cursor: Type.Optional(Type.String({ maxLength: 200, pattern: '^[A-Za-z0-9_-]+$' })),
  },
  { additionalProperties: false },
);
export type AlertQueueQuery = Static<typeof AlertQueueQuery>;

/**
 * An open alert in the cross-subject queue: the alert, its subject, and how the run that raised it
 * matched the name (per-token explanation and qualifiers; null for runs stored before the
 * explanation was kept, or from a provider that gives none).
 */
export const AlertQueueItemView = Type.Object({
  ...AlertView.properties,
  subject: Type.Object({
    id: Type.String({ format: 'uuid' }),
    kind: Type.String(),
    displayName: Type.String(),
  }),
  nameScore: Type.Union([Type.Number(), Type.Null()]),
  nameKind: Type.Union([Type.String(), Type.Null()]),
  explanation: Type.Union([MatchView.properties.explanation, Type.Null()]),
});
export type AlertQueueItemView = Static<typeof AlertQueueItemView>;

/** A stored screening run of a subject, for its history (what was screened, when, by whom, hits). */
export const SubjectRunView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  createdAt: Type.String({ format: 'date-time' }),
  createdBy: Type.String(),
  threshold: Type.Union([Type.Number(), Type.Null()]),
  lists: Type.Array(Type.String()),
  hitCount: Type.Integer(),
});
export type SubjectRunView = Static<typeof SubjectRunView>;
