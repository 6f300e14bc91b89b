import { timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import { inTransaction, type Tx } from '../../../db/transaction.ts';
import type { DB } from '../../../db/types.ts';
import { appendAudit } from '../../audit/audit.repository.ts';
import {
  claimSmsTry,
  findSmsCode,
  getSmsCode,
  markSmsCodeUsed,
  type SmsCodeRow,
} from './factors.repository.ts';
import { at, resolveSmsCodePolicy, type FactorCtx, type SmsCodePolicy } from './factors.options.ts';
import { isSmsCodeShape, smsAttemptHash, smsCodeMac } from './sms-code.ts';
import { cleanCode } from './totp.ts';
import { accountTarget, type Realm } from '../realm.ts';

export interface VerifySmsCodeInput {
  userId: string;
  /** Whose account (default staff): the audit target and, for enrolment, the table. */
  realm?: Realm | undefined;
  /** The login attempt the code was issued for; a code of another attempt is never accepted. */
  attemptId: string;
  code: string;
  /** Defaults to ctx.now(). */
  now?: Date | undefined;
  /** Overrides of {@link DEFAULT_SMS_CODE_POLICY}; give the same as to issueSmsCode. */
  policy?: Partial<SmsCodePolicy> | undefined;
}

/**
 * `no_code`: no code was issued for this user and attempt. `expired`: past its lifetime or replaced by
 * a newer code. `too_many_tries`: the code is dead after `maxTries` tries, the right one included.
 * Callers should show one generic message for every refusal.
 */
export type VerifySmsResult = 'ok' | 'wrong' | 'expired' | 'used' | 'too_many_tries' | 'no_code';

/**
 * Checks an SMS code: bound to the user and the login attempt, single use, within its lifetime, at
 * most `maxTries` tries. A try is counted atomically before the code is compared (in constant time,
 * MAC against MAC), and the code is consumed by a conditional update, so parallel submissions cannot
 * use it twice or exceed the tries. Every refusal is audited as `auth.sms_code_failed` (never the code).
 */
export async function verifySmsCode(
  db: Kysely<DB>,
  ctx: FactorCtx,
  input: VerifySmsCodeInput,
): Promise<VerifySmsResult> {
  const policy = resolveSmsCodePolicy(input.policy);
  const now = input.now ?? ctx.now();
  return inTransaction(db, async (tx) => {
    const { result, tries } = await check(tx, ctx, input, now, policy.maxTries);
    if (result !== 'ok') {
      await appendAudit(tx, at(ctx, now), {
        type: 'auth.sms_code_failed',
        target: accountTarget(input.userId, input.realm),
        payload: { reason: result, tries },
      });
    }
    return result;
  });
}

async function check(
  tx: Tx,
  ctx: FactorCtx,
  input: VerifySmsCodeInput,
  now: Date,
  maxTries: number,
): Promise<{ result: VerifySmsResult; tries: number | null }> {
  const row = await findSmsCode(tx, input.userId, smsAttemptHash(input.attemptId));
  if (!row) return { result: 'no_code', tries: null };
  const claimed = await claimSmsTry(tx, row.id, now, maxTries);
  if (!claimed) {
    // Re-read: a parallel request may have used the code or taken the last try meanwhile.
    const current = (await getSmsCode(tx, row.id)) ?? row;
    return { result: whyDead(current, maxTries), tries: current.tries };
  }
  const code = cleanCode(input.code);
  // A malformed code is compared too (as an empty string), so it costs a try like any wrong code.
  const given = smsCodeMac(ctx.keyring, input.attemptId, isSmsCodeShape(code) ? code : '');
  const stored = Buffer.from(claimed.code_mac);
  const right = given.length === stored.length && timingSafeEqual(given, stored);
  if (!right) return { result: 'wrong', tries: claimed.tries };
  return { result: (await markSmsCodeUsed(tx, row.id, now)) ? 'ok' : 'used', tries: claimed.tries };
}

/** Why a code could not take another try. */
function whyDead(row: SmsCodeRow, maxTries: number): VerifySmsResult {
  if (row.state === 'used') return 'used';
  if (row.tries >= maxTries) return 'too_many_tries';
  // Past its lifetime, or replaced by a newer code (a resend or a code for another attempt).
  return 'expired';
}
