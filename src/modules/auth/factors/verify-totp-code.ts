import type { Kysely } from 'kysely';
import type { DB } from '../../../db/types.ts';
import { acceptTotpStep, findTotpFactor } from './factors.repository.ts';
import type { FactorCtx } from './factors.options.ts';
import { cleanCode, matchTotpStep, totpContext } from './totp.ts';

export interface VerifyTotpCodeInput {
  userId: string;
  code: string;
  /** Defaults to ctx.now(). */
  now?: Date | undefined;
}

/**
 * `replayed`: the code was right but its time step (or a later one) was already accepted. Callers
 * should answer it exactly like `wrong` and count it as a failure.
 */
export type VerifyTotpResult = 'ok' | 'wrong' | 'replayed' | 'no_factor';

/**
 * Checks a code against the user's active authenticator: the current time step or the one before,
 * never a future one, and each step at most once (the last accepted step is stored and moved
 * forward atomically). Not audited here: the sign-in flow records the outcome with the factor used,
 * and the throttling of tries is the sign-in guard's (one guard for every credential path).
 */
export async function verifyTotpCode(
  db: Kysely<DB>,
  ctx: FactorCtx,
  input: VerifyTotpCodeInput,
): Promise<VerifyTotpResult> {
  const now = input.now ?? ctx.now();
  const factor = await findTotpFactor(db, input.userId, 'active');
  if (!factor) return 'no_factor';
  const secret = ctx.keyring.decryptField(factor.secret_enc, totpContext(input.userId), 'totp');
  const step = matchTotpStep(secret, cleanCode(input.code), now);
  if (step === null) return 'wrong';
  return (await acceptTotpStep(db, factor.id, step, now)) ? 'ok' : 'replayed';
}
