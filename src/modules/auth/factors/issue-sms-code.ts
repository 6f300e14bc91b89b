import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { inTransaction } from '../../../db/transaction.ts';
import type { DB } from '../../../db/types.ts';
import { validationError } from '../../../platform/errors.ts';
import { appendAudit } from '../../audit/audit.repository.ts';
import { insertSmsCode, lockSmsThrottle, smsCodesSince } from './factors.repository.ts';
import { at, resolveSmsCodePolicy, type FactorCtx, type SmsCodePolicy } from './factors.options.ts';
import { newSmsCode, smsAttemptHash, smsCodeMac } from './sms-code.ts';
import { accountTarget, type Realm } from '../realm.ts';

const HOUR_MS = 60 * 60_000;

export interface IssueSmsCodeInput {
  userId: string;
  /** Whose account (default staff): the audit target and, for enrolment, the table. */
  realm?: Realm | undefined;
  /** Opaque id of the login attempt the code is for; the code is valid for this attempt only. */
  attemptId: string;
  /** Defaults to ctx.now(). */
  now?: Date | undefined;
  /** Overrides of {@link DEFAULT_SMS_CODE_POLICY}. */
  policy?: Partial<SmsCodePolicy> | undefined;
}

/** A new code for the caller to hand to the SMS gateway (and nowhere else: not logged, not returned to clients). */
export interface IssuedSmsCode {
  code: string;
  expiresAt: Date;
}

/** Too soon after the last code, or the hourly cap reached; `retryAfterMs` is when one will be allowed. */
export interface RefusedSmsCode {
  refused: 'cooldown' | 'hourly_cap';
  retryAfterMs: number;
}

/**
 * Issues an SMS code for a login attempt, or refuses within the cooldown or past the hourly cap
 * (both audited: `auth.sms_code_sent` without the code, `auth.sms_code_refused`). A new code kills
 * the user's previous one, whatever attempt it was for. Issuing is serialised per user by a row
 * lock, so parallel resends cannot exceed the cap. Only the code's MAC is stored.
 */
export async function issueSmsCode(
  db: Kysely<DB>,
  ctx: FactorCtx,
  input: IssueSmsCodeInput,
): Promise<IssuedSmsCode | RefusedSmsCode> {
  const policy = resolveSmsCodePolicy(input.policy);
  if (!input.attemptId) throw validationError('attemptId is required');
  const now = input.now ?? ctx.now();
  const audit = at(ctx, now);
  const target = accountTarget(input.userId, input.realm);
  return inTransaction(db, async (tx) => {
    const lastSentAt = await lockSmsThrottle(tx, input.userId);
    let refusal: RefusedSmsCode | null = null;
    const cooldownLeft = lastSentAt.getTime() + policy.cooldownMs - now.getTime();
    if (cooldownLeft > 0) {
      refusal = { refused: 'cooldown', retryAfterMs: cooldownLeft };
    } else {
      const recent = await smsCodesSince(tx, input.userId, new Date(now.getTime() - HOUR_MS));
      if (recent.count >= policy.hourlyCap) {
        // The window slides: a code may be sent again once the oldest of the hour has aged out.
        const retryAfterMs = Math.max(
          1,
          (recent.oldest?.getTime() ?? now.getTime()) + HOUR_MS - now.getTime(),
        );
        refusal = { refused: 'hourly_cap', retryAfterMs };
      }
    }
    if (refusal) {
      await appendAudit(tx, audit, {
        type: 'auth.sms_code_refused',
        target,
        payload: { reason: refusal.refused, retryAfterMs: refusal.retryAfterMs },
      });
      return refusal;
    }
    const code = newSmsCode();
    const expiresAt = new Date(now.getTime() + policy.ttlMs);
    await insertSmsCode(tx, {
      id: randomUUID(),
      user_id: input.userId,
      attempt_hash: smsAttemptHash(input.attemptId),
      code_mac: smsCodeMac(ctx.keyring, input.attemptId, code),
      state: 'live',
      created_at: now,
      expires_at: expiresAt,
    });
    await appendAudit(tx, audit, {
      type: 'auth.sms_code_sent',
      target,
      payload: { expiresAt: expiresAt.toISOString() },
    });
    return { code, expiresAt };
  });
}
