/**
 * Checks a requirements definition, which is configuration typed by an administrator and imported
 * between installations, so hostile input like any other: shape (closed TypeBox schemas, one
 * requirement at a time), ids, labels, scopes that make sense for the kind, conditions, gates, size;
 * and, when the caller passes the programme's configuration, that the document types, form keys and
 * statuses named exist there. Problems come back as {path, message} with JSON-pointer paths; an empty
 * list means the definition is usable and evaluateCompleteness will not trip over it.
 */
import { checkJsonSize, collectProblems, isPlainObject } from '../../../platform/definitions/problems.ts';
import { kindShapes } from '../../../platform/definitions/shapes.ts';
import { createAjv, describeAjvErrors } from '../../../platform/validation.ts';
import { checkCondition, type Problem } from './conditions.ts';
import {
  DOCUMENT_TYPE_CODE,
  ENTITY_TYPES,
  FORM_KEY,
  LIMITS,
  REQUIREMENT_ID,
  REQUIREMENT_KINDS,
  REQUIREMENT_SCHEMAS,
  RequirementsShape,
  STATUS_KEY,
  SUBJECT_FIELDS,
  type EntityType,
  type Requirement,
  type Requirements,
  type StatusGate,
} from './requirements.schema.ts';

export type { Problem } from './conditions.ts';

/** The programme's configuration, for cross-checks. Each part is optional: absent, it is not checked. */
export type RequirementsContext = {
  /** Status keys of the programme's status machine. */
  statuses?: readonly string[];
  /** The initial status: gating it is refused (applications are created there). */
  initialStatus?: string;
  /** The programme's document types (document-policy.ts): code and the entity types they apply to. */
  documentTypes?: readonly { code: string; appliesTo: readonly EntityType[] }[];
  /** Keys of the programme's forms. */
  formKeys?: readonly string[];
};

const ajv = createAjv();
const shape = ajv.compile(RequirementsShape);
const checkRequirementShape = kindShapes(ajv, REQUIREMENT_KINDS, REQUIREMENT_SCHEMAS);

// C0 and C1 controls and DEL.
const CONTROL = /\p{Cc}/u;

/** Returns the problems of a definition; empty when it is valid. Never throws. */
export function validateRequirements(def: unknown, context: RequirementsContext = {}): Problem[] {
  return collectProblems('definition', (problems) => check(def, context, problems), LIMITS.maxErrors);
}

/** Narrows an unknown value to Requirements, or returns its problems. */
export function parseRequirements(
  def: unknown,
  context: RequirementsContext = {},
): { ok: true; requirements: Requirements } | { ok: false; problems: Problem[] } {
  const problems = validateRequirements(def, context);
  return problems.length ? { ok: false, problems } : { ok: true, requirements: def as Requirements };
}

function check(def: unknown, context: RequirementsContext, problems: Problem[]): void {
  if (!isPlainObject(def)) {
    problems.push({ path: '/', message: 'must be an object' });
    return;
  }
  // A legitimate definition is at most 8 levels deep; 32 leaves room.
  if (!checkJsonSize(def, 'definition', LIMITS.maxDefinitionBytes, 32, problems)) return;
  if (!shape(def)) {
    problems.push(...describeAjvErrors(shape.errors));
    return;
  }
  const seen = new Set<string>();
  (def.requirements as unknown[]).forEach((r, i) =>
    checkRequirement(r, `/requirements/${i}`, seen, context, problems),
  );
  checkGates(def.gates as StatusGate[], context, problems);
}

