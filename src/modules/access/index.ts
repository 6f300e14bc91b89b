export { RIGHTS, ALL_RIGHTS, ADMINISTRATIVE_RIGHTS, isRight, type Right, type Access } from './rights.ts';
export {
  actorLabel,
  actorRef,
  canSeeProgramme,
  hasRight,
  programmeFilter,
  programmeScope,
  type Actor,
  type ProgrammeScope,
} from './actor.ts';
