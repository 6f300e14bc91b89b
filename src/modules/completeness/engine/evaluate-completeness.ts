/**
 * What is missing on one application: every requirement is checked against the application and each
 * subject in its scope, as of the UTC day of `now`. The result lists the missing items in a fixed
 * order (the application first, then subjects by their most prominent role and id; within a target,
 * requirements in definition order), every check made (met, missing or not applicable, so a screen
 * can say why a requirement did not apply), and counts. The same inputs always give the same result.
 */
import type { RiskBand } from '../../risk/engine/bands.ts';
import { evaluateCondition, type ConditionInput } from './conditions.ts';
import { daysBetween, utcDay } from './dates.ts';
import {
  MISSING_REASONS,
  OWNERSHIP_CHECKS,
  REQUIREMENT_KINDS,
  SUBJECT_ROLES,
  WHOLE_PPM,
  type DocumentRequirement,
  type EntityType,
  type MissingReason,
  type OwnershipCheck,
  type OwnershipRequirement,
  type Requirement,
  type RequirementKind,
  type Requirements,
  type ScreeningRequirement,
  type SubjectRole,
} from './requirements.schema.ts';
import type {
  CompletenessSnapshot,
  DocumentSnapshot,
  QuestionnaireSnapshot,
  SubjectSnapshot,
} from './snapshot.ts';

/** The facts behind a missing item, so that it can be shown and re-checked. Only the relevant ones are set. */
export type MissingDetail = {
  /** Documents: the types that would satisfy the requirement. */
  acceptedTypes?: string[];
  /** Documents: the document closest to satisfying it (latest expiry, or latest issue). */
  documentId?: string;
  issuedOn?: string | null;
  expiresOn?: string | null;
  maxAgeDays?: number;
  /** Days from the issue date (documents) or the last screening (screening) to `asOf`. */
  ageDays?: number;
  /** Screening. */
  lastScreenedOn?: string | null;
  withinDays?: number;
  unresolvedAlerts?: number;
  /** Ownership: the threshold used and what the summary said. */
  thresholdPpm?: number;
  directSharesPpm?: number;
  expectedPpm?: number;
  untracedPpm?: number;
  unidentified?: { subjectId: string; effectivePpm: number }[];
  cycles?: number;
  truncated?: boolean;
  /** Ownership: true when the caller had no ownership summary for the entity. */
  summaryAbsent?: boolean;
};

export type MissingItem = {
  requirementId: string;
  kind: RequirementKind;
  /** The requirement's label, as configured. */
  label: string;
  /** null: the application itself. */
  subjectId: string | null;
  entityType: EntityType | null;
  /** The role through which the subject is in the requirement's scope (null: application, or a subject with no role). */
  role: SubjectRole | null;
  /** The field name, the first accepted document type, the form key or the ownership check; null for screening. */
  key: string | null;
  reason: MissingReason;
  /** A stable message key, `completeness.<kind>.<reason>`; messages.ts has the default English text. */
  messageKey: string;
  detail: MissingDetail;
  /** The requirement's condition could not be decided (band not scored, fact unknown) and was applied to be safe. */
  conditionUnknown: boolean;
};

export type Check = {
  requirementId: string;
  subjectId: string | null;
  role: SubjectRole | null;
  outcome: 'met' | 'missing' | 'not_applicable';
  conditionUnknown: boolean;
};

export type CompletenessResult = {
  applicationId: string;
  /** The UTC day the evaluation was made for. */
  asOf: string;
  band: RiskBand | null;
  complete: boolean;
  missing: MissingItem[];
  checks: Check[];
  summary: {
    missing: number;
    byKind: Record<RequirementKind, number>;
    byReason: Record<MissingReason, number>;
    /** Items on the application itself, and the number of subjects with at least one item. */
    onApplication: number;
    subjectsWithMissing: number;
    applied: number;
    met: number;
    notApplicable: number;
  };
};

type Target =
  | { on: 'application'; subject: null; role: null }
  | { on: 'subject'; subject: SubjectSnapshot; role: SubjectRole | null };

type Found = { reason: MissingReason; key: string | null; detail: MissingDetail };

const ROLE_RANK = new Map<string, number>(SUBJECT_ROLES.map((r, i) => [r, i]));

/**
 * Evaluates `requirements` (which passed validateRequirements) against one application's snapshot as
 * of the UTC day of `now`. Pure: reads no clock and no database.
 */
