import type { Kysely } from 'kysely';
import { inTransaction } from '../../../db/transaction.ts';
import type { DB } from '../../../db/types.ts';
import { appendAudit } from '../../audit/audit.repository.ts';
import { consumeRecoveryCode, countUnusedRecoveryCodes, recoveryCodeWasUsed } from './factors.repository.ts';
import { at, type FactorCtx } from './factors.options.ts';
import { normaliseRecoveryCode, recoveryCodeMac } from './recovery-code.ts';
import { accountTarget, type Realm } from '../realm.ts';

export interface UseRecoveryCodeInput {
  userId: string;
  /** Whose account (default staff): the audit target and, for enrolment, the table. */
  realm?: Realm | undefined;
  /** As typed: case, spaces, hyphens and look-alike letters are forgiven. */
  code: string;
  /** Defaults to ctx.now(). */
  now?: Date | undefined;
}

/** `used`: the code is in the user's current set but was used before. Answer it like `wrong`. */
export type UseRecoveryCodeResult = 'ok' | 'wrong' | 'used';

/**
 * Uses one of the user's recovery codes as a second factor. The code is consumed by one conditional
 * update, so it works once even when submitted twice in parallel. A success is audited as
 * `auth.recovery_code_used` with the number of codes left (the sign-in flow should tell the user,
 * and urge a new set when few remain); failures are left to the sign-in flow and its guard.
 */
export async function useRecoveryCode(
  db: Kysely<DB>,
  ctx: FactorCtx,
  input: UseRecoveryCodeInput,
): Promise<UseRecoveryCodeResult> {
  const now = input.now ?? ctx.now();
  const canonical = normaliseRecoveryCode(input.code);
  if (canonical === null) return 'wrong';
  const mac = recoveryCodeMac(ctx.keyring, input.userId, canonical);
  return inTransaction(db, async (tx) => {
    if (!(await consumeRecoveryCode(tx, input.userId, mac, now))) {
      return (await recoveryCodeWasUsed(tx, input.userId, mac)) ? 'used' : 'wrong';
    }
    const remaining = await countUnusedRecoveryCodes(tx, input.userId);
    await appendAudit(tx, at(ctx, now), {
      type: 'auth.recovery_code_used',
      target: accountTarget(input.userId, input.realm),
      payload: { remaining },
    });
    return 'ok';
  });
}
