/**
 * A single sign-on waiting for Dossier's second factor: the sign-in page, sent back by the callback
 * with `?step=second-factor`, asks which factors the user can give (the password step answers that
 * in its response; the callback is a redirect, so it cannot). Only with the cookie of a session in
 * stage 'second_factor' that single sign-on started; the step itself is the password sign-in's.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../../../db/types.ts';
import { hashSessionToken } from '../sessions/index.ts';
import { offeredFactors, SignInExpiredError, type OfferedFactors } from '../sign-in/index.ts';

export async function pendingSsoSignIn(
  db: Kysely<DB>,
  token: string | null,
  now: Date,
): Promise<OfferedFactors & { expiresAt: Date; mobileLast4: string | null }> {
  if (!token || !/^[A-Za-z0-9_-]{43}$/.test(token)) throw new SignInExpiredError();
  const row = await db
    .selectFrom('sessions as s')
    .innerJoin('staff_users as u', 'u.id', 's.user_id')
    .select(['s.user_id', 's.expires_at', 'u.status', 'u.mobile_last4'])
    .where('s.token_hash', '=', hashSessionToken(token))
    .where('s.realm', '=', 'staff')
    .where('s.stage', '=', 'second_factor')
    .where('s.sso_provider', 'is not', null)
    .where('s.ended_at', 'is', null)
    .where('s.expires_at', '>', now)
    .executeTakeFirst();
  if (!row || row.status !== 'active') throw new SignInExpiredError();
  const offered = await offeredFactors({ db }, row.user_id, row.mobile_last4 !== null);
  return { ...offered, expiresAt: row.expires_at, mobileLast4: row.mobile_last4 };
}
