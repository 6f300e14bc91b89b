/**
 * Tunable parameters of the block-delay guard, their defaults and why, and the delay schedule.
 * See index.ts for the design.
 */
import { validationError } from '../../../platform/errors.ts';

/** Which credential step an attempt belongs to; each scope has its own counters and policy. */
export type ThrottleScope = 'password' | 'second_factor';

/**
 * The counters ("keys") an attempt is counted on.
 * - password: `account` (normalised username, across sources), `account_ip` (that username from one
 *   source) and `ip` (one source across usernames: credential stuffing, password spraying);
 * - second_factor: `user` (across login attempts) and `attempt` (one login attempt).
 */
export type ThrottleKeyKind = 'account' | 'account_ip' | 'ip' | 'user' | 'attempt';

export type PasswordKeyKind = 'account' | 'account_ip' | 'ip';
export type SecondFactorKeyKind = 'user' | 'attempt';

/** The policy of one scope. All durations in milliseconds. */
export interface ScopePolicy<K extends ThrottleKeyKind> {
  /**
   * Failures allowed on each key before the first delay: the failure that brings a key to this
   * count imposes `baseDelayMs`, every further failure (one attempt per elapsed delay) `factor`
   * times the previous delay, up to `maxDelayMs`.
   */
  freeAttempts: Record<K, number>;
  /** The first delay. */
  baseDelayMs: number;
  /** Growth of the delay per further failure (≥ 1). */
  factor: number;
  /** The longest delay; delays never become a permanent lockout unless `hardLockAfter` is set. */
  maxDelayMs: number;
  /**
   * A key's failures are forgotten once this long has passed since its last failure. At least
   * `maxDelayMs`, so that waiting out a delay never also resets the escalation.
   */
  windowMs: number;
  /**
   * Optional hard lock of the `account` (password) or `user` (second factor) key after this many
   * consecutive failures, counted across windows and ended only by a success or an administrator
   * (liftDelay). Off (null) by default: a hard lock lets anyone who knows a username lock its owner
   * out. When set it must be 1..100 (NIST SP 800-63B 5.2.2: at most 100 consecutive failures).
   */
  hardLockAfter: number | null;
}

/** A scope's policy when the scope is not known statically. */
export type AnyScopePolicy = Omit<ScopePolicy<ThrottleKeyKind>, 'freeAttempts'> & {
  freeAttempts: Partial<Record<ThrottleKeyKind, number>>;
};

export interface ThrottlePolicy {
  password: ScopePolicy<PasswordKeyKind>;
  second_factor: ScopePolicy<SecondFactorKeyKind>;
}

/** NIST SP 800-63B 5.2.2: no more than 100 consecutive failed attempts on one account. */
export const NIST_MAX_CONSECUTIVE_FAILURES = 100;

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/**
 * Defaults, and why:
 *
 * password
 * - `account_ip` 5: one source guessing one account is slowed after 5 tries, which a user who
 *   mistypes also reaches only rarely; it does not touch the account's owner elsewhere.
 * - `account` 10: guessing one account from many sources (a botnet). Higher than `account_ip`
 *   because this counter also delays the owner (the price of stopping distributed guessing), so a
 *   single noisy source must first run into its own, per-source delays.
 * - `ip` 50: one source across many usernames (credential stuffing, spraying). High enough for an
 *   office behind one NAT address, whose users' own successes cancel their failures.
 * - delays 30 s, 1, 2, 4, 8 min, then 15 min (factor 2, capped): a user who mistypes waits
 *   seconds, not hours; a guesser gets at most about 4 tries an hour per key (≈ 100 a day) once the
 *   cap is reached. 15 minutes is the longest an attacker can keep an owner out per failure.
 * - window 24 h: failures are forgotten a day after the last one. Short windows hand an attacker
 *   who pauses a fresh set of free attempts; longer ones punish yesterday's typos.
 * - no hard lock (see `hardLockAfter`).
 *
 * second_factor (stricter: only someone who already passed the password gets here, so delays
 * rarely hit an innocent owner, while 6-digit codes have little entropy)
 * - `attempt` 3: three wrong codes in one login attempt; `user` 5: across login attempts.
 * - delays 1, 2, 4, 8, 16 min, then 30 min: about 2 guesses an hour per user at the cap, so guessing
 *   a TOTP code (2 of 10^6 valid at a time) takes decades on average.
 * - window 24 h, no hard lock.
 */
