/**
 * A user's passkeys: list, rename, remove. Renaming and removal need a recent step-up (the caller's
 * gate); removal is by the user or by an administrator (staff only), each audited with who did it.
 * A client user always keeps a second factor: their last passkey cannot go while they have neither
 * an authenticator app nor a phone.
 */
import type { Kysely } from 'kysely';
import { inTransaction } from '../../../db/transaction.ts';
import type { DB } from '../../../db/types.ts';
import type { Ctx } from '../../../platform/context.ts';
import { AppError, notFound } from '../../../platform/errors.ts';
import { appendAudit } from '../../audit/audit.repository.ts';
import { accountTarget } from '../realm.ts';
import type { PasskeyPolicy } from './passkeys.options.ts';
import { presentPasskey, type PasskeyView } from './passkeys.presenter.ts';
import { findUserPasskey, listUserPasskeys } from './passkeys.repository.ts';
import { normalisePasskeyName } from './register-passkey.ts';

type AuditCtx = Pick<Ctx, 'actor' | 'requestId' | 'now'>;

export async function listPasskeys(
  db: Kysely<DB>,
  policy: PasskeyPolicy,
  userId: string,
): Promise<PasskeyView[]> {
  return (await listUserPasskeys(db, userId, policy.realm)).map((r) => presentPasskey(r, policy));
}

export async function renamePasskey(
  db: Kysely<DB>,
  ctx: AuditCtx,
  policy: PasskeyPolicy,
  input: { userId: string; passkeyId: string; name: string },
): Promise<PasskeyView> {
  const name = normalisePasskeyName(input.name);
  return inTransaction(db, async (tx) => {
    const found = await findUserPasskey(tx, input.userId, policy.realm, input.passkeyId);
    if (!found) throw notFound('passkey');
    const row = await tx
      .updateTable('passkey_credentials')
      .set({ name })
      .where('id', '=', found.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await appendAudit(tx, ctx, {
      type: 'auth.passkey_renamed',
      target: accountTarget(input.userId, policy.realm),
      payload: { passkeyId: row.id },
    });
    return presentPasskey(row, policy);
  });
}

export async function removePasskey(
  db: Kysely<DB>,
  ctx: AuditCtx,
  policy: PasskeyPolicy,
  input: { userId: string; passkeyId: string; by: 'user' | 'administrator' },
): Promise<void> {
  await inTransaction(db, async (tx) => {
    const found = await findUserPasskey(tx, input.userId, policy.realm, input.passkeyId);
    if (!found) throw notFound('passkey');
    if (policy.realm === 'client') await keepAClientFactor(tx, input.userId, found.id);
    await tx.deleteFrom('passkey_credentials').where('id', '=', found.id).execute();
    await appendAudit(tx, ctx, {
      type: 'auth.passkey_removed',
      target: accountTarget(input.userId, policy.realm),
      payload: { passkeyId: found.id, by: input.by },
    });
  });
}

/** Clients always sign in with a second factor: refuse to remove the only one they have. */
async function keepAClientFactor(db: Kysely<DB>, userId: string, passkeyId: string): Promise<void> {
  const [user, totp, others] = await Promise.all([
    db.selectFrom('client_users').select('mobile_last4').where('id', '=', userId).executeTakeFirst(),
    db
      .selectFrom('auth_totp_factors')
      .select('id')
      .where('user_id', '=', userId)
      .where('status', '=', 'active')
      .executeTakeFirst(),
    db
      .selectFrom('passkey_credentials')
      .select('id')
      .where('user_id', '=', userId)
      .where('id', '!=', passkeyId)
      .executeTakeFirst(),
  ]);
  if (!user?.mobile_last4 && !totp && !others)
    throw new AppError('conflict', 'This passkey is your only second factor.', { reason: 'last_factor' });
}
