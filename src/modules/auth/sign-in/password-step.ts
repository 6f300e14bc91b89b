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
import { startSession, type LiveSession } from '../sessions/index.ts';
import { beginAttempt, normaliseAccount, normaliseIp } from '../throttle/index.ts';
import { SignInFailedError } from './sign-in.errors.ts';
import { signInCtx, type SignInDeps, type SignInFactor, type SignInRequest } from './sign-in.options.ts';

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
  const account = normaliseAccount(input.username).slice(0, 200);
  const user = await deps.db
    .selectFrom('staff_users')
    .select(['id', 'username', 'status', 'password_hash', 'mobile_last4'])
    .where((eb) => eb(eb.fn('lower', ['username']), '=', account))
    .executeTakeFirst();

  const fail = async (reason: SignInFailureReason): Promise<never> => {
    await recordAudit(deps.db, ctx, {
      type: 'auth.sign_in_failed',
      ...(user ? { target: { type: 'staff_user' as const, id: user.id } } : {}),
      payload: { step: 'password', factor: 'password', reason, ip },
    });
    throw new SignInFailedError();
  };

  const attempt = await beginAttempt(
    deps.db,
    { scope: 'password', account, ip, now, userId: user?.id ?? null, requestId: req.requestId },
    deps.throttle,
  );
  if (!attempt.allowed) {
    // Same work as a wrong password, so a delayed account cannot be told apart by timing.
    await deps.hasher.verifyPassword(null, input.password);
    await attempt.equalise();
    return fail('delayed');
  }

  let ok: boolean;
  try {
    ok = await deps.hasher.verifyPassword(user?.password_hash ?? null, input.password);
  } catch (err) {
    // Hashing refused (busy): nothing was verified, so the attempt must not count.
    await attempt.release();
    throw err;
  }
  if (!ok) {
    await attempt.fail(now);
    return fail(!user ? 'unknown_user' : user.password_hash === null ? 'no_password' : 'wrong_password');
  }
  if (!user || user.status !== 'active') {
    // The right password of a disabled account: refused like any failure, but it proves nothing
    // wrong about the source, so it does not count.
    await attempt.release();
    return fail('disabled');
  }
  await attempt.succeed();
  await upgradeHashIfNeeded(deps, user.id, user.password_hash!, input.password);

  const skip = deps.trustedNetworkSkip
    ? await decideSecondFactorSkip(deps.db, { userId: user.id, ip, enabled: true })
    : null;
  const sessionInput = { userId: user.id, ip, userAgent: req.userAgent };

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
      target: { type: 'staff_user', id: user.id },
      payload: { ip, sessionId: started.session.id, factors: offered.factors },
    });
    return started;
  });
  return { outcome: 'second_factor', token, session, ...offered };
}

/** The factors a user can finish signing in with: an active authenticator, a phone, recovery codes. */
export async function offeredFactors(
  deps: Pick<SignInDeps, 'db'>,
  userId: string,
  hasMobile: boolean,
): Promise<OfferedFactors> {
  const summary = await getFactorSummary(deps.db, userId);
  const factors: SignInFactor[] = [];
  if (summary.totp) factors.push('totp');
  if (hasMobile) factors.push('sms');
  if (summary.recoveryCodesRemaining > 0) factors.push('recovery');
  return { factors, enrolmentRequired: !summary.totp && !hasMobile };
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
  await deps.db
    .updateTable('staff_users')
    .set({ password_hash: upgraded })
    .where('id', '=', userId)
    .where('password_hash', '=', hash)
    .execute();
}
