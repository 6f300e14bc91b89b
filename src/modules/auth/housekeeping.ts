/**
 * Periodic housekeeping of sign-in state (the internal server runs it every few minutes): expired
 * block-delay counters, sessions ended or expired more than the retention period ago (their start
 * and end stay in the audit trail), used or dead SMS codes, used or expired activation and reset
 * tokens, and expired passkey challenges. Nothing here is needed once it is past; keeping less is the point (data minimisation).
 */
import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import { purgeThrottle, type ThrottlePolicy } from './throttle/index.ts';
import { purgeSsoState } from './sso/index.ts';
import { purgeChallenges } from './passkeys/index.ts';

/** How long ended sessions stay listable (an administrator investigating "was that me?"). */
export const SESSION_RETENTION_MS = 30 * 24 * 3_600_000;
/** SMS codes are kept a day past their expiry: the hourly cap counts them meanwhile. */
const SMS_CODE_RETENTION_MS = 24 * 3_600_000;
const TOKEN_RETENTION_MS = 30 * 24 * 3_600_000;

export interface PurgeResult {
  throttle: number;
  sessions: number;
  smsCodes: number;
  tokens: number;
  /** Single sign-on attempts and logout-token records past their use. */
  sso: number;
  /** Passkey challenges past their few minutes (answered or not). */
  passkeyChallenges: number;
}

export async function purgeAuthState(
  db: Kysely<DB>,
  opts: { now: Date; throttle: ThrottlePolicy },
): Promise<PurgeResult> {
  const { now } = opts;
  const sessionsBefore = new Date(now.getTime() - SESSION_RETENTION_MS);
  const throttle = await purgeThrottle(db, { now, policy: opts.throttle });
  // A session past its lifetime by the retention period is removed whether or not anyone saw it
  // expire: the audit trail keeps its start.
  const sessions = await db
    .deleteFrom('sessions')
    .where((eb) => eb.or([eb('ended_at', '<', sessionsBefore), eb('expires_at', '<', sessionsBefore)]))
    .executeTakeFirst();
  const smsCodes = await db
    .deleteFrom('auth_sms_codes')
    .where('expires_at', '<', new Date(now.getTime() - SMS_CODE_RETENTION_MS))
    .executeTakeFirst();
  const tokens = await db
    .deleteFrom('staff_user_tokens')
    .where((eb) =>
      eb.or([
        eb('expires_at', '<', new Date(now.getTime() - TOKEN_RETENTION_MS)),
        eb('used_at', '<', new Date(now.getTime() - TOKEN_RETENTION_MS)),
      ]),
    )
    .executeTakeFirst();
  const passkeyChallenges = await purgeChallenges(db, now);
  const sso = await purgeSsoState(db, now);
  return {
    sso,
    passkeyChallenges,
    throttle,
    sessions: Number(sessions.numDeletedRows),
    smsCodes: Number(smsCodes.numDeletedRows),
    tokens: Number(tokens.numDeletedRows),
  };
}
