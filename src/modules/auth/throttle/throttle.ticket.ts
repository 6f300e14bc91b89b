/** The reservation an allowed attempt holds until it is settled (succeed, fail or release). */
import type { Ctx } from '../../../platform/context.ts';
import type { ThrottleKey } from './throttle.keys.ts';
import type { AnyScopePolicy, ThrottleKeyKind, ThrottleScope } from './throttle.options.ts';
import type { Realm } from '../realm.ts';

/** A key as reserved, with the delay the reservation placed on it while its outcome is unknown. */
export interface ReservedKey extends ThrottleKey {
  /** The hold: set when the key reached its free attempts, so no parallel attempt can pass. */
  readonly hold: Date | null;
}

/**
 * Plain data: what settling needs. Settle each ticket exactly once; a ticket that is never settled
 * (a crash) stays counted as a failure, which errs on the safe side.
 */
export interface ThrottleTicket {
  readonly scope: ThrottleScope;
  readonly keys: readonly ReservedKey[];
  readonly reservedAt: Date;
  /** The normalised source address, for the audit trail. */
  readonly ip: string;
  readonly userId: string | null;
  /** Whose account `userId` is (the audit target type). */
  readonly realm: Realm;
  readonly requestId: string | null;
  readonly policy: Readonly<AnyScopePolicy>;
}

const settled = new WeakSet<ThrottleTicket>();

/** Marks a ticket settled; a second settlement is a bug in the caller (it would count twice). */
export function markSettled(ticket: ThrottleTicket): void {
  if (settled.has(ticket)) throw new Error('throttle: this attempt was already settled');
  settled.add(ticket);
}

/** The audit context of the guard: a system actor, the request, and the caller's time. */
export function auditCtx(ticket: ThrottleTicket, now: Date): Pick<Ctx, 'actor' | 'requestId' | 'now'> {
  return {
    actor: { kind: 'system', label: 'auth-throttle', rights: new Set() },
    requestId: ticket.requestId,
    now: () => now,
  };
}

/** The free attempts of a key under its scope's policy. */
export function freeOf(policy: AnyScopePolicy, kind: ThrottleKeyKind): number {
  const n = policy.freeAttempts[kind];
  if (n === undefined) throw new Error(`throttle: no policy for key ${kind}`);
  return n;
}

/** Whether the hard lock (if configured) applies to this key: the account-wide ones only. */
export function isLockable(kind: ThrottleKeyKind): boolean {
  return kind === 'account' || kind === 'user';
}
