import { inTransaction } from '../../../db/transaction.ts';
import { AppError, notFound } from '../../../platform/errors.ts';
import { appendAudit, recordAudit } from '../../audit/audit.repository.ts';
import { endUserSessions } from '../sessions/index.ts';
import { beginAttempt, normaliseIp, type ThrottlePolicy } from '../throttle/index.ts';
import { WrongCurrentPasswordError, type PasswordDeps } from './staff-user.options.ts';
import { hashForUser } from './redeem-user-token.ts';
import { assertLocallyManaged } from '../directory/managed-by-directory.ts';
import { accountTarget, realmInfo, type Realm } from '../realm.ts';

/** A signed-in user changes their own password. */
export interface ChangePasswordInput {
  /** The signed-in user (from the session, never from the request body). */
  userId: string;
  currentPassword: string;
  newPassword: string;
  /** The session making the request, kept alive; every other session of the user is ended. */
  keepSessionId?: string | undefined;
  /** Whose account (default staff): the table and the audit events. */
  realm?: Realm | undefined;
}

/**
 * Changes a user's password after verifying the current one (ASVS 6.2.3). A wrong current password
 * is audited (`staff_user.password_change_failed`) and refused with WrongCurrentPasswordError (403);
 * the new password then goes through the policy (PasswordPolicyError, 400, nothing changed). On
 * success every other session ends in the same transaction, the change is audited
 * (`staff_user.password_changed`) and the user is notified after the commit.
 *
 * This verifies a credential, so the route must put it behind the block-delay guard
 * (`beginAttempt` with the user's username) like every other credential check (ASVS 6.3.4).
 * @throws AppError not_found (unknown or disabled user), conflict (password changed concurrently).
 */
export async function changePassword(deps: PasswordDeps, input: ChangePasswordInput): Promise<void> {
  const { ctx } = deps;
  const realm = realmInfo(input.realm);
  const target = accountTarget(input.userId, input.realm);
  const user = await ctx.db
    .selectFrom(realm.table)
    .select(['id', 'username', 'email', 'display_name', 'status', 'password_hash'])
    .where('id', '=', input.userId)
    .executeTakeFirst();
  if (!user || user.status !== 'active')
    throw notFound(realm.realm === 'client' ? 'client user' : 'staff user');
  if (realm.realm === 'staff') await assertLocallyManaged(ctx.db, user.id);
  // verifyPassword(null, …) runs a dummy verification: a user without a password takes as long.
  if (!(await deps.hasher.verifyPassword(user.password_hash, input.currentPassword))) {
    await recordAudit(ctx.db, ctx, {
      type:
        realm.realm === 'client' ? 'client_user.password_change_failed' : 'staff_user.password_change_failed',
      target,
      payload: { reason: 'wrong_current_password' },
    });
    throw new WrongCurrentPasswordError();
  }
  const newHash = await hashForUser(deps, user, input.newPassword);
  await inTransaction(ctx.db, async (tx) => {
    const now = ctx.now();
    // Only if the hash we verified against is still the stored one: a reset or another change in
    // the meantime wins, and this request must not silently overwrite it.
    const updated = await tx
      .updateTable(realm.table)
      .set({ password_hash: newHash, password_changed_at: now, updated_at: now })
      .where('id', '=', user.id)
      .where('status', '=', 'active')
      .where('password_hash', '=', user.password_hash!)
      .returning('id')
      .executeTakeFirst();
    if (!updated) throw new AppError('conflict', 'the password was changed meanwhile; sign in again');
    const sessionsEnded = await endUserSessions(tx, ctx, {
      userId: user.id,
      reason: 'password_changed',
      ...(input.keepSessionId ? { exceptSessionId: input.keepSessionId } : {}),
    });
    await appendAudit(tx, ctx, {
      type: realm.realm === 'client' ? 'client_user.password_changed' : 'staff_user.password_changed',
      target,
      payload: { sessionsEnded, keptSessionId: input.keepSessionId ?? null },
    });
  });
  await deps.notify?.({ type: 'password_changed', userId: user.id, via: 'change' });
}

/**
 * {@link changePassword} behind the block-delay guard (the current password is a credential check,
 * ASVS 6.3.4): a wrong current password counts as a failure of the account and the source; during
 * a delay nothing is verified and the answer is the same as for a wrong password.
 */
export async function changeOwnPassword(
  deps: PasswordDeps & { throttle: ThrottlePolicy },
  input: ChangePasswordInput & { username: string; ip: string },
): Promise<void> {
  // Nothing to verify for a directory user: refused before the guard counts anything.
  if ((input.realm ?? 'staff') === 'staff') await assertLocallyManaged(deps.ctx.db, input.userId);
  const now = deps.ctx.now();
  const attempt = await beginAttempt(
    deps.ctx.db,
    {
      scope: 'password',
      account: input.username,
      ip: normaliseIp(input.ip),
      now,
      userId: input.userId,
      realm: input.realm,
      requestId: deps.ctx.requestId,
    },
    deps.throttle,
  );
  if (!attempt.allowed) {
    await deps.hasher.verifyPassword(null, input.currentPassword);
    throw new WrongCurrentPasswordError();
  }
  try {
    await changePassword(deps, input);
  } catch (err) {
    if (err instanceof WrongCurrentPasswordError) await attempt.fail(now);
    else await attempt.release();
    throw err;
  }
  await attempt.succeed();
}
