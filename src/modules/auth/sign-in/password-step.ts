/**
 * The password step of staff sign-in. In order, for every request, known user or not:
 *
 * 1. the block-delay guard reserves the attempt on the account, account+IP and IP counters
 *    (atomically, before anything is verified);
 * 2. the password is verified with argon2id: against the user's hash, or a dummy hash when the
 *    user is unknown, has no password yet, or the guard refused (so every failure costs the same);
 * 3. failure: the attempt counts (unless the guard refused it), the cause is audited, and the client
 *    gets the one SignInFailedError;
 * 4. success: the guard forgets this source's failures; then either a trusted network lets the user
 *    skip the second factor (only if one of their roles allows it and none holds an administrative
 *    right; audited as such) and an active session starts, or a session in stage 'second_factor'
 *    starts, good for nothing but the second-factor step for a few minutes.
 *
 * Either way the session token is new: a token the client held before (planted or not) is never
 * upgraded (session fixation, ASVS 7.2.4).
 */
import { inTransaction } from '../../../db/transaction.ts';
import { appendAudit, recordAudit } from '../../audit/audit.repository.ts';
import type { SignInFailureReason } from '../../audit/audit.events.ts';
import { decideSecondFactorSkip } from '../../trusted-networks/index.ts';
import { getFactorSummary } from '../factors/index.ts';
import { countUserPasskeys } from '../passkeys/passkeys.repository.ts';
import { startSession, type LiveSession } from '../sessions/index.ts';
import { checkDirectoryPassword } from '../directory/index.ts';
import { beginAttempt, normaliseAccount, normaliseIp } from '../throttle/index.ts';
import { SignInFailedError } from './sign-in.errors.ts';
import { signInCtx, type SignInDeps, type SignInFactor, type SignInRequest } from './sign-in.options.ts';
import type { Kysely } from 'kysely';
import type { DB } from '../../../db/types.ts';
import { accountTarget, realmInfo, type Realm } from '../realm.ts';

export interface PasswordStepInput {
  username: string;
  password: string;
}

/** What the second-factor step can offer this user. */
export interface OfferedFactors {
  factors: SignInFactor[];
  /** No second factor at all yet: the user must enrol an authenticator app to finish signing in. */
  enrolmentRequired: boolean;
}

export type PasswordStepResult =
  | ({ outcome: 'second_factor'; token: string; session: LiveSession } & OfferedFactors)
  | { outcome: 'signed_in'; token: string; session: LiveSession; secondFactor: 'trusted_network' };

