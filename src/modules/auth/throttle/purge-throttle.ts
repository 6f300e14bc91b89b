import type { Kysely } from 'kysely';
import type { DB } from '../../../db/types.ts';
import { DEFAULT_THROTTLE_POLICY, type ThrottlePolicy, type ThrottleScope } from './throttle.options.ts';
import { purgeCounters } from './throttle.repository.ts';

/**
 * Housekeeping (a periodic job): deletes counters whose failures are forgotten anyway (window
 * passed, no delay in force), so the table holds only live counters, also when attackers try many
 * made-up usernames. With a hard lock configured, account-wide counters with a streak are kept:
 * the streak must survive the window. Returns the number of rows deleted.
 */
export async function purgeThrottle(
  db: Kysely<DB>,
  opts: { now: Date; policy?: ThrottlePolicy | undefined },
): Promise<number> {
  const policy = opts.policy ?? DEFAULT_THROTTLE_POLICY;
  let deleted = 0;
  for (const scope of ['password', 'second_factor'] as ThrottleScope[]) {
    const p = policy[scope];
    deleted += await purgeCounters(db, scope, {
      windowStart: new Date(opts.now.getTime() - p.windowMs),
      now: opts.now,
      keepStreaks: p.hardLockAfter !== null,
    });
  }
  return deleted;
}