export const DEFAULT_THROTTLE_POLICY: Readonly<ThrottlePolicy> = Object.freeze({
  password: Object.freeze({
    freeAttempts: Object.freeze({ account: 10, account_ip: 5, ip: 50 }),
    baseDelayMs: 30 * SECOND,
    factor: 2,
    maxDelayMs: 15 * MINUTE,
    windowMs: 24 * HOUR,
    hardLockAfter: null,
  }),
  second_factor: Object.freeze({
    freeAttempts: Object.freeze({ user: 5, attempt: 3 }),
    baseDelayMs: MINUTE,
    factor: 2,
    maxDelayMs: 30 * MINUTE,
    windowMs: 24 * HOUR,
    hardLockAfter: null,
  }),
});

/** Overrides of the defaults, scope by scope and key by key. */
export interface ThrottlePolicyOverrides {
  password?: Partial<Omit<ScopePolicy<PasswordKeyKind>, 'freeAttempts'>> & {
    freeAttempts?: Partial<Record<PasswordKeyKind, number>>;
  };
  second_factor?: Partial<Omit<ScopePolicy<SecondFactorKeyKind>, 'freeAttempts'>> & {
    freeAttempts?: Partial<Record<SecondFactorKeyKind, number>>;
  };
}

/**
 * Fills defaults and refuses values that would break the baseline (a configuration error, raised
 * at start, not a user error).
 */
export function resolveThrottlePolicy(overrides: ThrottlePolicyOverrides = {}): ThrottlePolicy {
  const d = DEFAULT_THROTTLE_POLICY;
  const policy: ThrottlePolicy = {
    password: {
      ...d.password,
      ...overrides.password,
      freeAttempts: { ...d.password.freeAttempts, ...overrides.password?.freeAttempts },
    },
    second_factor: {
      ...d.second_factor,
      ...overrides.second_factor,
      freeAttempts: { ...d.second_factor.freeAttempts, ...overrides.second_factor?.freeAttempts },
    },
  };
  checkScope('password', policy.password);
  checkScope('second_factor', policy.second_factor);
  return policy;
}

function checkScope(name: ThrottleScope, p: AnyScopePolicy): void {
  const int = (v: number) => Number.isSafeInteger(v);
  for (const [kind, n] of Object.entries(p.freeAttempts)) {
    if (!int(n) || n < 1)
      throw validationError(`throttle ${name}.freeAttempts.${kind} must be an integer ≥ 1`);
  }
  if (!int(p.baseDelayMs) || p.baseDelayMs < 1)
    throw validationError(`throttle ${name}.baseDelayMs must be ≥ 1`);
  if (!Number.isFinite(p.factor) || p.factor < 1)
    throw validationError(`throttle ${name}.factor must be ≥ 1`);
  if (!int(p.maxDelayMs) || p.maxDelayMs < p.baseDelayMs)
    throw validationError(`throttle ${name}.maxDelayMs must be ≥ baseDelayMs`);
  if (!int(p.windowMs) || p.windowMs < p.maxDelayMs)
    throw validationError(`throttle ${name}.windowMs must be ≥ maxDelayMs`);
  if (
    p.hardLockAfter !== null &&
    (!int(p.hardLockAfter) || p.hardLockAfter < 1 || p.hardLockAfter > NIST_MAX_CONSECUTIVE_FAILURES)
  )
    throw validationError(
      `throttle ${name}.hardLockAfter must be null or between 1 and ${NIST_MAX_CONSECUTIVE_FAILURES}`,
    );
}

/**
 * The delay imposed by a key's `failures`-th failure, or 0 below the free attempts:
 * min(maxDelayMs, baseDelayMs × factor^(failures − freeAttempts)).
 */
export function delayAfter(
  policy: Pick<AnyScopePolicy, 'baseDelayMs' | 'factor' | 'maxDelayMs'>,
  freeAttempts: number,
  failures: number,
): number {
  if (failures < freeAttempts) return 0;
  // The exponent is capped so the arithmetic stays finite; the cap is reached long before.
  const exponent = Math.min(failures - freeAttempts, 64);
  return Math.min(policy.maxDelayMs, Math.round(policy.baseDelayMs * policy.factor ** exponent));
}
