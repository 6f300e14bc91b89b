export * from './subject.schema.ts';
export * from './relationship.schema.ts';
export { createSubject, type CreateSubjectInput } from './create-subject.ts';
export { getSubject, type GetSubjectInput } from './get-subject.ts';
export { listSubjects } from './list-subjects.ts';
export { updateSubject, type UpdateSubjectInput } from './update-subject.ts';
export { createRelationship, type CreateRelationshipInput } from './create-relationship.ts';
export { deleteRelationship } from './delete-relationship.ts';
export { listSubjectRelationships } from './list-subject-relationships.ts';
export { getOwnership, type GetOwnershipInput } from './get-ownership.ts';
export {
  computeOwnership,
  findUboCandidates,
  type OwnershipEdge,
  type OwnershipResult,
  type UboCandidate,
} from './ownership-graph.ts';
export { mayRevealSensitiveFields } from './subject.policy.ts';
export { findVisibleSubject, subjectScope, visibleSubjectIds } from './find-visible-subject.ts';
export { SENSITIVE_FIELD_NAMES, maskDate, type SensitiveField } from './sensitive-fields.ts';
/**
 * Transaction-level writes WITHOUT actor checks, for a caller that did its own access check (the
 * client portal checks the client organisation's application, then acts in its programme). Staff
 * code uses the use cases above, which check rights and programme visibility first.
 */
export {
  findProbableDuplicates,
  insertCheckedRelationship,
  insertPreparedSubject,
  lockSubject,
  patchSubject,
  prepareNewSubject,
  removeRelationship,
  SHARE_UNITS,
  toShareUnits,
  type CheckedRelationship,
  type NewSubjectInput,
  type PreparedSubject,
  type SubjectPatch,
} from './subject.writes.ts';
export { openIdentifiers, type OpenedIdentifier } from './subject.identifiers.ts';
export { Disclosure } from './sensitive-fields.ts';
export type { SubjectRow } from './subject.repository.ts';
