/**
 * Staff sign-in (issue 3): password step → second factor (authenticator app, SMS code or recovery
 * code) → active session; or password alone inside a trusted network when a role allows it. Every
 * credential check goes through the block-delay guard; every failure looks the same to the client
 * and is audited with its cause. Step-up repeats the second factor for sensitive actions.
 */
export { type SignInDeps, type SignInFactor, type SignInRequest } from './sign-in.options.ts';
export { SecondFactorFailedError, SignInExpiredError, SignInFailedError } from './sign-in.errors.ts';
export {
  offeredFactors,
  signInWithPassword,
  type OfferedFactors,
  type PasswordStepInput,
  type PasswordStepResult,
} from './password-step.ts';
export {
  abandonSignIn,
  completeSignIn,
  sendSignInSmsCode,
  sendSmsCode,
  signInSmsText,
  startSignInEnrolment,
  type SecondFactorStepInput,
  type SecondFactorStepResult,
} from './second-factor-step.ts';
export { sendStepUpSmsCode, stepUp, type StepUpInput } from './step-up.ts';
export * from './sign-in.schema.ts';
