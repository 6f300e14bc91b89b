import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { inTransaction } from '../../../db/transaction.ts';
import type { DB } from '../../../db/types.ts';
import { appendAudit } from '../../audit/audit.repository.ts';
import { replaceRecoveryCodes } from './factors.repository.ts';
import { at, type FactorCtx } from './factors.options.ts';
import {
  newRecoveryCode,
  normaliseRecoveryCode,
  RECOVERY_CODE_COUNT,
  recoveryCodeMac,
} from './recovery-code.ts';
import { accountTarget, type Realm } from '../realm.ts';

export interface GenerateRecoveryCodesInput {
  userId: string;
  /** Whose account (default staff): the audit target and, for enrolment, the table. */
  realm?: Realm | undefined;
  /** Defaults to ctx.now(). */
  now?: Date | undefined;
}

/**
 * Creates a new set of {@link RECOVERY_CODE_COUNT} recovery codes, replacing the whole previous set
 * (used or not), and returns them in display form. They are shown once: only their MACs are kept.
 * Audited as `auth.recovery_codes_generated`. The caller requires a recent re-authentication.
 */
export async function generateRecoveryCodes(
  db: Kysely<DB>,
  ctx: FactorCtx,
  input: GenerateRecoveryCodesInput,
): Promise<{ codes: string[] }> {
  const now = input.now ?? ctx.now();
  const codes = new Set<string>();
  // A repeat among 80-bit codes will not happen, but the unique index would turn it into an error.
  while (codes.size < RECOVERY_CODE_COUNT) codes.add(newRecoveryCode());
  const rows = [...codes].map((code) => ({
    id: randomUUID(),
    user_id: input.userId,
    code_mac: recoveryCodeMac(ctx.keyring, input.userId, normaliseRecoveryCode(code)!),
    created_at: now,
  }));
  await inTransaction(db, async (tx) => {
    await replaceRecoveryCodes(tx, rows, input.userId);
    await appendAudit(tx, at(ctx, now), {
      type: 'auth.recovery_codes_generated',
      target: accountTarget(input.userId, input.realm),
      payload: { count: rows.length },
    });
  });
  return { codes: [...codes] };
}
