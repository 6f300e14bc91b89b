import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { inTransaction } from '../../../db/transaction.ts';
import type { DB } from '../../../db/types.ts';
import { notFound } from '../../../platform/errors.ts';
import { insertPendingTotp } from './factors.repository.ts';
import type { FactorCtx, TotpOptions } from './factors.options.ts';
import { newTotpSecret, totpContext, totpUri } from './totp.ts';
import { realmInfo, type Realm } from '../realm.ts';

export interface StartTotpEnrolmentInput {
  userId: string;
  /** Whose account (default staff): the audit target and, for enrolment, the table. */
  realm?: Realm | undefined;
  /** Defaults to ctx.now(). */
  now?: Date | undefined;
}

export interface TotpEnrolment {
  /** `otpauth://totp/...`, to be shown as a QR code. */
  uri: string;
  /** The same secret in base32, for manual entry. Shown once; never retrievable again. */
  secret: string;
}

/**
 * Starts enrolling an authenticator app: stores a fresh secret, encrypted under the TOTP key, as the
 * user's pending factor (replacing an earlier pending one) and returns what the app needs. Nothing
 * changes for sign-in until {@link confirmTotpEnrolment} proves the app works. The caller requires a
 * recent re-authentication first (ASVS 7.5.1).
 */
export async function startTotpEnrolment(
  db: Kysely<DB>,
  ctx: FactorCtx,
  input: StartTotpEnrolmentInput,
  options: TotpOptions = {},
): Promise<TotpEnrolment> {
  const now = input.now ?? ctx.now();
  const user = await db
    .selectFrom(realmInfo(input.realm).table)
    .select('username')
    .where('id', '=', input.userId)
    .executeTakeFirst();
  if (!user) throw notFound(input.realm === 'client' ? 'client user' : 'staff user');
  const secret = newTotpSecret();
  await inTransaction(db, (tx) =>
    insertPendingTotp(tx, {
      id: randomUUID(),
      user_id: input.userId,
      status: 'pending',
      secret_enc: ctx.keyring.encryptField(secret, totpContext(input.userId), 'totp'),
      created_at: now,
    }),
  );
  return { uri: totpUri({ secret, username: user.username, firmLabel: options.firmLabel }), secret };
}
