/**
 * Settling a reserved attempt: it succeeded, it failed (a wrong secret), or it was refused for
 * another reason and must not count (release).
 */
import type { Kysely } from 'kysely';
import { inTransaction } from '../../../db/transaction.ts';
import type { DB } from '../../../db/types.ts';
import type { AuditEvent } from '../../audit/audit.events.ts';
import { recordAudit } from '../../audit/audit.repository.ts';
import { delayAfter } from './throttle.options.ts';
import { deleteCounter, extendDelay, forget, lockCounter } from './throttle.repository.ts';
import { auditCtx, freeOf, isLockable, markSettled, type ThrottleTicket } from './throttle.ticket.ts';
import { accountTarget } from '../realm.ts';

/** What a failure imposed: the longest new delay over the keys, and whether a hard lock was reached. */
export interface FailOutcome {
  delayMs: number;
  locked: boolean;
}

/**
 * The secret was right. Forgets the failures of this source for this account: the pair key
 * (account+IP, or the login attempt for the second factor) is deleted, and as many failures are
 * taken off the account-wide and source-wide keys, which also ends this attempt's own reservation.
 * Failures from other sources stay on the account, so a success elsewhere does not hand an
 * attacker fresh free attempts. The consecutive-failure streak of the account ends (NIST).
 */
export async function succeedAttempt(db: Kysely<DB>, ticket: ThrottleTicket): Promise<void> {
  markSettled(ticket);
  const { scope, policy } = ticket;
  const [wide, pair, ...others] = ticket.keys;
  if (!wide || !pair) throw new Error('throttle: malformed ticket');
  await inTransaction(db, async (tx) => {
    // Lock in the order beginAttempt does: the account-wide row before the pair row.
    await lockCounter(tx, scope, wide);
    // At least this attempt's own reservation, even if an administrator cleared the pair meanwhile.
    const count = Math.max(await deleteCounter(tx, scope, pair), 1);
    for (const key of [wide, ...others]) {
      await forget(tx, scope, key, {
        count,
        freeAttempts: freeOf(policy, key.kind),
        hold: key.hold,
        resetStreak: true,
      });
    }
  });
}

/**
 * The secret was wrong. The failure was already counted when the attempt was reserved; this
 * imposes the delay it earns on each key past its free attempts (from `now`, by default the time of
 * reservation) and audits it as `auth.delay_imposed` (key, failures, delay, source address: never
 * the secret). A key cleared by an administrator meanwhile stays cleared.
 */
export async function failAttempt(
  db: Kysely<DB>,
  ticket: ThrottleTicket,
  now: Date = ticket.reservedAt,
): Promise<FailOutcome> {
  markSettled(ticket);
  const { scope, policy } = ticket;
  const outcome: FailOutcome = { delayMs: 0, locked: false };
  await inTransaction(db, async (tx) => {
    const events: AuditEvent[] = [];
    for (const key of ticket.keys) {
      const row = await lockCounter(tx, scope, key);
      if (!row) continue;
      const delayMs = delayAfter(policy, freeOf(policy, key.kind), row.failures);
      const locked =
        policy.hardLockAfter !== null && isLockable(key.kind) && row.streak >= policy.hardLockAfter;
      if (delayMs > 0) await extendDelay(tx, scope, key, new Date(now.getTime() + delayMs));
      if (delayMs === 0 && !locked) continue;
      outcome.delayMs = Math.max(outcome.delayMs, delayMs);
      outcome.locked ||= locked;
      events.push({
        type: 'auth.delay_imposed',
        ...(ticket.userId ? { target: accountTarget(ticket.userId, ticket.realm) } : {}),
        payload: { scope, key: key.kind, failures: row.failures, delayMs, locked, ip: ticket.ip },
      });
    }
    // Last, so the audit head is locked only briefly (see audit.repository.ts).
    for (const event of events) await recordAudit(tx, auditCtx(ticket, now), event);
  });
  return outcome;
}

/**
 * The attempt was refused for a reason other than a wrong secret (disabled user, no password set,
 * malformed request, an error before verification): takes the reservation back without counting
 * it, and removes the hold it placed. Only wrong secrets may lead to a delay.
 */
export async function releaseAttempt(db: Kysely<DB>, ticket: ThrottleTicket): Promise<void> {
  markSettled(ticket);
  const { scope, policy } = ticket;
  await inTransaction(db, async (tx) => {
    for (const key of ticket.keys) {
      await forget(tx, scope, key, {
        count: 1,
        freeAttempts: freeOf(policy, key.kind),
        hold: key.hold,
        resetStreak: false,
      });
    }
  });
}
