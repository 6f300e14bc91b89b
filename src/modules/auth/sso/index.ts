/**
 * OpenID Connect single sign-on for staff (issue 9): the authorisation code flow with PKCE, state
 * and nonce bound to the browser, ID tokens checked by openid-client against the algorithm
 * allow-list, users linked, pre-provisioned or created just in time with roles and programmes from
 * their groups, the provider's multi-factor assertion or Dossier's own second factor, back-channel
 * and front-channel logout, and RP-initiated logout. Every step and refusal is audited.
 */
export { SsoProvider, SsoProviderUnavailableError, SsoRegistry } from './sso-providers.ts';
export { type SsoDeps, ATTEMPT_LIFETIME_MS } from './sso.options.ts';
export {
  SsoRefusedError,
  stepUpErrorCode,
  type SsoErrorCode,
  type SsoStepUpErrorCode,
} from './sso.errors.ts';
export { returnWith, safeReturnTo, startSsoStepUp, AUTH_TIME_SKEW_S } from './sso-step-up.ts';
export { startSsoSignIn, type StartSsoResult } from './start-sso-sign-in.ts';
export { completeSsoSignIn, type CompleteSsoInput, type CompleteSsoResult } from './complete-sso-sign-in.ts';
export {
  backChannelLogout,
  endSessionUrlFor,
  frontChannelLogout,
  LOGOUT_TOKEN_MAX_AGE_S,
  SsoLogoutRefusedError,
} from './sso-logout.ts';
export { pendingSsoSignIn } from './sso-pending.ts';
export { listSsoIdentities, type SsoIdentityView } from './list-sso-identities.ts';
export { purgeSsoState } from './sso.repository.ts';
export * from './sso.settings.ts';
