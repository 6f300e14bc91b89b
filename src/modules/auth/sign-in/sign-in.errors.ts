/**
 * The sign-in flow's answers to failure. One message per step, whatever the cause (unknown user,
 * wrong password, disabled account, block-delay in force): the client must not learn which, and
 * must not be able to tell by status, body or timing (ASVS 6.3.8). The audit trail records why.
 */
import { AppError } from '../../../platform/errors.ts';

export class SignInFailedError extends AppError {
  constructor() {
    super(
      'unauthenticated',
      'Sign-in failed: the username or password is wrong, or sign-in is paused after repeated failures. Try again later.',
      { reason: 'sign_in_failed' },
    );
    this.name = 'SignInFailedError';
  }
}

export class SecondFactorFailedError extends AppError {
  constructor() {
    super(
      'unauthenticated',
      'The code was not accepted: it is wrong, expired or already used, or verification is paused after repeated failures.',
      { reason: 'second_factor_failed' },
    );
    this.name = 'SecondFactorFailedError';
  }
}

/** The sign-in that the cookie names is unknown, finished or past its few minutes. */
export class SignInExpiredError extends AppError {
  constructor() {
    super('unauthenticated', 'This sign-in has expired or is unknown; start again with your password.', {
      reason: 'sign_in_expired',
    });
    this.name = 'SignInExpiredError';
  }
}
