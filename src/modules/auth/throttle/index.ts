/**
 * The block-delay guard: one guard in front of every credential check (password, directory bind,
 * TOTP, SMS and recovery codes). No HTTP here; the sign-in flow calls it.
 *
 * Usage
 * ```ts
 * const guard = await beginAttempt(db, { scope: 'password', account: username, ip, now }, policy);
 * if (!guard.allowed) return sameResponseAsWrongPassword(); // do not verify, not even a right password
 * const result = await verify(...);          // dummy verification for unknown users
 * if (result === 'ok') await guard.succeed();
 * else if (result === 'wrong_secret') await guard.fail();
 * else await guard.release();                 // refused for another reason: not a failure
 * ```
 *
 * Design (ASVS 6.1.1, 6.3.1, 6.3.4; NIST SP 800-63B 5.2.2)
 * - Counters, one table row each, shared by every server through the database:
 *   password step: `account` (normalised username, from any source: distributed guessing),
 *   `account_ip` (that username from one source) and `ip` (one source across usernames: credential
 *   stuffing, spraying); second-factor step, a separate and stricter policy: `user` and `attempt`
 *   (one login attempt).
 * - The account key is the normalised username (NFKC, trimmed, lower case), hashed, for any
 *   username typed, known or not: unknown and known accounts are throttled identically, so the
 *   guard reveals nothing about existence.
 * - Sources: IPv4 addresses as such; IPv6 by /64 prefix, since one host or line usually owns a
 *   whole /64 and could otherwise rotate through addresses for fresh free attempts. Callers pass
 *   the address from the socket or a configured proxy; IPv4-mapped IPv6 is unwrapped
 *   ({@link normaliseIp}).
 * - Reserve before verifying: `beginAttempt` increments every key of the attempt by an atomic
 *   upsert (INSERT ... ON CONFLICT DO UPDATE SET failures = failures + 1 RETURNING ...) and decides
 *   on the counts it gets back, in one short transaction. N parallel attempts are therefore counted
 *   one after another on the row lock and cannot race past the limit; logins on other keys are
 *   not serialised. A refused attempt is rolled back and counts nowhere (waiting out a delay by
 *   retrying does not extend it). The attempt that reaches the free attempts of a key also holds
 *   that key's next delay until it is settled, so only one attempt at a time gets past a limit.
 * - Escalating, temporary delays: once a key has `freeAttempts` failures, each failure imposes
 *   baseDelayMs × factor^(failures − freeAttempts), capped at maxDelayMs; during a delay every
 *   attempt on that key is refused before verification. Failures are forgotten `windowMs` after
 *   a key's last failure. No permanent lockout unless `hardLockAfter` (≤ 100, NIST) is configured;
 *   then the account is refused after that many consecutive failures until a success or an
 *   administrator. Defaults and their reasons: {@link DEFAULT_THROTTLE_POLICY}.
 * - Only wrong secrets count: `release` takes a reservation back for a refusal for any other
 *   reason (ASVS: a denial for another reason must not lock anyone).
 * - A success forgets that source's failures: the account+source counter is cleared and the same
 *   number of failures is taken off the account-wide and source-wide counters (so an office
 *   behind one NAT address is not tripped by its own users' typos, while failures from other
 *   sources stay on the account). It also ends the consecutive-failure streak.
 * - A delay cannot be avoided by a fresh username spelling, a new IPv6 address in the same /64, a
 *   new login attempt (second factor: the `user` key) or parallel requests. The account-wide key
 *   can still be used to delay its owner (the unavoidable price of stopping distributed guessing);
 *   its threshold is higher than the per-source one and its delays are capped, so the owner waits
 *   at most `maxDelayMs` per failure and an administrator can lift it.
 * - Time comes from the caller (`now`); the database provides atomicity only.
 * - Audit: every delay imposed (`auth.delay_imposed`: scope, key type, failures, delay, lock,
 *   source address; never a secret or the username typed) and every lift (`auth.delay_lifted`).
 *   Refusals are not audited here (they can come in floods); the sign-in flow logs them.
 */
export {
  DEFAULT_THROTTLE_POLICY,
  NIST_MAX_CONSECUTIVE_FAILURES,
  delayAfter,
  resolveThrottlePolicy,
  type AnyScopePolicy,
  type PasswordKeyKind,
  type ScopePolicy,
  type SecondFactorKeyKind,
  type ThrottleKeyKind,
  type ThrottlePolicy,
  type ThrottlePolicyOverrides,
  type ThrottleScope,
} from './throttle.options.ts';
export { normaliseAccount, normaliseIp, sourceKey } from './throttle.keys.ts';
export type { ThrottleTicket } from './throttle.ticket.ts';
export {
  beginAttempt,
  type AllowedAttempt,
  type AttemptDecision,
  type BeginAttemptInput,
  type RefusedAttempt,
} from './begin-attempt.ts';
export { failAttempt, releaseAttempt, succeedAttempt, type FailOutcome } from './settle-attempt.ts';
export { liftDelay, type LiftDelayInput } from './lift-delay.ts';
export { purgeThrottle } from './purge-throttle.ts';
