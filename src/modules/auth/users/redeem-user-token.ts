/**
 * The shared core of activation and password reset: a token from an e-mail plus a chosen password.
 * Internal to the module; activateStaffUser and completePasswordReset are the public ways in.
 *
 * Order matters:
 * 1. The token is looked up (not consumed) to learn whose it is, since the policy forbids the
 *    user's own name in the password.
 * 2. The password is checked and hashed outside any transaction (argon2 is slow; no row lock or
 *    connection is held meanwhile). A policy failure therefore leaves the token usable.
 * 3. One transaction consumes the token with a conditional UPDATE (single use even in parallel),
 *    re-checks the user, stores the hash, retires the user's other live tokens, lets the caller
 *    end sessions, and appends the audit event.
 */
import type { Tx } from '../../../db/transaction.ts';
import { inTransaction } from '../../../db/transaction.ts';
import { hashNewPassword } from '../passwords/index.ts';
import { InvalidUserTokenError, type PasswordDeps } from './staff-user.options.ts';
import {
  consumeToken,
  findLiveToken,
  findStaffUser,
  retireLiveTokens,
  type StaffUserRow,
  type StaffUserTokenRow,
  type TokenPurpose,
} from './staff-user.repository.ts';
import { hashUserToken, isWellFormedUserToken } from './staff-user.token.ts';

/** The words of a user that may not appear in their password (the username is passed separately). */
export function personalContextWords(user: Pick<StaffUserRow, 'email' | 'display_name'>): string[] {
  return [user.email.split('@')[0] ?? '', user.display_name];
}

/** Hashes `password` under the policy, with the user's own words as context. */
export function hashForUser(
  deps: Pick<PasswordDeps, 'hasher' | 'passwordPolicy'>,
  user: Pick<StaffUserRow, 'username' | 'email' | 'display_name'>,
  password: string,
): Promise<string> {
  return hashNewPassword(deps.hasher, password, {
    ...deps.passwordPolicy,
    username: user.username,
    contextWords: [...(deps.passwordPolicy.contextWords ?? []), ...personalContextWords(user)],
  });
}

/**
 * Redeems a token of `purpose` for the password; `finish` runs last in the same transaction (audit,
 * ending sessions) and its result is returned.
 * @throws InvalidUserTokenError for an unknown, used, retired or expired token or a disabled user.
 * @throws PasswordPolicyError (400) with the problem codes; the token stays usable.
 */
export async function redeemUserToken<T>(
  deps: PasswordDeps,
  purpose: TokenPurpose,
  input: { token: string; password: string },
  finish: (tx: Tx, user: StaffUserRow, token: StaffUserTokenRow) => Promise<T>,
): Promise<T> {
  const { ctx } = deps;
  if (!isWellFormedUserToken(input.token)) throw new InvalidUserTokenError();
  const hash = hashUserToken(input.token);
  const found = await findLiveToken(ctx.db, hash, purpose, ctx.now());
  if (!found) throw new InvalidUserTokenError();
  const user = await findStaffUser(ctx.db, found.user_id);
  if (!user || user.status !== 'active') throw new InvalidUserTokenError();
  const passwordHash = await hashForUser(deps, user, input.password);
  return inTransaction(ctx.db, async (tx) => {
    // Time is read again: hashing took a while and the token may have expired meanwhile.
    const now = ctx.now();
    const used = await consumeToken(tx, found.id, now);
    if (!used) throw new InvalidUserTokenError();
    const locked = await findStaffUser(tx, user.id, 'lock');
    // Disabled while the password was being hashed: the throw rolls the consumption back too.
    if (!locked || locked.status !== 'active') throw new InvalidUserTokenError();
    const updated = await tx
      .updateTable('staff_users')
      .set({ password_hash: passwordHash, password_changed_at: now, updated_at: now })
      .where('id', '=', user.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    // Any other link (a pending reset, a stale activation) is pointless once a password is chosen.
    await retireLiveTokens(tx, user.id, null, now);
    return finish(tx, updated, used);
  });
}
