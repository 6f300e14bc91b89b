/**
 * A refused single sign-on. The browser only ever sees `code` (one of a few fixed words, sent back
 * to the sign-in page as `?sso_error=<code>`); the precise reason goes to the audit trail.
 */
import type { SsoRefusalReason } from '../../audit/audit.events.ts';

/** What the sign-in page is told; it has a message for each. */
export type SsoErrorCode = 'failed' | 'expired' | 'unavailable' | 'not_allowed' | 'disabled';

const CODE: Record<SsoRefusalReason, SsoErrorCode> = {
  unknown_provider: 'failed',
  provider_unavailable: 'unavailable',
  provider_error: 'failed',
  state_unknown: 'expired',
  state_expired: 'expired',
  state_replayed: 'expired',
  browser_mismatch: 'expired',
  nonce_replayed: 'failed',
  token_invalid: 'failed',
  wrong_audience: 'failed',
  wrong_issuer: 'failed',
  token_expired: 'failed',
  algorithm_refused: 'failed',
  signature_invalid: 'failed',
  claims_invalid: 'failed',
  email_unverified: 'not_allowed',
  user_disabled: 'disabled',
  not_provisioned: 'not_allowed',
  account_conflict: 'not_allowed',
  no_mapped_group: 'not_allowed',
  separation_of_duties: 'not_allowed',
  logout_token_invalid: 'failed',
  logout_token_replayed: 'failed',
  step_up_subject_mismatch: 'failed',
  step_up_not_reauthenticated: 'failed',
  step_up_no_mfa: 'failed',
  step_up_session_ended: 'expired',
};

/**
 * What the back-office page a step-up returns to is told (`?step_up_error=<code>`); it has a message
 * for each. `wrong_account` and `no_mfa` tell the user what to do differently at the provider.
 */
export type SsoStepUpErrorCode = 'failed' | 'expired' | 'unavailable' | 'wrong_account' | 'no_mfa';

export function stepUpErrorCode(reason: SsoRefusalReason): SsoStepUpErrorCode {
  if (reason === 'step_up_subject_mismatch') return 'wrong_account';
  if (reason === 'step_up_no_mfa') return 'no_mfa';
  const code = CODE[reason];
  return code === 'expired' || code === 'unavailable' ? code : 'failed';
}

export class SsoRefusedError extends Error {
  readonly reason: SsoRefusalReason;
  readonly code: SsoErrorCode;
  /** Keyed hash of the provider's subject, when the ID token was good enough to name one. */
  readonly subjectHash: string | null;
  /** Set when the refused callback was a step-up's: the relative path to send the browser back to. */
  stepUpReturnTo: string | null = null;

  constructor(reason: SsoRefusalReason, subjectHash: string | null = null) {
    super(`single sign-on refused: ${reason}`);
    this.name = 'SsoRefusedError';
    this.reason = reason;
    this.code = CODE[reason];
    this.subjectHash = subjectHash;
  }
}
