/**
 * Session lifetimes (ASVS 7.3.1/7.3.2, NIST 800-63B AAL2): an idle timeout of 30 minutes and an
 * absolute lifetime of 12 hours, after which the user signs in again with both factors. Step-up:
 * sensitive actions need a second factor within the last 10 minutes. `last_seen_at` is written at
 * most once a minute, so the idle timeout is enforced to within that minute while most requests stay
 * read-only.
 */
export interface SessionPolicy {
  idleTimeoutMs: number;
  absoluteLifetimeMs: number;
  stepUpWindowMs: number;
  touchEveryMs: number;
  /** How long a sign-in may wait between the password and the second factor. */
  loginStepMs: number;
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = {
  idleTimeoutMs: 30 * 60_000,
  absoluteLifetimeMs: 12 * 60 * 60_000,
  stepUpWindowMs: 10 * 60_000,
  touchEveryMs: 60_000,
  loginStepMs: 5 * 60_000,
};

/** True when the session's last second factor is recent enough for a sensitive action. */
export function isSteppedUp(
  session: { secondFactorAt: Date | null },
  now: Date,
  policy: SessionPolicy,
): boolean {
  return (
    session.secondFactorAt !== null &&
    now.getTime() - session.secondFactorAt.getTime() <= policy.stepUpWindowMs
  );
}
