/**
 * Options and dependencies of the staff-user use cases. Nothing here reads configuration: the
 * server builds these objects once from its parsed config and passes them in.
 */
import type { Ctx } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { PasswordHasher, PasswordPolicyOptions } from '../passwords/index.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Lifetimes of activation and reset tokens (ASVS 6.4.1: short-lived). */
export interface TokenLifetimes {
  /** Activation link lifetime in ms. Default 24 h; 15 min to 72 h (a long weekend, no longer). */
  activationMs?: number;
  /** Reset link lifetime in ms. Default 1 h; 5 min to 4 h: a reset is asked for and used at once. */
  resetMs?: number;
}

/** The defaults: 24 h for activation (new staff may read mail the next day), 1 h for a reset. */
export const DEFAULT_TOKEN_LIFETIMES: Readonly<Required<TokenLifetimes>> = Object.freeze({
  activationMs: 24 * HOUR,
  resetMs: HOUR,
});

const BOUNDS = {
  activationMs: [15 * MINUTE, 72 * HOUR],
  resetMs: [5 * MINUTE, 4 * HOUR],
} as const;

/**
 * The lifetimes with defaults filled in.
 * @throws RangeError naming the option when a lifetime is outside its bounds: a configuration error
 *   must stop the server rather than silently issue week-long links.
 */
export function resolveTokenLifetimes(options: TokenLifetimes = {}): Required<TokenLifetimes> {
  const resolved = { ...DEFAULT_TOKEN_LIFETIMES, ...stripUndefined(options) };
  for (const name of ['activationMs', 'resetMs'] as const) {
    const [min, max] = BOUNDS[name];
    const v = resolved[name];
    if (!Number.isInteger(v) || v < min || v > max)
      throw new RangeError(`${name} must be an integer from ${min} to ${max}, got ${String(v)}`);
  }
  return resolved;
}

function stripUndefined(o: TokenLifetimes): TokenLifetimes {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/** Something the user must be told about (ASVS 6.3.7). Ids only; the notifier looks up the rest. */
export type StaffUserNotification =
  | { type: 'password_changed'; userId: string; via: 'change' | 'reset' }
  | { type: 'mobile_changed'; userId: string }
  | { type: 'factor_enrolled'; userId: string; factor: 'totp' }
  | { type: 'factor_removed'; userId: string; factor: 'totp'; by: 'user' | 'administrator' }
  | { type: 'recovery_codes_regenerated'; userId: string }
  | { type: 'passkey_added'; userId: string }
  | { type: 'passkey_removed'; userId: string; by: 'user' | 'administrator' };

/**
 * Sends the user a notification (e-mail). Called after the change has committed; a rejection
 * reaches the caller but does not undo the change, so implementations should enqueue rather than
 * send inline.
 */
export type StaffUserNotifier = (event: StaffUserNotification) => Promise<void>;

/**
 * What the password use cases (activate, complete reset, change) need besides their input. The
 * policy's `username` and `contextWords` are filled in per user: pass only the length window and,
 * where configured, the firm's names.
 */
export interface PasswordDeps {
  ctx: Pick<Ctx, 'db' | 'actor' | 'requestId' | 'now'>;
  hasher: PasswordHasher;
  /** `minLength` follows the configuration: 15 without a second factor, 8 when one always follows. */
  passwordPolicy: Omit<PasswordPolicyOptions, 'username'>;
  /** Told about password changes (change and reset; activation is the user's own first choice). */
  notify?: StaffUserNotifier | undefined;
}

/**
 * The activation or reset token is unknown, used, replaced, expired, or its user is disabled: one
 * answer for all, so the link itself reveals nothing. 400 with `reason: 'invalid_token'`.
 */
export class InvalidUserTokenError extends AppError {
  constructor() {
    super('validation', 'The link is invalid or has expired; ask an administrator for a new one.', {
      reason: 'invalid_token',
    });
    this.name = 'InvalidUserTokenError';
  }
}

/** changePassword: the current password given is wrong. 403 with `reason: 'wrong_current_password'`. */
export class WrongCurrentPasswordError extends AppError {
  constructor() {
    super('forbidden', 'The current password is not correct.', { reason: 'wrong_current_password' });
    this.name = 'WrongCurrentPasswordError';
  }
}
