import type { Kysely } from 'kysely';
import { inTransaction } from '../../../db/transaction.ts';
import type { DB } from '../../../db/types.ts';
import { keysOf, normaliseIp } from './throttle.keys.ts';
import {
  DEFAULT_THROTTLE_POLICY,
  delayAfter,
  type AnyScopePolicy,
  type ThrottleKeyKind,
  type ThrottlePolicy,
} from './throttle.options.ts';
import { lockCounter, reserve, setDelay } from './throttle.repository.ts';
import { failAttempt, releaseAttempt, succeedAttempt, type FailOutcome } from './settle-attempt.ts';
import { freeOf, isLockable, type ReservedKey, type ThrottleTicket } from './throttle.ticket.ts';
import type { Realm } from '../realm.ts';

interface AttemptCommon {
  /**
   * The username as typed (password step) or the user's username (second-factor step); it is
   * normalised here. Pass it whether or not the user exists: unknown and known accounts must be
   * throttled alike.
   */
  account: string;
  /** The client address (from the socket or a configured proxy); IPv4-mapped IPv6 is unwrapped. */
  ip: string;
  /** The time of the attempt; delays and windows are measured with it, never the database clock. */
  now: Date;
  /** The staff user's id when the account exists: the target of audit events. Never shown to clients. */
  userId?: string | null | undefined;
  /** Whose account it is (default staff). */
  realm?: Realm | undefined;
  /** Correlates the audit events with the request. */
  requestId?: string | null | undefined;
}

/** One credential check about to be made. */
export type BeginAttemptInput =
  | (AttemptCommon & { scope: 'password' })
  | (AttemptCommon & {
      scope: 'second_factor';
      /** The login attempt the second factor belongs to (counted hashed). */
      attemptId: string;
    });

/**
 * A delay is in force on one of the attempt's keys: refuse the attempt without verifying anything,
 * with the same response as a wrong password (the client must not learn why). `retryAfterMs` is
 * null under a hard lock (until an administrator lifts it); `key` is for logs only.
 */
export interface RefusedAttempt {
  allowed: false;
  retryAfterMs: number | null;
  key: ThrottleKeyKind;
  /**
   * Does the database work a failed attempt's settlement does (locking each counter in one
   * transaction) and changes nothing: with the dummy password verification, it makes a refusal take
   * as long as a wrong password, so a delayed account cannot be told apart by timing.
   */
  equalise(): Promise<void>;
}

/** The attempt is reserved: verify the secret, then settle it exactly once. */
export interface AllowedAttempt {
  allowed: true;
  ticket: ThrottleTicket;
  /** The secret was right: see {@link succeedAttempt}. */
  succeed(): Promise<void>;
  /** The secret was wrong: see {@link failAttempt}. */
  fail(now?: Date): Promise<FailOutcome>;
  /** Refused for another reason; does not count: see {@link releaseAttempt}. */
  release(): Promise<void>;
}

export type AttemptDecision = RefusedAttempt | AllowedAttempt;

/** Thrown inside the transaction to roll back the reservations when a key refuses. */
class Refusal extends Error {
  readonly refused: RefusedAttempt;
  constructor(refused: RefusedAttempt) {
    super('throttle: attempt refused');
    this.refused = refused;
  }
}

/**
 * Reserves an attempt on every key of its scope before the secret is verified: each key's counter
 * is incremented by an atomic upsert (as if the attempt had already failed) and only then is the
 * decision taken, all in one short transaction. A refused attempt is rolled back and counts
 * nowhere. An allowed attempt that brings a key to its free attempts also places that key's next
 * delay at once (a hold), so that parallel attempts cannot slip through while this one is being
 * verified; succeed or release remove the hold, fail makes it the real delay.
 *
 * Run it first on every credential-checking path (password, TOTP, SMS code, recovery code,
 * directory bind), and use one response for refused, wrong and unknown.
 */
export async function beginAttempt(
  db: Kysely<DB>,
  input: BeginAttemptInput,
  policy: ThrottlePolicy = DEFAULT_THROTTLE_POLICY,
): Promise<AttemptDecision> {
  const scopePolicy: AnyScopePolicy = policy[input.scope];
  const keys = keysOf(input.scope, {
    account: input.account,
    ip: input.ip,
    attemptId: input.scope === 'second_factor' ? input.attemptId : undefined,
  });
  const { now } = input;
  const windowStart = new Date(now.getTime() - scopePolicy.windowMs);
  const equalise = () =>
    inTransaction(db, async (tx) => {
      for (const key of keys) await lockCounter(tx, input.scope, key);
    });
  try {
    const reserved = await inTransaction(db, async (tx) => {
      const out: ReservedKey[] = [];
      let refused: RefusedAttempt | null = null;
      for (const key of keys) {
        const row = await reserve(tx, input.scope, key, now, windowStart);
        const lockAt = isLockable(key.kind) ? scopePolicy.hardLockAfter : null;
        if (lockAt !== null && row.streak > lockAt) {
          refused = { allowed: false, retryAfterMs: null, key: key.kind, equalise };
          break;
        }
        if (row.delayed_until && row.delayed_until > now) {
          const retryAfterMs = row.delayed_until.getTime() - now.getTime();
          if (!refused || (refused.retryAfterMs !== null && retryAfterMs > refused.retryAfterMs))
            refused = { allowed: false, retryAfterMs, key: key.kind, equalise };
          continue;
        }
        const delayMs = delayAfter(scopePolicy, freeOf(scopePolicy, key.kind), row.failures);
        const hold = delayMs > 0 ? new Date(now.getTime() + delayMs) : null;
        out.push({ ...key, hold });
      }
      if (refused) throw new Refusal(refused);
      for (const key of out) if (key.hold) await setDelay(tx, input.scope, key, key.hold);
      return out;
    });
    const ticket: ThrottleTicket = {
      scope: input.scope,
      keys: reserved,
      reservedAt: now,
      ip: normaliseIp(input.ip),
      userId: input.userId ?? null,
      realm: input.realm ?? 'staff',
      requestId: input.requestId ?? null,
      policy: scopePolicy,
    };
    return {
      allowed: true,
      ticket,
      succeed: () => succeedAttempt(db, ticket),
      fail: (at?: Date) => failAttempt(db, ticket, at),
      release: () => releaseAttempt(db, ticket),
    };
  } catch (err) {
    if (err instanceof Refusal) return err.refused;
    throw err;
  }
}
