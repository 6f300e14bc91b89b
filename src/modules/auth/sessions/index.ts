export { DEFAULT_SESSION_POLICY, isSteppedUp, type SessionPolicy } from './session.policy.ts';
export { csrfMatches } from './session.token.ts';
export {
  endSession,
  endUserSessions,
  listSessions,
  resolveSession,
  rotateSession,
  startSession,
  type LiveSession,
  type SecondFactor,
  type SessionView,
  type StartSessionInput,
} from './sessions.ts';
export { authenticateSession, type AuthenticatedSession } from './authenticate-session.ts';
export { hashSessionToken } from './session.token.ts';
