/**
 * What the engine reads for one application: everything the caller (the wiring) loads beforehand, so
 * the engine does no I/O and the same snapshot always gives the same answer. Dates are ISO calendar
 * dates (`YYYY-MM-DD`, UTC); percentages are integers in ppm (100 % = 1,000,000).
 *
 * The snapshot is built by trusted code, but `validateSnapshot` checks one (closed schemas, real
 * dates) for the callers that import or hand-build them, and for tests.
 */
import { Type } from 'typebox';
import type { RiskBand } from '../../risk/engine/bands.ts';
import { createAjv, describeAjvErrors } from '../../../platform/validation.ts';
import { isIsoDate } from './dates.ts';
import type { Problem } from './conditions.ts';
import { SubjectRole } from '../../applications/application.schema.ts';
import { ENTITY_TYPES, WHOLE_PPM, type EntityType, type FactValue } from './requirements.schema.ts';

const closed = { additionalProperties: false } as const;
const Id = Type.String({ minLength: 1, maxLength: 100 });
const IsoDate = Type.String({ minLength: 10, maxLength: 10 });
const NullableDate = Type.Union([IsoDate, Type.Null()]);
const Count = Type.Integer({ minimum: 0 });
const Ppm = Type.Integer({ minimum: 0, maximum: WHOLE_PPM });
const Facts = Type.Record(
  Type.String({ pattern: '^[a-z][a-z0-9_]{0,62}$' }),
  Type.Union([Type.String({ maxLength: 200 }), Type.Number(), Type.Boolean(), Type.Null()]),
);

/** A document of the application or of a subject (deleted documents are left out by the caller). */
export type DocumentSnapshot = {
  id: string;
  /** The programme's document type code. */
  type: string;
  /** Staff's verification: `invalid` documents never count; `unchecked` count unless `verifiedOnly`. */
  status: 'unchecked' | 'valid' | 'invalid';
  issuedOn: string | null;
  /** The last day the document is valid (an expiry date on `now`'s UTC day is not expired yet). */
  expiresOn: string | null;
};

/** A questionnaire given to the application or to one subject (cancelled ones are left out by the caller). */
export type QuestionnaireSnapshot = {
  formKey: string;
  /** `not_started`: given, nothing saved; `draft`: answers saved, not submitted; `submitted`: at least one submission. */
  state: 'not_started' | 'draft' | 'submitted';
};

/** The screening state of a subject. */
export type ScreeningSnapshot = {
  /** UTC day of the last completed screening run; null when never screened. */
  lastScreenedOn: string | null;
  /** Alerts still open (neither false positive nor decided true match). */
  unresolvedAlerts: number;
};

/** A natural person whose effective ownership or voting control of the entity is known. */
export type OwnershipCandidate = {
  subjectId: string;
  /** The larger of effective ownership and effective voting control, ppm. */
  effectivePpm: number;
  /** Identified: a subject of the application, or declared UBO, with the role `ubo`. */
  identified: boolean;
};

/** The ownership of a legal entity, as computed from the ownership graph (subjects/ownership-graph.ts). */
export type OwnershipSummary = {
  /** Sum of the direct shareholdings recorded in the entity, ppm (complete: exactly 1,000,000). */
  directSharesPpm: number;
  /** Effective share held through entities whose own shareholders are not recorded, ppm. */
  untracedPpm: number;
  candidates: OwnershipCandidate[];
  /** Ownership cycles met, and whether the walk hit its bounds: either way, the result is uncertain. */
  cycles: number;
  truncated: boolean;
};

export type SubjectSnapshot = {
  id: string;
  entityType: EntityType;
  /** Roles on the application (`applicant` is the main subject). */
  roles: SubjectRole[];
  /** Roles in the ownership graph around the main subject, derived by the caller (a director of the applicant entity, a computed UBO...). */
  graphRoles: SubjectRole[];
  /** Names of the profile fields that hold a value (requirements.schema.ts SUBJECT_FIELDS). */
  presentFields: string[];
  facts: Record<string, FactValue>;
  documents: DocumentSnapshot[];
  questionnaires: QuestionnaireSnapshot[];
  screening: ScreeningSnapshot;
  /** Legal entities: their ownership; null when not computed (an ownership requirement then reports it). */
  ownership: OwnershipSummary | null;
};

