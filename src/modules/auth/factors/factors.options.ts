/**
 * What the second-factor use cases need from the caller, and their tunable parameters with the
 * defaults the security baseline asks for (ASVS 6.5.x, 6.6.x).
 */
import type { Ctx } from '../../../platform/context.ts';
import { validationError } from '../../../platform/errors.ts';

/**
 * The part of a Ctx the factor use cases use: the key ring (TOTP secrets, code MACs) and what the
 * audit trail records. The database handle is passed separately so every use case can open its own
 * transaction: a counted try or a consumed code must commit even if the caller's flow fails later.
 */
export type FactorCtx = Pick<Ctx, 'actor' | 'requestId' | 'keyring' | 'now'>;

/** TOTP enrolment parameters. */
export interface TotpOptions {
  /** Shown by authenticator apps next to "Dossier" (e.g. the firm's name); optional. */
  firmLabel?: string | undefined;
  /** How long an unconfirmed enrolment can still be confirmed. Default 15 minutes. */
  pendingTtlMs?: number | undefined;
}

export const DEFAULT_TOTP_PENDING_TTL_MS = 15 * 60_000;

/** SMS code parameters. */
export interface SmsCodePolicy {
  /** Lifetime of a code; at most 10 minutes (ASVS 6.5.5). */
  ttlMs: number;
  /** Tries per code, the right one included; at most 5 (ASVS 6.6.3). */
  maxTries: number;
  /** Minimum time between two codes for the same user (SMS pumping costs money). */
  cooldownMs: number;
  /** Codes per user in any sliding hour. */
  hourlyCap: number;
}

export const MAX_SMS_TTL_MS = 10 * 60_000;
export const MAX_SMS_TRIES = 5;

export const DEFAULT_SMS_CODE_POLICY: Readonly<SmsCodePolicy> = Object.freeze({
  ttlMs: MAX_SMS_TTL_MS,
  maxTries: MAX_SMS_TRIES,
  cooldownMs: 60_000,
  hourlyCap: 5,
});

/** Fills defaults and refuses values that would break the baseline (a config error, not a user error). */
export function resolveSmsCodePolicy(policy: Partial<SmsCodePolicy> = {}): SmsCodePolicy {
  const p = { ...DEFAULT_SMS_CODE_POLICY, ...policy };
  const int = (v: number) => Number.isSafeInteger(v);
  if (!int(p.ttlMs) || p.ttlMs <= 0 || p.ttlMs > MAX_SMS_TTL_MS)
    throw validationError(`SMS code lifetime must be between 1 ms and ${MAX_SMS_TTL_MS} ms`);
  if (!int(p.maxTries) || p.maxTries < 1 || p.maxTries > MAX_SMS_TRIES)
    throw validationError(`SMS code tries must be between 1 and ${MAX_SMS_TRIES}`);
  if (!int(p.cooldownMs) || p.cooldownMs < 0) throw validationError('SMS cooldown must be ≥ 0');
  if (!int(p.hourlyCap) || p.hourlyCap < 1) throw validationError('SMS hourly cap must be ≥ 1');
  return p;
}

/** The audit context of one call: events carry the `now` the caller passed, not the wall clock. */
export function at(ctx: FactorCtx, now: Date): Pick<Ctx, 'actor' | 'requestId' | 'now'> {
  return { actor: ctx.actor, requestId: ctx.requestId, now: () => now };
}
