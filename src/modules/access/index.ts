export { RIGHTS, ALL_RIGHTS, isRight, type Right, type Access } from './rights.ts';
export { actorRef, hasRight, type Actor } from './actor.ts';
