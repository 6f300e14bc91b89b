/**
 * Passkeys (WebAuthn, with @simplewebauthn/server) for staff and client users: registration,
 * verification as a second factor, as a step-up factor and as a passwordless sign-in where the
 * policy allows; several per user, renamed and removed after a step-up. No HTTP here.
 */
export {
  CHALLENGE_TTL_MS,
  passkeyPolicyOf,
  type PasskeyPolicy,
  type PasskeySettings,
} from './passkeys.options.ts';
export { presentPasskey, type PasskeyView } from './passkeys.presenter.ts';
export { countUserPasskeys, purgeChallenges } from './passkeys.repository.ts';
export {
  finishPasskeyRegistration,
  normalisePasskeyName,
  startPasskeyRegistration,
  type FinishRegistrationInput,
  type StartRegistrationInput,
} from './register-passkey.ts';
export {
  passkeyFactorOptions,
  passwordlessOptions,
  PasswordlessDisabledError,
} from './authentication-options.ts';
export { verifyPasskeyAssertion, type AssertionCheck, type AssertionOutcome } from './verify-assertion.ts';
export { listPasskeys, removePasskey, renamePasskey } from './manage-passkeys.ts';
export { PasskeySignInFailedError, signInWithPasskey } from './sign-in-with-passkey.ts';
export * from './passkeys.schema.ts';
