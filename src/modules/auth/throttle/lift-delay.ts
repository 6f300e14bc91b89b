import type { Kysely } from 'kysely';
import { inTransaction } from '../../../db/transaction.ts';
import type { DB } from '../../../db/types.ts';
import type { Ctx } from '../../../platform/context.ts';
import { appendAudit } from '../../audit/audit.repository.ts';
import { hashKeyPart, normaliseAccount, sourceKey } from './throttle.keys.ts';
import { deleteCounters } from './throttle.repository.ts';

/** Whose delay to lift: an account (both scopes, every source) or a source address. */
export type LiftDelayInput =
  | {
      /** The username; normalised like at sign-in. */
      account: string;
      /** The staff user's id, when known: the target of the audit event. */
      userId?: string | undefined;
    }
  | {
      /** A client address; for IPv6 its /64 is lifted. Clears only the source-wide counter. */
      ip: string;
    };

/**
 * Lifts delays and a hard lock at an administrator's request (the route requires `user:manage`):
 * for an account, every counter of that account in both scopes (the account-wide and per-source
 * password counters, the second-factor counters); for an address, its source-wide counter. The
 * counters are deleted, so the failures are forgotten too. Audited as `auth.delay_lifted`, in the
 * same transaction, also when there was nothing to lift. Returns the number of counters cleared.
 */
export async function liftDelay(
  db: Kysely<DB>,
  ctx: Pick<Ctx, 'actor' | 'requestId' | 'now'>,
  input: LiftDelayInput,
): Promise<number> {
  return inTransaction(db, async (tx) => {
    let cleared = 0;
    if ('account' in input) {
      const name = normaliseAccount(input.account);
      const account = hashKeyPart('account', name);
      // The order of beginAttempt (account-wide before per-source), so neither can deadlock the other.
      cleared += await deleteCounters(tx, 'password', 'account', { account });
      cleared += await deleteCounters(tx, 'password', 'account_ip', { account });
      cleared += await deleteCounters(tx, 'second_factor', 'user', { account });
      cleared += await deleteCounters(tx, 'second_factor', 'attempt', { account });
      await appendAudit(tx, ctx, {
        type: 'auth.delay_lifted',
        ...(input.userId ? { target: { type: 'staff_user', id: input.userId } } : {}),
        payload: { account: name, ip: null, cleared },
      });
    } else {
      const source = sourceKey(input.ip);
      cleared += await deleteCounters(tx, 'password', 'ip', { source });
      await appendAudit(tx, ctx, {
        type: 'auth.delay_lifted',
        payload: { account: null, ip: source, cleared },
      });
    }
    return cleared;
  });
}
