import type { Kysely } from 'kysely';
import { inTransaction } from '../../../db/transaction.ts';
import type { DB } from '../../../db/types.ts';
import { appendAudit } from '../../audit/audit.repository.ts';
import { deleteTotpFactors } from './factors.repository.ts';
import { at, type FactorCtx } from './factors.options.ts';
import { accountTarget, type Realm } from '../realm.ts';

export interface RemoveTotpFactorInput {
  userId: string;
  /** Whose account (default staff): the audit target and, for enrolment, the table. */
  realm?: Realm | undefined;
  /** Defaults to ctx.now(). */
  now?: Date | undefined;
}

/**
 * Removes the user's authenticator app (and any unfinished enrolment); audited as
 * `auth.factor_removed` when an active factor existed. Returns whether one did. The caller requires
 * a recent re-authentication and notifies the user (ASVS 6.3.7, 7.5.1).
 */
export async function removeTotpFactor(
  db: Kysely<DB>,
  ctx: FactorCtx,
  input: RemoveTotpFactorInput,
): Promise<boolean> {
  const now = input.now ?? ctx.now();
  return inTransaction(db, async (tx) => {
    const removed = await deleteTotpFactors(tx, input.userId);
    if (removed) {
      await appendAudit(tx, at(ctx, now), {
        type: 'auth.factor_removed',
        target: accountTarget(input.userId, input.realm),
        payload: { factor: 'totp' },
      });
    }
    return removed;
  });
}
