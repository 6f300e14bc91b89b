/**
 * SQL of the block-delay guard. Every function takes the transaction of its caller, which locks the
 * keys of one attempt in the order of keysOf() (account-wide, pair, source-wide): the same order
 * everywhere, so concurrent attempts wait for each other but never deadlock.
 */
import { sql } from 'kysely';
import type { Executor, Tx } from '../../../db/transaction.ts';
import type { ThrottleKey } from './throttle.keys.ts';
import type { ThrottleScope } from './throttle.options.ts';

export interface CounterState {
  failures: number;
  streak: number;
  delayed_until: Date | null;
}

const col = (name: string) => sql.ref(`auth_throttle.${name}`);

/**
 * Counts one presumed failure on a key and returns the counter as it now stands (increment first,
 * decide afterwards). A key whose last failure is older than `windowStart` starts again from 1;
 * the streak (hard lock) is never reset by the window.
 */
export async function reserve(
  tx: Tx,
  scope: ThrottleScope,
  key: ThrottleKey,
  now: Date,
  windowStart: Date,
): Promise<CounterState> {
  return tx
    .insertInto('auth_throttle')
    .values({
      scope,
      kind: key.kind,
      account: key.account,
      source: key.source,
      failures: 1,
      streak: 1,
      last_failure_at: now,
      delayed_until: null,
    })
    .onConflict((oc) =>
      oc.columns(['scope', 'kind', 'account', 'source']).doUpdateSet({
        failures: sql<number>`CASE WHEN ${col('last_failure_at')} <= ${windowStart}::timestamptz THEN 1
          ELSE ${col('failures')} + 1 END`,
        streak: sql<number>`${col('streak')} + 1`,
        // greatest: servers' clocks differ slightly; a late writer must not move the window back.
        last_failure_at: sql<Date>`greatest(${col('last_failure_at')}, ${now}::timestamptz)`,
      }),
    )
    .returning(['failures', 'streak', 'delayed_until'])
    .executeTakeFirstOrThrow();
}

/** Sets the delay a reservation holds while its outcome is unknown. */
export async function setDelay(tx: Tx, scope: ThrottleScope, key: ThrottleKey, until: Date): Promise<void> {
  await tx
    .updateTable('auth_throttle')
    .set({ delayed_until: until })
    .where('scope', '=', scope)
    .where('kind', '=', key.kind)
    .where('account', '=', key.account)
    .where('source', '=', key.source)
    .execute();
}

/** Locks a key's row (if any) and reads it. */
export async function lockCounter(
  tx: Tx,
  scope: ThrottleScope,
  key: ThrottleKey,
): Promise<CounterState | undefined> {
  return tx
    .selectFrom('auth_throttle')
    .select(['failures', 'streak', 'delayed_until'])
    .where('scope', '=', scope)
    .where('kind', '=', key.kind)
    .where('account', '=', key.account)
    .where('source', '=', key.source)
    .forUpdate()
    .executeTakeFirst();
}

/** Extends a key's delay to at least `until` (never shortens one imposed by someone else). */
export async function extendDelay(
  tx: Tx,
  scope: ThrottleScope,
  key: ThrottleKey,
  until: Date,
): Promise<void> {
  await tx
    .updateTable('auth_throttle')
    .set({
      delayed_until: sql<Date>`greatest(coalesce(${col('delayed_until')}, ${until}::timestamptz), ${until}::timestamptz)`,
    })
    .where('scope', '=', scope)
    .where('kind', '=', key.kind)
    .where('account', '=', key.account)
    .where('source', '=', key.source)
    .execute();
}

/**
 * Takes `count` failures off a key. The delay goes when the key falls below its free attempts, or
 * when it is the very hold this attempt placed (nobody has replaced it since).
 */
export async function forget(
  tx: Tx,
  scope: ThrottleScope,
  key: ThrottleKey,
  opts: { count: number; freeAttempts: number; hold: Date | null; resetStreak: boolean },
): Promise<void> {
  const left = sql<number>`greatest(${col('failures')} - ${opts.count}::integer, 0)`;
  await tx
    .updateTable('auth_throttle')
    .set({
      failures: left,
      streak: opts.resetStreak ? 0 : sql<number>`greatest(${col('streak')} - ${opts.count}::integer, 0)`,
      delayed_until: sql<Date | null>`CASE
        WHEN ${left} < ${opts.freeAttempts}::integer THEN NULL
        WHEN ${col('delayed_until')} = ${opts.hold}::timestamptz THEN NULL
        ELSE ${col('delayed_until')} END`,
    })
    .where('scope', '=', scope)
    .where('kind', '=', key.kind)
    .where('account', '=', key.account)
    .where('source', '=', key.source)
    .execute();
}

/** Deletes a key's row and returns the failures it held (0 if there was none). */
export async function deleteCounter(tx: Tx, scope: ThrottleScope, key: ThrottleKey): Promise<number> {
  const row = await tx
    .deleteFrom('auth_throttle')
    .where('scope', '=', scope)
    .where('kind', '=', key.kind)
    .where('account', '=', key.account)
    .where('source', '=', key.source)
    .returning('failures')
    .executeTakeFirst();
  return row?.failures ?? 0;
}

/** Deletes the rows of one kind for an account hash or a source; returns how many went. */
export async function deleteCounters(
  tx: Tx,
  scope: ThrottleScope,
  kind: ThrottleKey['kind'],
  where: { account: string } | { source: string },
): Promise<number> {
  let q = tx.deleteFrom('auth_throttle').where('scope', '=', scope).where('kind', '=', kind);
  q = 'account' in where ? q.where('account', '=', where.account) : q.where('source', '=', where.source);
  const result = await q.executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * Deletes a scope's rows that no longer matter: window passed, no delay in force and (when a hard
 * lock is configured) no streak towards it.
 */
export async function purgeCounters(
  db: Executor,
  scope: ThrottleScope,
  opts: { windowStart: Date; now: Date; keepStreaks: boolean },
): Promise<number> {
  let q = db
    .deleteFrom('auth_throttle')
    .where('scope', '=', scope)
    .where('last_failure_at', '<', opts.windowStart)
    .where((eb) => eb.or([eb('delayed_until', 'is', null), eb('delayed_until', '<=', opts.now)]));
  if (opts.keepStreaks)
    q = q.where((eb) => eb.or([eb('streak', '=', 0), eb('kind', 'not in', ['account', 'user'])]));
  const result = await q.executeTakeFirst();
  return Number(result.numDeletedRows);
}