export async function signInWithPassword(
  deps: SignInDeps,
  req: SignInRequest,
  input: PasswordStepInput,
): Promise<PasswordStepResult> {
  const now = (deps.now ?? (() => new Date()))();
  const ctx = signInCtx(deps, req, now);
  const ip = normaliseIp(req.ip);
  const realm = realmInfo(deps.realm);
  const name = normaliseAccount(input.username).slice(0, 200);
  // Both account tables have these columns; the realm picks the table.
  let user = await (deps.db as Kysely<Pick<DB, 'staff_users'>>)
    .selectFrom(realm.table as 'staff_users')
    .select(['id', 'username', 'status', 'password_hash', 'mobile_last4'])
    .where((eb) =>
      realm.realm === 'client'
        ? // Clients may give their e-mail address instead (usernames cannot contain '@').
          eb.or([eb(eb.fn('lower', ['username']), '=', name), eb(eb.fn('lower', ['email']), '=', name)])
        : eb(eb.fn('lower', ['username']), '=', name),
    )
    .executeTakeFirst();
  // One counter per account, whichever of its names was typed (username or, for clients, e-mail).
  const account = realm.accountPrefix + (user?.username ?? name);

  const fail = async (reason: SignInFailureReason, targetId = user?.id ?? null): Promise<never> => {
    await recordAudit(deps.db, ctx, {
      type: 'auth.sign_in_failed',
      ...(targetId ? { target: accountTarget(targetId, deps.realm) } : {}),
      payload: { step: 'password', factor: 'password', reason, ip },
    });
    throw new SignInFailedError();
  };

  const attempt = await beginAttempt(
    deps.db,
    {
      scope: 'password',
      account,
      ip,
      now,
      userId: user?.id ?? null,
      realm: realm.realm,
      requestId: req.requestId,
    },
    deps.throttle,
  );
  if (!attempt.allowed) {
    // Same work as a wrong password, so a delayed account cannot be told apart by timing.
    await deps.hasher.verifyPassword(null, input.password);
    await attempt.equalise();
    return fail('delayed');
  }

  // A directory user (or, with a directory configured, a name unknown here) is checked by a bind
  // instead of the local hash, behind the same guard (src/modules/auth/directory/directory-sign-in.ts).
  const directory =
    deps.directory && realm.realm === 'staff'
      ? await checkDirectoryPassword({ db: deps.db, directory: deps.directory }, ctx, {
          userId: user?.id ?? null,
          login: input.username,
          password: input.password,
          ip,
          now,
          attempt,
        })
      : null;
  // A name the directory checked (known there or not) does the argon2 work a local user's password
  // costs, so the answer's timing does not tell local users from the others. Local users (checked
  // below) hash once.
  if (directory && directory.kind !== 'local')
    await deps.hasher.verifyPassword(null, input.password).catch(() => false);
  if (directory?.kind === 'failed') return fail(directory.reason, directory.userId);
  if (directory?.kind === 'ok') user = directory.user;

  let ok: boolean;
  try {
    ok =
      directory?.kind === 'ok' ||
      (await deps.hasher.verifyPassword(user?.password_hash ?? null, input.password));
  } catch (err) {
    // Hashing refused (busy): nothing was verified, so the attempt must not count.
    await attempt.release();
    throw err;
  }
  if (!ok) {
    await attempt.fail(now);
    return fail(!user ? 'unknown_user' : user.password_hash === null ? 'no_password' : 'wrong_password');
  }
  if (!user || user.status !== 'active' || !(await organisationActive(deps, realm.realm, user.id))) {
    // The right password of a disabled account: refused like any failure, but it proves nothing
    // wrong about the source, so it does not count.
    await attempt.release();
    return fail('disabled');
  }
  await attempt.succeed();
  if (user.password_hash) await upgradeHashIfNeeded(deps, user.id, user.password_hash, input.password);

  // Client users always give a second factor, whatever their network.
  const skip =
    deps.trustedNetworkSkip && realm.realm === 'staff'
      ? await decideSecondFactorSkip(deps.db, { userId: user.id, ip, enabled: true })
      : null;
  const sessionInput = { userId: user.id, ip, userAgent: req.userAgent, realm: realm.realm };

  if (skip?.skip) {
    const { token, session } = await inTransaction(deps.db, async (tx) => {
      const started = await startSession(
        tx,
        ctx,
        { ...sessionInput, secondFactor: 'trusted_network', stage: 'active' },
        deps.session,
      );
      const target = { type: 'staff_user' as const, id: user.id };
      await appendAudit(tx, ctx, {
        type: 'auth.second_factor_skipped',
        target,
        payload: {
          networkId: skip.networkId,
          cidr: skip.cidr,
          roleId: skip.roleId,
          ip,
          sessionId: started.session.id,
        },
      });
      await appendAudit(tx, ctx, {
        type: 'auth.signed_in',
        target,
        payload: { secondFactor: 'trusted_network', ip, sessionId: started.session.id },
      });
      return started;
    });
    return { outcome: 'signed_in', token, session, secondFactor: 'trusted_network' };
  }

  const offered = await offeredFactors(deps, user.id, user.mobile_last4 !== null);
  const { token, session } = await inTransaction(deps.db, async (tx) => {
    const started = await startSession(
      tx,
      ctx,
      { ...sessionInput, secondFactor: null, stage: 'second_factor' },
      deps.session,
    );
    await appendAudit(tx, ctx, {
      type: 'auth.password_accepted',
      target: accountTarget(user.id, deps.realm),
      payload: { ip, sessionId: started.session.id, factors: offered.factors },
    });
    return started;
  });
  return { outcome: 'second_factor', token, session, ...offered };
}

/** The factors a user can finish signing in with: an active authenticator, a phone, passkeys, recovery codes. */
export async function offeredFactors(
  deps: Pick<SignInDeps, 'db'>,
  userId: string,
  hasMobile: boolean,
): Promise<OfferedFactors> {
  const summary = await getFactorSummary(deps.db, userId);
  const passkeys = await countUserPasskeys(deps.db, userId);
  const factors: SignInFactor[] = [];
  if (passkeys > 0) factors.push('passkey');
  if (summary.totp) factors.push('totp');
  if (hasMobile) factors.push('sms');
  if (summary.recoveryCodesRemaining > 0) factors.push('recovery');
  return { factors, enrolmentRequired: !summary.totp && !hasMobile && passkeys === 0 };
}

/**
 * Re-hashes a verified password when the configured argon2 parameters were raised since it was
 * stored (the only moment the plain password is at hand). Only if the hash is still the one
 * verified, so a concurrent change wins.
 */
async function upgradeHashIfNeeded(
  deps: SignInDeps,
  userId: string,
  hash: string,
  password: string,
): Promise<void> {
  if (!deps.hasher.needsRehash(hash)) return;
  const upgraded = await deps.hasher.hashPassword(password);
  await (deps.db as Kysely<Pick<DB, 'staff_users'>>)
    .updateTable(realmInfo(deps.realm).table as 'staff_users')
    .set({ password_hash: upgraded })
    .where('id', '=', userId)
    .where('password_hash', '=', hash)
    .execute();
}

/** A client user signs in only while their organisation is active; staff have no organisation. */
async function organisationActive(deps: SignInDeps, realm: Realm, userId: string): Promise<boolean> {
  if (realm !== 'client') return true;
  const row = await deps.db
    .selectFrom('client_users as u')
    .innerJoin('client_organisations as o', 'o.id', 'u.organisation_id')
    .select('o.status')
    .where('u.id', '=', userId)
    .executeTakeFirst();
  return row?.status === 'active';
}
