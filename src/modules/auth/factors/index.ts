/**
 * Second factors of staff users: authenticator apps (TOTP), SMS codes and recovery codes. Building
 * blocks for the sign-in flow; no HTTP here.
 */
export {
  DEFAULT_SMS_CODE_POLICY,
  DEFAULT_TOTP_PENDING_TTL_MS,
  MAX_SMS_TRIES,
  MAX_SMS_TTL_MS,
  resolveSmsCodePolicy,
  type FactorCtx,
  type SmsCodePolicy,
  type TotpOptions,
} from './factors.options.ts';
export { totpIssuer, totpUri, TOTP_DIGITS, TOTP_ISSUER, TOTP_PERIOD_S } from './totp.ts';
export { normaliseRecoveryCode, RECOVERY_CODE_COUNT } from './recovery-code.ts';
export {
  startTotpEnrolment,
  type StartTotpEnrolmentInput,
  type TotpEnrolment,
} from './start-totp-enrolment.ts';
export {
  confirmTotpEnrolment,
  type ConfirmTotpEnrolmentInput,
  type ConfirmTotpResult,
} from './confirm-totp-enrolment.ts';
export { verifyTotpCode, type VerifyTotpCodeInput, type VerifyTotpResult } from './verify-totp-code.ts';
export { removeTotpFactor, type RemoveTotpFactorInput } from './remove-totp-factor.ts';
export {
  issueSmsCode,
  type IssuedSmsCode,
  type IssueSmsCodeInput,
  type RefusedSmsCode,
} from './issue-sms-code.ts';
export { verifySmsCode, type VerifySmsCodeInput, type VerifySmsResult } from './verify-sms-code.ts';
export { generateRecoveryCodes, type GenerateRecoveryCodesInput } from './generate-recovery-codes.ts';
export {
  useRecoveryCode,
  type UseRecoveryCodeInput,
  type UseRecoveryCodeResult,
} from './use-recovery-code.ts';
export { countRecoveryCodes, getFactorSummary, type FactorSummary } from './get-factor-summary.ts';
