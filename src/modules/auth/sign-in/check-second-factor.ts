/**
 * One second-factor check, shared by the sign-in's second step and by step-up: the guard's
 * second-factor scope first (per user and per login attempt, reserved before the code is looked
 * at), then the code (TOTP step once, SMS code of this attempt, recovery code once), then the
 * outcome settled and, on failure, audited with its cause. Callers answer every failure the same.
 */
import type { SignInFailureReason } from '../../audit/audit.events.ts';
import { recordAudit } from '../../audit/audit.repository.ts';
import { confirmTotpEnrolment, useRecoveryCode, verifySmsCode, verifyTotpCode } from '../factors/index.ts';
import { beginAttempt, normaliseIp } from '../throttle/index.ts';
import type { SignInFactor, SignInDeps, SignInRequest } from './sign-in.options.ts';
import { signInCtx } from './sign-in.options.ts';
import { accountTarget, realmInfo } from '../realm.ts';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { verifyPasskeyAssertion } from '../passkeys/verify-assertion.ts';

export interface SecondFactorCheck {
  step: 'second_factor' | 'step_up';
  user: { id: string; username: string };
  /** The login attempt (the session id): SMS codes and the attempt counter are bound to it. */
  attemptId: string;
  factor: SignInFactor;
  code: string;
  /**
   * TOTP only: confirm the user's pending authenticator enrolment with this code instead of
   * verifying an active one (a first sign-in that enrols its first factor).
   */
  enrol?: boolean;
  /** Passkey only: the assertion answering the challenge issued for this attempt (`code` unused). */
  assertion?: AuthenticationResponseJSON | undefined;
}

/** True when the code was accepted (and consumed); false after auditing why not. */
export async function checkSecondFactor(
  deps: SignInDeps,
  req: SignInRequest,
  input: SecondFactorCheck,
): Promise<boolean> {
  const now = (deps.now ?? (() => new Date()))();
  const ctx = signInCtx(deps, req, now);
  const ip = normaliseIp(req.ip);
  const fail = async (reason: SignInFailureReason) => {
    await recordAudit(deps.db, ctx, {
      type: 'auth.sign_in_failed',
      target: accountTarget(input.user.id, deps.realm),
      payload: { step: input.step, factor: input.factor, reason, ip },
    });
    return false;
  };

  const attempt = await beginAttempt(
    deps.db,
    {
      scope: 'second_factor',
      account: realmInfo(deps.realm).accountPrefix + input.user.username,
      realm: deps.realm,
      ip,
      attemptId: input.attemptId,
      now,
      userId: input.user.id,
      requestId: req.requestId,
    },
    deps.throttle,
  );
  if (!attempt.allowed) return fail('delayed');

  let reason: SignInFailureReason | null;
  try {
    reason = await verify(deps, ctx, input, now);
  } catch (err) {
    await attempt.release();
    throw err;
  }
  if (reason === null) {
    await attempt.succeed();
    return true;
  }
  await attempt.fail(now);
  return fail(reason);
}

async function verify(
  deps: SignInDeps,
  ctx: ReturnType<typeof signInCtx>,
  input: SecondFactorCheck,
  now: Date,
): Promise<SignInFailureReason | null> {
  const userId = input.user.id;
  switch (input.factor) {
    case 'totp': {
      if (input.enrol) {
        const r = await confirmTotpEnrolment(
          deps.db,
          ctx,
          { userId, realm: deps.realm, code: input.code, now },
          { firmLabel: deps.firmName || undefined, pendingTtlMs: deps.session.loginStepMs },
        );
        return r === 'ok'
          ? null
          : r === 'no_enrolment'
            ? 'no_factor'
            : r === 'expired'
              ? 'expired'
              : 'wrong_code';
      }
      const r = await verifyTotpCode(deps.db, ctx, { userId, code: input.code, now });
      return r === 'ok'
        ? null
        : r === 'replayed'
          ? 'replayed'
          : r === 'no_factor'
            ? 'no_factor'
            : 'wrong_code';
    }
    case 'sms': {
      const r = await verifySmsCode(deps.db, ctx, {
        userId,
        realm: deps.realm,
        attemptId: input.attemptId,
        code: input.code,
        now,
        policy: deps.smsPolicy,
      });
      return r === 'ok' ? null : r === 'wrong' ? 'wrong_code' : r;
    }
    case 'passkey': {
      if (!deps.passkeys || !input.assertion) return 'no_factor';
      const r = await verifyPasskeyAssertion(deps.db, ctx, deps.passkeys, {
        purpose: input.step,
        response: input.assertion,
        binding: { userId, sessionId: input.attemptId },
        now,
      });
      return r.ok ? null : r.reason;
    }
    case 'recovery': {
      const r = await useRecoveryCode(deps.db, ctx, { userId, realm: deps.realm, code: input.code, now });
      return r === 'ok' ? null : r === 'used' ? 'used' : 'wrong_code';
    }
  }
}
