export { RIGHTS, ALL_RIGHTS, ADMINISTRATIVE_RIGHTS, isRight, type Right, type Access } from './rights.ts';
export { actorLabel, actorRef, hasRight, type Actor } from './actor.ts';
