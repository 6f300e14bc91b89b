/**
 * The periodic-review policy of a programme, and the record the engine schedules. A policy is a JSON
 * document (drafted, previewed and published by the programme configuration) checked at the boundary
 * by validate-policy.ts: these closed TypeBox schemas give the shape, the walker there adds the rules
 * a schema cannot say (one unit per period, band ordering, lead time shorter than every cadence).
 *
 * Units: every duration is a whole number of calendar days or calendar months (integers only);
 * dates are UTC calendar dates written `YYYY-MM-DD` (see calendar.ts for month arithmetic).
 */
import { Type, type Static } from 'typebox';
import { SubjectRole } from '../../applications/application.schema.ts';
import { RISK_BANDS, type RiskBand } from '../../risk/engine/bands.ts';
import type { ListTopic } from '../../screening/lists/model.ts';

const closed = { additionalProperties: false } as const;

/** Hard bounds of a policy, so that no policy can make the engine slow or produce absurd dates. */
export const REVIEW_LIMITS = {
  /** Longest cadence: 10 years, in either unit. */
  maxDays: 3660,
  maxMonths: 120,
  /** Lead time, grace and the client request's offset, in days. */
  maxOffsetDays: 365,
  maxRoleOverrides: 40,
  maxNote: 500,
  maxReason: 1000,
  maxId: 200,
  /** Subjects of one relationship given to nextReview. */
  maxSubjects: 10_000,
} as const;

/**
 * A cadence: exactly one of `{ "days": n }` or `{ "months": n }`. The shape allows both keys so
 * that validate-policy.ts can say precisely what is wrong; the TypeScript type is the exact union.
 */
export type Period = { days: number } | { months: number };
const PeriodShape = Type.Object(
  {
    days: Type.Optional(Type.Integer({ minimum: 1, maximum: REVIEW_LIMITS.maxDays })),
    months: Type.Optional(Type.Integer({ minimum: 1, maximum: REVIEW_LIMITS.maxMonths })),
  },
  closed,
);
export const Period = Type.Unsafe<Period>(PeriodShape);

/**
 * Bands that have a review cadence. `prohibited` has none: a prohibited relationship is not reviewed
 * periodically, it must not continue, and the engine answers `outcome: 'prohibited'` for it.
 */
export const REVIEWED_BANDS = ['low', 'medium', 'high'] as const;
export type ReviewedBand = (typeof REVIEWED_BANDS)[number];
const _reviewedBandsAreBands: ReviewedBand extends RiskBand ? true : false = true;

export const ReviewedBand = Type.Enum(REVIEWED_BANDS);

/** Screening list topics a true match can carry (the list model's `ListTopic`). */
export const SCREENING_TOPICS = ['sanction', 'pep', 'rca', 'crime'] as const;
export type ScreeningTopic = (typeof SCREENING_TOPICS)[number];
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _topicsAgree: Same<ScreeningTopic, ListTopic> = true;

const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });
const OffsetDays = Type.Integer({ minimum: 0, maximum: REVIEW_LIMITS.maxOffsetDays });

/**
 * A cadence for subjects holding a role on the relationship, e.g. a high-risk UBO every 30 days.
 * `bands` are the subject's own bands it applies to (absent: whatever the subject's band, also when
 * the subject has none yet). The shortest applicable cadence wins, so an override only ever brings a
 * review forward; one longer than the band's cadence never applies.
 */
export const RoleOverride = Type.Object(
  {
    role: SubjectRole,
    bands: Type.Optional(Type.Array(ReviewedBand, { minItems: 1, maxItems: 3, uniqueItems: true })),
    every: Period,
    /** Why the firm set it (shown in explanations). */
    note: Type.Optional(Text(REVIEW_LIMITS.maxNote)),
  },
  closed,
);
export type RoleOverride = Static<typeof RoleOverride>;

export const ReviewPolicy = Type.Object(
  {
    /** Cadence per band, counted from the approval or the last completed review. */
    cadence: Type.Object({ low: Period, medium: Period, high: Period }, closed),
    roleOverrides: Type.Array(RoleOverride, { maxItems: REVIEW_LIMITS.maxRoleOverrides }),
    /** A review opens this many days before it is due (0: on the due day). */
    leadDays: OffsetDays,
    /** Days after the due date during which an unfinished review is `due`, not yet `overdue`. */
    graceDays: OffsetDays,
    /** Whether opening a review sends the client a portal request, due this many days before the review. */
    clientRequest: Type.Object({ enabled: Type.Boolean(), dueDaysBeforeReview: OffsetDays }, closed),
    /** Events that open a review at once, whatever the schedule. */
    triggers: Type.Object(
      {
        /** The relationship's band went up to at least `atLeast`; with `subjects`, also a subject's own band. */
        bandRaised: Type.Object(
          { enabled: Type.Boolean(), atLeast: ReviewedBand, subjects: Type.Boolean() },
          closed,
        ),
        /** A screening alert was decided a true match on a list with one of these topics. */
        screeningTrueMatch: Type.Object(
          {
            enabled: Type.Boolean(),
            topics: Type.Array(Type.Enum(SCREENING_TOPICS), { minItems: 1, maxItems: 4, uniqueItems: true }),
          },
          closed,
        ),
      },
      closed,
    ),
  },
  closed,
);
export type ReviewPolicy = Static<typeof ReviewPolicy>;

/** Shape only; the calendar is checked by the validators. */
const IsoDate = Type.String({ minLength: 10, maxLength: 10 });

/**
 * A cadence or next date compliance set for one subject, with the reason. Exactly one of `every`
 * (counted from the anchor) or `nextDue` (a fixed date; spent once a review completes on or after
 * it). Like every other rule it only brings a review forward: lengthening a cadence is a policy
 * change, not a per-record decision.
 */
export type SubjectOverride = ({ every: Period } | { nextDue: string }) & { reason: string };
export const SubjectOverride = Type.Unsafe<SubjectOverride>(
  Type.Object(
    {
      every: Type.Optional(PeriodShape),
      nextDue: Type.Optional(IsoDate),
      reason: Text(REVIEW_LIMITS.maxReason),
    },
    closed,
  ),
);

const RiskBandSchema = Type.Unsafe<RiskBand>({ type: 'string', enum: [...RISK_BANDS] });

export const ReviewSubject = Type.Object(
  {
    id: Text(REVIEW_LIMITS.maxId),
    roles: Type.Array(SubjectRole, { minItems: 1, maxItems: 8, uniqueItems: true }),
    /** The subject's own band; absent when it has not been scored. */
    band: Type.Optional(RiskBandSchema),
    override: Type.Optional(SubjectOverride),
  },
  closed,
);
export type ReviewSubject = Static<typeof ReviewSubject>;

/** What the engine schedules: one application or relationship with its subjects. */
export const ReviewInput = Type.Object(
  {
    id: Text(REVIEW_LIMITS.maxId),
    band: RiskBandSchema,
    approvedOn: IsoDate,
    /** The completion date of the last periodic review, if any. */
    lastReviewedOn: Type.Optional(IsoDate),
    subjects: Type.Array(ReviewSubject, { maxItems: REVIEW_LIMITS.maxSubjects }),
  },
  closed,
);
export type ReviewInput = Static<typeof ReviewInput>;