export function evaluateCompleteness(
  requirements: Requirements,
  snapshot: CompletenessSnapshot,
  now: Date,
): CompletenessResult {
  const today = utcDay(now);
  const app = snapshot.application;
  const subjects = [...snapshot.subjects].sort(
    (a, b) => primaryRank(a) - primaryRank(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  const missing: MissingItem[] = [];
  const checks: Check[] = [];

  const targets: Target[] = [
    { on: 'application', subject: null, role: null },
    ...subjects.map((s) => ({ on: 'subject' as const, subject: s, role: null })),
  ];
  for (const target of targets) {
    for (const req of requirements.requirements) {
      const inScope = scopeRole(req, target);
      if (inScope === undefined) continue;
      const t = target.on === 'subject' ? { ...target, role: inScope } : target;
      const input: ConditionInput = {
        band: app.band,
        applicationFacts: app.facts,
        ...(t.subject ? { subject: { entityType: t.subject.entityType, facts: t.subject.facts } } : {}),
      };
      const applies = req.when === undefined ? true : evaluateCondition(req.when, input);
      const conditionUnknown = applies === null;
      const check: Check = {
        requirementId: req.id,
        subjectId: t.subject?.id ?? null,
        role: t.role,
        outcome: 'not_applicable',
        conditionUnknown,
      };
      checks.push(check);
      if (applies === false) continue;
      const found = evaluateOne(req, t, snapshot, today);
      check.outcome = found.length ? 'missing' : 'met';
      for (const f of found)
        missing.push({
          requirementId: req.id,
          kind: req.kind,
          label: req.label,
          subjectId: t.subject?.id ?? null,
          entityType: t.subject?.entityType ?? null,
          role: t.role,
          key: f.key,
          reason: f.reason,
          messageKey: `completeness.${req.kind}.${f.reason}`,
          detail: f.detail,
          conditionUnknown,
        });
    }
  }
  return {
    applicationId: app.id,
    asOf: today,
    band: app.band,
    complete: missing.length === 0,
    missing,
    checks,
    summary: summarise(missing, checks),
  };
}

/** The subject's most prominent role, by SUBJECT_ROLES order (applicant first); subjects without a role last. */
function primaryRank(s: SubjectSnapshot): number {
  let best: number = SUBJECT_ROLES.length;
  for (const r of [...s.roles, ...s.graphRoles]) best = Math.min(best, ROLE_RANK.get(r) ?? best);
  return best;
}

/**
 * undefined: the target is not in the requirement's scope. Otherwise the role it is in scope through
 * (the most prominent of the scope's roles it holds; without a role filter, its most prominent role).
 */
function scopeRole(req: Requirement, target: Target): SubjectRole | null | undefined {
  const scope = req.scope;
  if (target.on === 'application') return scope.target === 'application' ? null : undefined;
  if (scope.target !== 'subjects') return undefined;
  const s = target.subject;
  if (scope.entityTypes && !scope.entityTypes.includes(s.entityType)) return undefined;
  const held = new Set<string>([...s.roles, ...s.graphRoles]);
  const wanted = scope.roles ?? SUBJECT_ROLES;
  for (const r of SUBJECT_ROLES) if (held.has(r) && wanted.includes(r)) return r;
  return scope.roles ? undefined : null;
}

function evaluateOne(req: Requirement, t: Target, snapshot: CompletenessSnapshot, today: string): Found[] {
  const docs = t.subject ? t.subject.documents : snapshot.application.documents;
  const forms = t.subject ? t.subject.questionnaires : snapshot.application.questionnaires;
  switch (req.kind) {
    case 'field':
      return t.subject && !t.subject.presentFields.includes(req.field)
        ? [{ reason: 'missing', key: req.field, detail: {} }]
        : [];
    case 'document':
      return checkDocument(req, docs, today);
    case 'questionnaire':
      return checkQuestionnaire(req.formKey, forms);
    case 'screening':
      return t.subject ? checkScreening(req, t.subject, today) : [];
    case 'ownership':
      return t.subject ? checkOwnership(req, t.subject, snapshot.uboThresholdPpm) : [];
  }
}

/**
 * Some document of an accepted type must be: not invalid, verified when required, not expired
 * (the expiry day itself still counts), and issued at most `maxAgeDays` ago when set. When none is,
 * the reason is the furthest stage any candidate reached, with the candidate that came closest.
 */
function checkDocument(req: DocumentRequirement, docs: DocumentSnapshot[], today: string): Found[] {
  const key = req.documentTypes[0]!;
  const base: MissingDetail = { acceptedTypes: [...req.documentTypes] };
  const fail = (reason: MissingReason, doc?: DocumentSnapshot, extra: MissingDetail = {}): Found[] => [
    {
      reason,
      key,
      detail: doc
        ? { ...base, documentId: doc.id, issuedOn: doc.issuedOn, expiresOn: doc.expiresOn, ...extra }
        : base,
    },
  ];
  const candidates = sortDocs(docs.filter((d) => req.documentTypes.includes(d.type)));
  if (!candidates.length) return fail('missing');
  let usable = candidates.filter((d) => d.status !== 'invalid');
  if (!usable.length) return fail('invalid', candidates[0]);
  if (req.verifiedOnly) {
    const verified = usable.filter((d) => d.status === 'valid');
    if (!verified.length) return fail('unverified', usable[0]);
    usable = verified;
  }
  const current = usable.filter((d) => d.expiresOn === null || d.expiresOn >= today);
  if (!current.length) {
    const latest = [...usable].sort((a, b) => cmp(b.expiresOn, a.expiresOn) || cmp(a.id, b.id))[0]!;
    return fail('expired', latest);
  }
  if (req.maxAgeDays === undefined) return [];
  const age = (d: DocumentSnapshot) => (d.issuedOn === null ? null : daysBetween(d.issuedOn, today));
  if (current.some((d) => age(d) !== null && age(d)! <= req.maxAgeDays!)) return [];
  const newest = [...current].sort((a, b) => cmp(b.issuedOn, a.issuedOn) || cmp(a.id, b.id))[0]!;
  const ageDays = age(newest);
  return fail('too_old', newest, { maxAgeDays: req.maxAgeDays, ...(ageDays === null ? {} : { ageDays }) });
}

/** Null sorts before any date. */
const cmp = (a: string | null, b: string | null): number =>
  a === b ? 0 : a === null ? -1 : b === null ? 1 : a < b ? -1 : 1;

const sortDocs = (docs: DocumentSnapshot[]) => [...docs].sort((a, b) => cmp(a.id, b.id));

function checkQuestionnaire(formKey: string, forms: QuestionnaireSnapshot[]): Found[] {
  const mine = forms.filter((f) => f.formKey === formKey);
  if (mine.some((f) => f.state === 'submitted')) return [];
  return [
    { reason: mine.some((f) => f.state === 'draft') ? 'draft_only' : 'missing', key: formKey, detail: {} },
  ];
}

/** Screened at least once (and within `withinDays` when set), and no alert left open. */
function checkScreening(req: ScreeningRequirement, s: SubjectSnapshot, today: string): Found[] {
  const out: Found[] = [];
  const last = s.screening.lastScreenedOn;
  const within = req.withinDays === undefined ? {} : { withinDays: req.withinDays };
  if (last === null)
    out.push({ reason: 'not_screened', key: null, detail: { lastScreenedOn: null, ...within } });
  else if (req.withinDays !== undefined) {
    const ageDays = daysBetween(last, today);
    if (ageDays > req.withinDays)
      out.push({ reason: 'too_old', key: null, detail: { lastScreenedOn: last, ageDays, ...within } });
  }
  if (s.screening.unresolvedAlerts > 0)
    out.push({
      reason: 'unresolved_alerts',
      key: null,
      detail: { unresolvedAlerts: s.screening.unresolvedAlerts },
    });
  return out;
}

/**
 * `shares_add_up`: the direct shareholdings recorded add up to exactly 100 %.
 * `ubos_identified`: every person reaching the threshold (inclusive) is identified, no share at or
 * above the threshold is held through owners nobody recorded (a UBO could hide there), and the
 * computation was certain (no cycle, not truncated).
 */
function checkOwnership(req: OwnershipRequirement, s: SubjectSnapshot, programmeThreshold: number): Found[] {
  const thresholdPpm = req.uboThresholdPpm ?? programmeThreshold;
  const checks = OWNERSHIP_CHECKS.filter((c) => req.checks.includes(c));
  const o = s.ownership;
  if (!o)
    return checks.map((key) => ({
      reason: 'ownership_incomplete',
      key,
      detail: { summaryAbsent: true, ...(key === 'ubos_identified' ? { thresholdPpm } : {}) },
    }));
  const out: Found[] = [];
  const add = (key: OwnershipCheck, detail: MissingDetail) =>
    out.push({ reason: 'ownership_incomplete', key, detail });
  for (const c of checks) {
    if (c === 'shares_add_up') {
      if (o.directSharesPpm !== WHOLE_PPM)
        add(c, { directSharesPpm: o.directSharesPpm, expectedPpm: WHOLE_PPM });
      continue;
    }
    const unidentified = o.candidates
      .filter((x) => !x.identified && x.effectivePpm >= thresholdPpm)
      .map((x) => ({ subjectId: x.subjectId, effectivePpm: x.effectivePpm }))
      .sort((a, b) => b.effectivePpm - a.effectivePpm || cmp(a.subjectId, b.subjectId));
    if (unidentified.length || o.untracedPpm >= thresholdPpm || o.cycles > 0 || o.truncated)
      add(c, {
        thresholdPpm,
        unidentified,
        untracedPpm: o.untracedPpm,
        cycles: o.cycles,
        truncated: o.truncated,
      });
  }
  return out;
}

function summarise(missing: MissingItem[], checks: Check[]): CompletenessResult['summary'] {
  const byKind = Object.fromEntries(REQUIREMENT_KINDS.map((k) => [k, 0])) as Record<RequirementKind, number>;
  const byReason = Object.fromEntries(MISSING_REASONS.map((r) => [r, 0])) as Record<MissingReason, number>;
  const subjects = new Set<string>();
  let onApplication = 0;
  for (const m of missing) {
    byKind[m.kind]++;
    byReason[m.reason]++;
    if (m.subjectId === null) onApplication++;
    else subjects.add(m.subjectId);
  }
  let met = 0;
  let notApplicable = 0;
  for (const c of checks) {
    if (c.outcome === 'met') met++;
    else if (c.outcome === 'not_applicable') notApplicable++;
  }
  return {
    missing: missing.length,
    byKind,
    byReason,
    onApplication,
    subjectsWithMissing: subjects.size,
    applied: checks.length - notApplicable,
    met,
    notApplicable,
  };
}
