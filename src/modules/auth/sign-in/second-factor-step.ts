/**
 * The second step of staff sign-in, and the SMS code and first-enrolment services of that step.
 * All of them need the cookie of a session in stage 'second_factor' (started by the password
 * step, alive a few minutes); none works with an active session or without one.
 *
 * Completing the step gives the session a new token (the one from the password step dies) and
 * makes it active: the user is signed in.
 */
import { inTransaction } from '../../../db/transaction.ts';
import { AppError } from '../../../platform/errors.ts';
import { SmsDeliveryError } from '../../../platform/sms/index.ts';
import { appendAudit } from '../../audit/audit.repository.ts';
import {
  countRecoveryCodes,
  generateRecoveryCodes,
  getFactorSummary,
  issueSmsCode,
  startTotpEnrolment,
  type TotpEnrolment,
} from '../factors/index.ts';
import { smsAttemptHash } from '../factors/sms-code.ts';
import { hashSessionToken, isWellFormedToken } from '../sessions/session.token.ts';
import { endSession, rotateSession, type LiveSession } from '../sessions/index.ts';
import { normaliseIp } from '../throttle/index.ts';
import { mobileContext } from '../users/index.ts';
import { checkSecondFactor } from './check-second-factor.ts';
import { SecondFactorFailedError, SignInExpiredError } from './sign-in.errors.ts';
import { signInCtx, type SignInDeps, type SignInFactor, type SignInRequest } from './sign-in.options.ts';
import type { Kysely } from 'kysely';
import type { DB } from '../../../db/types.ts';
import { accountTarget, realmInfo } from '../realm.ts';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { countUserPasskeys } from '../passkeys/passkeys.repository.ts';

export interface PendingSignIn {
  sessionId: string;
  user: { id: string; username: string; mobileEnc: Uint8Array | null };
}

/** The sign-in a 'second_factor' session token belongs to, or SignInExpiredError. */
export async function pendingSignIn(
  deps: SignInDeps,
  token: string | null,
  now: Date,
): Promise<PendingSignIn> {
  if (!token || !isWellFormedToken(token)) throw new SignInExpiredError();
  const realm = realmInfo(deps.realm);
  // Both account tables have these columns; the realm picks the table, and the session must be of it.
  const row = await (deps.db as Kysely<Pick<DB, 'sessions' | 'staff_users'>>)
    .selectFrom('sessions as s')
    .innerJoin(`${realm.table as 'staff_users'} as u`, 'u.id', 's.user_id')
    .select(['s.id', 's.user_id', 'u.username', 'u.status', 'u.mobile_enc'])
    .where('s.realm', '=', realm.realm)
    .where('s.token_hash', '=', hashSessionToken(token))
    .where('s.stage', '=', 'second_factor')
    .where('s.ended_at', 'is', null)
    .where('s.expires_at', '>', now)
    .executeTakeFirst();
  if (!row || row.status !== 'active') throw new SignInExpiredError();
  return { sessionId: row.id, user: { id: row.user_id, username: row.username, mobileEnc: row.mobile_enc } };
}

export interface SecondFactorStepInput {
  /** The session cookie set by the password step. */
  token: string | null;
  factor: SignInFactor;
  code: string;
  /** Passkey only: the assertion (see check-second-factor.ts). */
  assertion?: AuthenticationResponseJSON | undefined;
}

export interface SecondFactorStepResult {
  token: string;
  session: LiveSession;
  factor: SignInFactor;
  /** After a recovery code: how many are left (the user should make new ones when few remain). */
  recoveryCodesRemaining: number | null;
  /** After a first enrolment: the user's new recovery codes, shown this once. */
  recoveryCodes: string[] | null;
}

export async function completeSignIn(
  deps: SignInDeps,
  req: SignInRequest,
  input: SecondFactorStepInput,
): Promise<SecondFactorStepResult> {
  const now = (deps.now ?? (() => new Date()))();
  const pending = await pendingSignIn(deps, input.token, now);
  const { user } = pending;
  // A user with no factor yet confirms the authenticator enrolled during this sign-in.
  let enrol = false;
  if (input.factor === 'totp') {
    const summary = await getFactorSummary(deps.db, user.id);
    enrol =
      !summary.totp &&
      summary.totpPending &&
      user.mobileEnc === null &&
      (await countUserPasskeys(deps.db, user.id)) === 0;
  }
  const ok = await checkSecondFactor(deps, req, {
    step: 'second_factor',
    user,
    attemptId: pending.sessionId,
    factor: input.factor,
    code: input.code,
    enrol,
    assertion: input.assertion,
  });
  if (!ok) throw new SecondFactorFailedError();

  const ctx = signInCtx(deps, req, now);
  const ip = normaliseIp(req.ip);
  const rotated = await inTransaction(deps.db, async (tx) => {
    const r = await rotateSession(
      ctx,
      { sessionId: pending.sessionId, secondFactor: input.factor, from: 'second_factor' },
      deps.session,
      tx,
    );
    await appendAudit(tx, ctx, {
      type: 'auth.signed_in',
      target: accountTarget(user.id, deps.realm),
      payload: { secondFactor: input.factor, ip, sessionId: r.session.id },
    });
    return r;
  });
  const recoveryCodes = enrol
    ? (await generateRecoveryCodes(deps.db, ctx, { userId: user.id, realm: deps.realm, now })).codes
    : null;
  const recoveryCodesRemaining =
    input.factor === 'recovery' ? await countRecoveryCodes(deps.db, user.id) : null;
  return { ...rotated, factor: input.factor, recoveryCodes, recoveryCodesRemaining };
}