export type CompletenessSnapshot = {
  application: {
    id: string;
    status: string;
    /** The current risk band; null when not scored yet (band conditions are then unknown). */
    band: RiskBand | null;
    facts: Record<string, FactValue>;
    documents: DocumentSnapshot[];
    questionnaires: QuestionnaireSnapshot[];
  };
  /** The programme's UBO threshold, ppm (25 % = 250,000). */
  uboThresholdPpm: number;
  subjects: SubjectSnapshot[];
};

const DocumentSchema = Type.Object(
  {
    id: Id,
    type: Type.String({ minLength: 1, maxLength: 64 }),
    status: Type.Union([Type.Literal('unchecked'), Type.Literal('valid'), Type.Literal('invalid')]),
    issuedOn: NullableDate,
    expiresOn: NullableDate,
  },
  closed,
);
const QuestionnaireSchema = Type.Object(
  {
    formKey: Type.String({ minLength: 1, maxLength: 63 }),
    state: Type.Union([Type.Literal('not_started'), Type.Literal('draft'), Type.Literal('submitted')]),
  },
  closed,
);
const Roles = Type.Array(SubjectRole, { uniqueItems: true });

export const CompletenessSnapshotSchema = Type.Object(
  {
    application: Type.Object(
      {
        id: Id,
        status: Type.String({ minLength: 1, maxLength: 40 }),
        band: Type.Union([
          Type.Literal('low'),
          Type.Literal('medium'),
          Type.Literal('high'),
          Type.Literal('prohibited'),
          Type.Null(),
        ]),
        facts: Facts,
        documents: Type.Array(DocumentSchema),
        questionnaires: Type.Array(QuestionnaireSchema),
      },
      closed,
    ),
    uboThresholdPpm: Type.Integer({ minimum: 1, maximum: WHOLE_PPM }),
    subjects: Type.Array(
      Type.Object(
        {
          id: Id,
          entityType: Type.Union(ENTITY_TYPES.map((t) => Type.Literal(t))),
          roles: Roles,
          graphRoles: Roles,
          presentFields: Type.Array(Type.String({ minLength: 1, maxLength: 63 })),
          facts: Facts,
          documents: Type.Array(DocumentSchema),
          questionnaires: Type.Array(QuestionnaireSchema),
          screening: Type.Object({ lastScreenedOn: NullableDate, unresolvedAlerts: Count }, closed),
          ownership: Type.Union([
            Type.Object(
              {
                directSharesPpm: Type.Integer({ minimum: 0 }),
                untracedPpm: Ppm,
                candidates: Type.Array(
                  Type.Object({ subjectId: Id, effectivePpm: Ppm, identified: Type.Boolean() }, closed),
                ),
                cycles: Count,
                truncated: Type.Boolean(),
              },
              closed,
            ),
            Type.Null(),
          ]),
        },
        closed,
      ),
    ),
  },
  closed,
);

const validate = createAjv().compile(CompletenessSnapshotSchema);

/** Problems of a snapshot (shape, real calendar dates, unique subject ids); empty when usable. */
export function validateSnapshot(snapshot: unknown): Problem[] {
  if (!validate(snapshot)) return describeAjvErrors(validate.errors);
  const s = snapshot as CompletenessSnapshot;
  const problems: Problem[] = [];
  const dates = (docs: DocumentSnapshot[], p: string) =>
    docs.forEach((d, i) => {
      for (const k of ['issuedOn', 'expiresOn'] as const)
        if (d[k] !== null && !isIsoDate(d[k]))
          problems.push({ path: `${p}/documents/${i}/${k}`, message: 'must be a date (YYYY-MM-DD)' });
    });
  dates(s.application.documents, '/application');
  const ids = new Set<string>();
  s.subjects.forEach((sub, i) => {
    const p = `/subjects/${i}`;
    if (ids.has(sub.id)) problems.push({ path: `${p}/id`, message: `duplicate subject "${sub.id}"` });
    ids.add(sub.id);
    dates(sub.documents, p);
    const last = sub.screening.lastScreenedOn;
    if (last !== null && !isIsoDate(last))
      problems.push({ path: `${p}/screening/lastScreenedOn`, message: 'must be a date (YYYY-MM-DD)' });
  });
  return problems;
}
