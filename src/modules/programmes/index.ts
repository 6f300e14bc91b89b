export * from './programme.schema.ts';
export { createProgramme, DEFAULT_UBO_THRESHOLD, type CreateProgrammeInput } from './create-programme.ts';
export { updateProgramme, type UpdateProgrammeInput } from './update-programme.ts';
export { getProgramme } from './get-programme.ts';
export { listProgrammes } from './list-programmes.ts';
export { findProgramme, machineOf } from './programme.repository.ts';
export {
  allowedTargets,
  canTransition,
  defaultStatusMachine,
  initialStatus,
  RISK_LEVELS,
  riskAtMost,
  transitionRule,
  validateStatusMachine,
  type TransitionDef,
  type MachineProblem,
  type StatusMachine,
} from './status-machine.ts';
export {
  listProgrammeMembers,
  ProgrammeMemberView,
  SetProgrammeMembersBody,
  setProgrammeMembers,
} from './programme-members.ts';