/** Text of the sign-in SMS: the code, its lifetime, and the warning against sharing it. */
export function signInSmsText(code: string, ttlMs: number): string {
  const minutes = Math.round(ttlMs / 60_000);
  return `Dossier sign-in code: ${code}. Valid ${minutes} minutes. Never share it: nobody from your firm will ask for it.`;
}

/**
 * Sends an SMS code for a sign-in (or a step-up: `attemptId` then names the active session), to the
 * user's registered mobile number. The code is bound to the attempt. When the gateway fails, the
 * code is killed at once (no live code nobody received), the failure is audited, and the caller gets
 * a 503 saying so; the sign-in itself stays where it was.
 */
export async function sendSmsCode(
  deps: SignInDeps,
  req: SignInRequest,
  input: { userId: string; attemptId: string; mobileEnc: Uint8Array | null },
): Promise<{ expiresAt: Date }> {
  const now = (deps.now ?? (() => new Date()))();
  const ctx = signInCtx(deps, req, now);
  if (!input.mobileEnc)
    throw new AppError('validation', 'No mobile number is registered for this account.', {
      reason: 'no_mobile',
    });
  const to = deps.keyring.decryptField(input.mobileEnc, mobileContext(input.userId, deps.realm));
  const issued = await issueSmsCode(deps.db, ctx, {
    userId: input.userId,
    realm: deps.realm,
    attemptId: input.attemptId,
    now,
    policy: deps.smsPolicy,
  });
  if ('refused' in issued) {
    throw new AppError('rate_limited', 'A code was sent recently; wait before asking for another.', {
      reason: issued.refused,
      retryAfterSeconds: Math.ceil(issued.retryAfterMs / 1000),
    });
  }
  try {
    await deps.sms.send({
      to,
      body: signInSmsText(issued.code, deps.smsPolicy.ttlMs),
      reference: `signin-${input.attemptId}`,
    });
  } catch (err) {
    const reason = err instanceof SmsDeliveryError ? err.reason : 'error';
    await inTransaction(deps.db, async (tx) => {
      await tx
        .updateTable('auth_sms_codes')
        .set({ state: 'replaced' })
        .where('user_id', '=', input.userId)
        .where('attempt_hash', '=', smsAttemptHash(input.attemptId))
        .where('state', '=', 'live')
        .execute();
      await appendAudit(tx, ctx, {
        type: 'auth.sms_code_delivery_failed',
        target: accountTarget(input.userId, deps.realm),
        payload: { reason },
      });
    });
    throw new AppError(
      'unavailable',
      'The text message could not be sent. Try again, or use another factor.',
      {
        reason: 'sms_delivery_failed',
      },
    );
  }
  return { expiresAt: issued.expiresAt };
}

/** Sends an SMS code for the sign-in the cookie names. */
export async function sendSignInSmsCode(
  deps: SignInDeps,
  req: SignInRequest,
  input: { token: string | null },
): Promise<{ expiresAt: Date }> {
  const now = (deps.now ?? (() => new Date()))();
  const pending = await pendingSignIn(deps, input.token, now);
  return sendSmsCode(deps, req, {
    userId: pending.user.id,
    attemptId: pending.sessionId,
    mobileEnc: pending.user.mobileEnc,
  });
}

/**
 * A first sign-in of a user with no second factor at all: starts enrolling an authenticator app
 * (the password was just verified, and only a user with nothing else may do this). The code from the
 * app then completes the sign-in, and recovery codes are issued.
 */
export async function startSignInEnrolment(
  deps: SignInDeps,
  req: SignInRequest,
  input: { token: string | null },
): Promise<TotpEnrolment> {
  const now = (deps.now ?? (() => new Date()))();
  const pending = await pendingSignIn(deps, input.token, now);
  const summary = await getFactorSummary(deps.db, pending.user.id);
  if (
    summary.totp ||
    pending.user.mobileEnc !== null ||
    (await countUserPasskeys(deps.db, pending.user.id)) > 0
  )
    throw new AppError('conflict', 'This account already has a second factor; use it to sign in.', {
      reason: 'factor_exists',
    });
  return startTotpEnrolment(
    deps.db,
    signInCtx(deps, req, now),
    { userId: pending.user.id, realm: deps.realm, now },
    { firmLabel: deps.firmName || undefined },
  );
}

/** Abandons a sign-in between its steps (the "cancel" button): the half-made session ends. */
export async function abandonSignIn(
  deps: SignInDeps,
  req: SignInRequest,
  token: string | null,
): Promise<void> {
  const now = (deps.now ?? (() => new Date()))();
  let pending: PendingSignIn;
  try {
    pending = await pendingSignIn(deps, token, now);
  } catch {
    return;
  }
  await endSession(signInCtx(deps, req, now), { sessionId: pending.sessionId, reason: 'logout' });
}
