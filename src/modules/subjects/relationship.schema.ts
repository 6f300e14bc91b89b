/** Relationships between subjects (officers, shareholders, declared UBOs...) and the ownership view. */
import { Type, type Static } from 'typebox';

export const RelationshipKind = Type.Union([
  Type.Literal('director'),
  Type.Literal('shareholder'),
  Type.Literal('ubo'),
  Type.Literal('signatory'),
  Type.Literal('trustee'),
  Type.Literal('beneficiary'),
]);
export type RelationshipKind = Static<typeof RelationshipKind>;

/** Percentages are stored as numeric(7,4): more than four decimals would be silently rounded, so they are refused. */
const Pct = Type.Number({ exclusiveMinimum: 0, maximum: 100 });

export const CreateRelationshipBody = Type.Object(
  {
    /** The holder: the director, shareholder, UBO... */
    fromSubjectId: Type.String({ format: 'uuid' }),
    /** The legal entity held, directed or represented. */
    toSubjectId: Type.String({ format: 'uuid' }),
    kind: RelationshipKind,
    /** Shareholders only, required for them: 0 < x <= 100. */
    sharePct: Type.Optional(Pct),
    /** Shareholders only, optional: voting rights when they differ from the share. */
    votingPct: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
    title: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type CreateRelationshipBody = Static<typeof CreateRelationshipBody>;

const SubjectRef = Type.Object({
  id: Type.String({ format: 'uuid' }),
  kind: Type.String(),
  displayName: Type.String(),
});

export const RelationshipView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  kind: RelationshipKind,
  fromSubjectId: Type.String({ format: 'uuid' }),
  toSubjectId: Type.String({ format: 'uuid' }),
  sharePct: Type.Union([Type.Number(), Type.Null()]),
  votingPct: Type.Union([Type.Number(), Type.Null()]),
  title: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
});
export type RelationshipView = Static<typeof RelationshipView>;

/** A relationship seen from one subject: `outgoing` when that subject is the holder. */
export const SubjectRelationshipView = Type.Object({
  ...RelationshipView.properties,
  direction: Type.Union([Type.Literal('outgoing'), Type.Literal('incoming')]),
  counterpart: SubjectRef,
});
export type SubjectRelationshipView = Static<typeof SubjectRelationshipView>;

export const OwnershipQuery = Type.Object(
  {
    /** UBO threshold in percent (25 when neither this nor programmeId is given). */
    threshold: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 100 })),
    /** Use this programme's UBO threshold. */
    programmeId: Type.Optional(Type.String({ format: 'uuid' })),
  },
  { additionalProperties: false },
);
export type OwnershipQuery = Static<typeof OwnershipQuery>;

/**
 * Set when the actor may not see this subject (another programme's): the node keeps its id and its
 * exact figures (ownership is computed over the whole graph), but not its kind or name.
 */
const Hidden = Type.Boolean({
  description:
    'True for a subject the actor may not see: only its id and figures are given, without kind or name.',
});

/**
 * The ownership of a subject. Effective figures are computed over the whole shareholder graph, so
 * they stay exact when some owners belong to programmes the actor does not see; such owners (and
 * UBO candidates) are `hidden`: id and figures only.
 */
export const OwnershipView = Type.Object({
  subjectId: Type.String({ format: 'uuid' }),
  threshold: Type.Number(),
  owners: Type.Array(
    Type.Object({
      subjectId: Type.String({ format: 'uuid' }),
      hidden: Hidden,
      /** Absent when hidden. */
      kind: Type.Optional(Type.String()),
      /** Absent when hidden. */
      displayName: Type.Optional(Type.String()),
      directPct: Type.Number(),
      effectivePct: Type.Number(),
      effectiveVotingPct: Type.Number(),
      /** Each path runs from this owner to the subject, through the intermediate entities. */
      paths: Type.Array(Type.Array(Type.String())),
    }),
  ),
  uboCandidates: Type.Array(
    Type.Object({
      subjectId: Type.String({ format: 'uuid' }),
      hidden: Hidden,
      /** Absent when hidden. */
      displayName: Type.Optional(Type.String()),
      effectivePct: Type.Number(),
      effectiveVotingPct: Type.Number(),
      reasons: Type.Array(Type.String()),
    }),
  ),
  /** Ownership cycles met on the way up, each as the subject ids around the loop (not followed). */
  cycles: Type.Array(Type.Array(Type.String())),
  /** True when the depth or path bound cut the walk: figures may be understated. */
  truncated: Type.Boolean(),
});
export type OwnershipView = Static<typeof OwnershipView>;
