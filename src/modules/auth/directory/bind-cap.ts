/**
 * The per-account cap of failed directory binds: Dossier's promise never to lock a Windows account.
 *
 * Active Directory counts an account's bad passwords (badPwdCount) and locks it at the domain's
 * threshold; the count resets only once the observation window has passed since the last bad
 * password. This guard counts the same way, per directory entry (its DN, so every sign-in name of
 * one account shares it), and refuses to bind once `maxFailedBinds` (below the threshold) failures
 * are in the current streak, until the window passes without one. It does not reset on a success:
 * Active Directory resets its counter on the domain controller that saw the success, which need not
 * be the one that sees the next failure, so only the window is certain.
 *
 * Reserve before the bind, settle after: a reservation counts as a failure until it is settled, so
 * parallel sign-ins cannot all slip through below the cap (they queue on the row lock). A process
 * that dies between reserve and settle leaves a pending bind whose outcome is unknown: once its lease
 * passes it is counted as a failure (the safe side).
 */
import type { Kysely } from 'kysely';
import { inTransaction } from '../../../db/transaction.ts';
import type { DB } from '../../../db/types.ts';

export interface BindCapPolicy {
  /** Failed binds allowed per account in one streak (strictly below the domain's threshold). */
  maxFailedBinds: number;
  /** The domain's observation window ("reset account lockout counter after"). */
  windowMs: number;
  /** How long a reservation may stay unsettled before it counts as a failure. */
  leaseMs: number;
}

export interface BindReservation {
  allowed: boolean;
  /** The bind failed for a wrong password (the domain counted it). */
  failed(now: Date): Promise<void>;
  /** The bind succeeded, or did not happen / did not count (network, refusal before the bind). */
  released(): Promise<void>;
}

/** The account key: the entry's DN, lower case, spaces around separators removed. */
export function bindAccountKey(dn: string): string {
  return dn
    .split(',')
    .map((r) =>
      r
        .trim()
        .toLowerCase()
        .replace(/\s*=\s*/, '='),
    )
    .join(',');
}

interface GuardRow {
  failures: number;
  last_failure_at: Date | null;
  pending: number;
  pending_until: Date | null;
}

/** The row's state at `now`: a streak past its window is forgotten, a stale reservation counted. */
function current(row: GuardRow, now: Date, policy: BindCapPolicy): GuardRow {
  let { failures, last_failure_at, pending, pending_until } = row;
  if (pending > 0 && pending_until && pending_until <= now) {
    failures += pending;
    last_failure_at = pending_until;
    pending = 0;
    pending_until = null;
  }
  if (last_failure_at && now.getTime() - last_failure_at.getTime() >= policy.windowMs) failures = 0;
  return { failures, last_failure_at, pending, pending_until };
}

/**
 * Reserves one bind for the account if the failures of its streak plus the binds in flight stay
 * below the cap. A refused reservation changes nothing (waiting is not extended by retrying).
 */
export async function reserveBind(
  db: Kysely<DB>,
  dn: string,
  now: Date,
  policy: BindCapPolicy,
): Promise<BindReservation> {
  const account = bindAccountKey(dn);
  const allowed = await inTransaction(db, async (tx) => {
    await tx
      .insertInto('directory_bind_guard')
      .values({ account })
      .onConflict((oc) => oc.column('account').doNothing())
      .execute();
    const row = await tx
      .selectFrom('directory_bind_guard')
      .select(['failures', 'last_failure_at', 'pending', 'pending_until'])
      .where('account', '=', account)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const s = current(row, now, policy);
    if (s.failures + s.pending >= policy.maxFailedBinds) {
      await tx.updateTable('directory_bind_guard').set(s).where('account', '=', account).execute();
      return false;
    }
    await tx
      .updateTable('directory_bind_guard')
      .set({ ...s, pending: s.pending + 1, pending_until: new Date(now.getTime() + policy.leaseMs) })
      .where('account', '=', account)
      .execute();
    return true;
  });
  const settle = async (failedAt: Date | null) => {
    if (!allowed) return;
    await inTransaction(db, async (tx) => {
      const row = await tx
        .selectFrom('directory_bind_guard')
        .select(['failures', 'last_failure_at', 'pending', 'pending_until'])
        .where('account', '=', account)
        .forUpdate()
        .executeTakeFirst();
      if (!row) return;
      // A reservation already counted as stale is not counted twice.
      if (row.pending === 0) return;
      const s = current({ ...row, pending_until: null }, failedAt ?? now, policy);
      await tx
        .updateTable('directory_bind_guard')
        .set({
          failures: failedAt ? s.failures + 1 : s.failures,
          last_failure_at: failedAt ?? s.last_failure_at,
          pending: row.pending - 1,
          pending_until: row.pending - 1 > 0 ? row.pending_until : null,
        })
        .where('account', '=', account)
        .execute();
    });
  };
  return { allowed, failed: (at) => settle(at), released: () => settle(null) };
}

/** Forgets streaks past their window with nothing in flight (housekeeping). */
export async function purgeBindGuard(db: Kysely<DB>, now: Date, windowMs: number): Promise<number> {
  const r = await db
    .deleteFrom('directory_bind_guard')
    .where('pending', '=', 0)
    .where((eb) =>
      eb.or([
        eb('last_failure_at', 'is', null),
        eb('last_failure_at', '<', new Date(now.getTime() - windowMs)),
      ]),
    )
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** The current streak of an account (for tests and the administrator's view). */
export async function bindFailures(db: Kysely<DB>, dn: string): Promise<number> {
  const row = await db
    .selectFrom('directory_bind_guard')
    .select('failures')
    .where('account', '=', bindAccountKey(dn))
    .executeTakeFirst();
  return row?.failures ?? 0;
}
