/**
 * Step-up: a signed-in user gives a second factor again before a sensitive action (managing users,
 * roles, trusted networks, keys, factors; exports). Same guard and checks as sign-in, bound to the
 * session; success gives the session a new token and a fresh `second_factor_at`.
 */
import { accountTarget, realmInfo } from '../realm.ts';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { inTransaction } from '../../../db/transaction.ts';
import { appendAudit } from '../../audit/audit.repository.ts';
import { rotateSession, type LiveSession } from '../sessions/index.ts';
import { checkSecondFactor } from './check-second-factor.ts';
import { sendSmsCode } from './second-factor-step.ts';
import { SecondFactorFailedError } from './sign-in.errors.ts';
import { signInCtx, type SignInDeps, type SignInFactor, type SignInRequest } from './sign-in.options.ts';

export interface StepUpInput {
  user: { id: string; username: string };
  sessionId: string;
  factor: SignInFactor;
  code: string;
  /** Passkey only: the assertion answering this session's step-up challenge. */
  assertion?: AuthenticationResponseJSON | undefined;
}

export async function stepUp(
  deps: SignInDeps,
  req: SignInRequest,
  input: StepUpInput,
): Promise<{ token: string; session: LiveSession }> {
  const ok = await checkSecondFactor(deps, req, {
    step: 'step_up',
    user: input.user,
    attemptId: input.sessionId,
    factor: input.factor,
    code: input.code,
    assertion: input.assertion,
  });
  if (!ok) throw new SecondFactorFailedError();
  const now = (deps.now ?? (() => new Date()))();
  const ctx = signInCtx(deps, req, now);
  return inTransaction(deps.db, async (tx) => {
    const r = await rotateSession(
      ctx,
      { sessionId: input.sessionId, secondFactor: input.factor, from: 'active' },
      deps.session,
      tx,
    );
    await appendAudit(tx, ctx, {
      type: 'auth.stepped_up',
      target: accountTarget(input.user.id, deps.realm),
      payload: { factor: input.factor, sessionId: input.sessionId },
    });
    return r;
  });
}

/** Sends an SMS code for a step-up of the given session. */
export async function sendStepUpSmsCode(
  deps: SignInDeps,
  req: SignInRequest,
  input: { userId: string; sessionId: string },
): Promise<{ expiresAt: Date }> {
  const row = await deps.db
    .selectFrom(realmInfo(deps.realm).table)
    .select('mobile_enc')
    .where('id', '=', input.userId)
    .executeTakeFirstOrThrow();
  return sendSmsCode(deps, req, {
    userId: input.userId,
    attemptId: input.sessionId,
    mobileEnc: row.mobile_enc,
  });
}
