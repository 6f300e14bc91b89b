/**
 * Public surface of the completeness engine: the requirements model and its validation, the input
 * snapshot, the evaluation into missing items, status gates, version diffs and the default KYC set.
 * Pure functions, no I/O: loading snapshots, storing results and HTTP belong to the callers.
 */
export {
  LIMITS,
  WHOLE_PPM,
  ENTITY_TYPES,
  SUBJECT_ROLES,
  SUBJECT_FIELDS,
  REQUIREMENT_KINDS,
  MISSING_REASONS,
  OWNERSHIP_CHECKS,
  type EntityType,
  type SubjectRole,
  type RequirementKind,
  type MissingReason,
  type OwnershipCheck,
  type FactValue,
  type Condition,
  type Scope,
  type FieldRequirement,
  type DocumentRequirement,
  type QuestionnaireRequirement,
  type ScreeningRequirement,
  type OwnershipRequirement,
  type Requirement,
  type StatusGate,
  type Requirements,
} from './requirements.schema.ts';
export {
  validateRequirements,
  parseRequirements,
  type Problem,
  type RequirementsContext,
} from './validate-requirements.ts';
export {
  validateSnapshot,
  CompletenessSnapshotSchema,
  type CompletenessSnapshot,
  type SubjectSnapshot,
  type DocumentSnapshot,
  type QuestionnaireSnapshot,
  type ScreeningSnapshot,
  type OwnershipSummary,
  type OwnershipCandidate,
} from './snapshot.ts';
export {
  evaluateCompleteness,
  type CompletenessResult,
  type MissingItem,
  type MissingDetail,
  type Check,
} from './evaluate-completeness.ts';
export { checkStatusGate, type GateDecision } from './status-gate.ts';
export {
  diffRequirements,
  type RequirementsDiff,
  type RequirementSummary,
  type PropertyChange,
} from './diff-requirements.ts';
export { defaultRequirements } from './default-requirements.ts';
export { DEFAULT_MESSAGES, formatMissingItem } from './messages.ts';
export { utcDay, daysBetween, isIsoDate } from './dates.ts';