function checkRequirement(
  r: unknown,
  p: string,
  seen: Set<string>,
  context: RequirementsContext,
  problems: Problem[],
): void {
  if (!isPlainObject(r)) {
    problems.push({ path: p, message: 'must be a requirement object' });
    return;
  }
  if (!checkRequirementShape(r, p, problems)) return;
  const req = r as Requirement;
  if (!REQUIREMENT_ID.test(req.id))
    problems.push({
      path: `${p}/id`,
      message: 'must be lower-case letters, digits, "_", "." or "-", starting with a letter',
    });
  else if (seen.has(req.id)) problems.push({ path: `${p}/id`, message: `duplicate id "${req.id}"` });
  seen.add(req.id);
  checkLabel(req.label, `${p}/label`, problems);

  const onSubjects = req.scope.target === 'subjects';
  if (!onSubjects) {
    for (const k of ['entityTypes', 'roles'] as const)
      if (req.scope[k] !== undefined)
        problems.push({
          path: `${p}/scope/${k}`,
          message: 'applies to subjects only; the scope is the application',
        });
  }
  const types: readonly EntityType[] = req.scope.entityTypes ?? ENTITY_TYPES;
  if (req.when !== undefined) checkCondition(req.when, `${p}/when`, onSubjects, problems);

  switch (req.kind) {
    case 'field':
      if (!onSubjects) {
        problems.push({ path: `${p}/scope/target`, message: 'field requirements apply to subjects' });
        return;
      }
      for (const t of types)
        if (!SUBJECT_FIELDS[t].includes(req.field))
          problems.push({
            path: `${p}/field`,
            message: `"${req.field}" is not a field of a ${t === 'entity' ? 'legal entity' : 'person'}${
              req.scope.entityTypes ? '' : '; restrict scope/entityTypes'
            }`,
          });
      return;
    case 'document':
      req.documentTypes.forEach((code, i) => {
        const path = `${p}/documentTypes/${i}`;
        if (!DOCUMENT_TYPE_CODE.test(code)) {
          problems.push({ path, message: 'must be a document type code (lower-case letters, digits, "_")' });
          return;
        }
        if (!context.documentTypes) return;
        const def = context.documentTypes.find((d) => d.code === code);
        if (!def) problems.push({ path, message: `the programme has no document type "${code}"` });
        else if (onSubjects && !types.some((t) => def.appliesTo.includes(t)))
          problems.push({ path, message: `document type "${code}" does not apply to ${types.join(' or ')}` });
      });
      return;
    case 'questionnaire':
      if (!FORM_KEY.test(req.formKey))
        problems.push({
          path: `${p}/formKey`,
          message: 'must be lower-case letters, digits, "_" or "-", starting with a letter',
        });
      else if (context.formKeys && !context.formKeys.includes(req.formKey))
        problems.push({ path: `${p}/formKey`, message: `the programme has no form "${req.formKey}"` });
      return;
    case 'screening':
      if (!onSubjects)
        problems.push({ path: `${p}/scope/target`, message: 'subjects are screened, not applications' });
      return;
    case 'ownership':
      if (!onSubjects || req.scope.entityTypes?.length !== 1 || req.scope.entityTypes[0] !== 'entity')
        problems.push({
          path: onSubjects ? `${p}/scope/entityTypes` : `${p}/scope/target`,
          message:
            'ownership requirements apply to legal entities: scope {target: "subjects", entityTypes: ["entity"]}',
        });
      return;
  }
}

function checkGates(gates: StatusGate[], context: RequirementsContext, problems: Problem[]): void {
  const seen = new Set<string>();
  gates.forEach((g, i) => {
    const p = `/gates/${i}`;
    if (!STATUS_KEY.test(g.status))
      problems.push({ path: `${p}/status`, message: `"${g.status}" is not a valid status key` });
    else if (seen.has(g.status))
      problems.push({ path: `${p}/status`, message: `duplicate gate for status "${g.status}"` });
    else if (context.statuses && !context.statuses.includes(g.status))
      problems.push({ path: `${p}/status`, message: `the programme has no status "${g.status}"` });
    else if (context.initialStatus === g.status)
      problems.push({
        path: `${p}/status`,
        message: `"${g.status}" is the initial status: applications are created there, it cannot be gated`,
      });
    seen.add(g.status);
    const warn = g.warn ?? [];
    if (g.block.length === 0 && warn.length === 0)
      problems.push({ path: p, message: 'a gate must block or warn on at least one kind' });
    warn.forEach((k, j) => {
      if (g.block.includes(k))
        problems.push({ path: `${p}/warn/${j}`, message: `"${k}" is already a blocking kind` });
    });
  });
}

function checkLabel(s: string, path: string, problems: Problem[]): void {
  if (!s.isWellFormed() || CONTROL.test(s))
    problems.push({ path, message: 'contains a control or invalid character' });
  else if (s.normalize('NFC').trim() !== s)
    problems.push({ path, message: 'must be trimmed and NFC-normalised' });
  else if (!s) problems.push({ path, message: 'must not be blank' });
}
