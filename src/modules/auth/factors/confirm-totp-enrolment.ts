import type { Kysely } from 'kysely';
import { inTransaction } from '../../../db/transaction.ts';
import type { DB } from '../../../db/types.ts';
import { appendAudit } from '../../audit/audit.repository.ts';
import { activateTotp, findTotpFactor } from './factors.repository.ts';
import { at, DEFAULT_TOTP_PENDING_TTL_MS, type FactorCtx, type TotpOptions } from './factors.options.ts';
import { cleanCode, matchTotpStep, totpContext } from './totp.ts';
import { accountTarget, type Realm } from '../realm.ts';

export interface ConfirmTotpEnrolmentInput {
  userId: string;
  /** Whose account (default staff): the audit target and, for enrolment, the table. */
  realm?: Realm | undefined;
  /** The code the app shows now. */
  code: string;
  /** Defaults to ctx.now(). */
  now?: Date | undefined;
}

export type ConfirmTotpResult = 'ok' | 'wrong' | 'expired' | 'no_enrolment';

/**
 * Completes an enrolment: a valid code makes the pending factor the user's active one (replacing a
 * previous authenticator, if any) and is audited as `auth.factor_enrolled`. The code's step counts
 * as used, so it cannot be replayed at sign-in.
 */
export async function confirmTotpEnrolment(
  db: Kysely<DB>,
  ctx: FactorCtx,
  input: ConfirmTotpEnrolmentInput,
  options: TotpOptions = {},
): Promise<ConfirmTotpResult> {
  const now = input.now ?? ctx.now();
  const pending = await findTotpFactor(db, input.userId, 'pending');
  if (!pending) return 'no_enrolment';
  const ttl = options.pendingTtlMs ?? DEFAULT_TOTP_PENDING_TTL_MS;
  if (now.getTime() - pending.created_at.getTime() > ttl) return 'expired';
  const secret = ctx.keyring.decryptField(pending.secret_enc, totpContext(input.userId), 'totp');
  const step = matchTotpStep(secret, cleanCode(input.code), now);
  if (step === null) return 'wrong';
  return inTransaction(db, async (tx) => {
    const done = await activateTotp(tx, pending.id, input.userId, step, now);
    if (!done) return 'no_enrolment';
    await appendAudit(tx, at(ctx, now), {
      type: 'auth.factor_enrolled',
      target: accountTarget(input.userId, input.realm),
      payload: { factor: 'totp', replaced: done.replaced },
    });
    return 'ok';
  });
}
