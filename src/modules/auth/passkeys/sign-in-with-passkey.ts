/**
 * Passwordless sign-in with a passkey, where the realm's policy allows it. In order:
 *
 * 1. the credential the answer names is looked up (this realm only) to know whose account it is;
 * 2. the block-delay guard reserves the attempt like a password sign-in (account, account+IP, IP;
 *    an unknown credential counts on its source), before anything is verified;
 * 3. the assertion is verified with user verification required, from a credential that proved it
 *    at registration (verify-assertion.ts);
 * 4. the account must be active (a client's organisation too);
 * 5. an active session starts at once, second factor 'passkey' (the passkey is possession and the
 *    verified PIN or biometric is the second factor), audited as a passwordless sign-in.
 *
 * Every refusal is audited with its reason and answered with the one PasskeySignInFailedError.
 * A trusted-network skip plays no part here.
 */
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { inTransaction } from '../../../db/transaction.ts';
import { AppError } from '../../../platform/errors.ts';
import type { PasskeyFailureReason, SignInFailureReason } from '../../audit/audit.events.ts';
import { appendAudit, recordAudit } from '../../audit/audit.repository.ts';
import { startSession, type LiveSession } from '../sessions/index.ts';
import { signInCtx, type SignInDeps, type SignInRequest } from '../sign-in/sign-in.options.ts';
import { beginAttempt } from '../throttle/begin-attempt.ts';
import { hashKeyPart, normaliseIp } from '../throttle/throttle.keys.ts';
import { accountTarget, realmInfo } from '../realm.ts';
import { PasswordlessDisabledError } from './authentication-options.ts';
import { findByCredentialId } from './passkeys.repository.ts';
import { verifyPasskeyAssertion } from './verify-assertion.ts';

/** One answer for every refused passkey sign-in; the audit trail has the reason. */
export class PasskeySignInFailedError extends AppError {
  constructor() {
    super(
      'unauthenticated',
      'The passkey was not accepted, or sign-in is paused after repeated failures. Try again, or sign in with your password.',
      { reason: 'passkey_failed' },
    );
    this.name = 'PasskeySignInFailedError';
  }
}

export async function signInWithPasskey(
  deps: SignInDeps,
  req: SignInRequest,
  input: { response: AuthenticationResponseJSON },
): Promise<{ token: string; session: LiveSession; passkeyId: string }> {
  const policy = deps.passkeys;
  if (!policy?.passwordless) throw new PasswordlessDisabledError();
  const now = (deps.now ?? (() => new Date()))();
  const ctx = signInCtx(deps, req, now);
  const ip = normaliseIp(req.ip);
  const realm = realmInfo(deps.realm);

  const credential = await findByCredentialId(deps.db, String(input.response.id), realm.realm);
  const user = credential
    ? await deps.db
        .selectFrom(realm.table)
        .select(['id', 'username', 'status'])
        .where('id', '=', credential.user_id)
        .executeTakeFirst()
    : undefined;

  const fail = async (reason: SignInFailureReason, userId: string | null): Promise<never> => {
    await recordAudit(deps.db, ctx, {
      type: 'auth.sign_in_failed',
      ...(userId ? { target: accountTarget(userId, realm.realm) } : {}),
      payload: { step: 'passwordless', factor: 'passkey', reason, ip },
    });
    throw new PasskeySignInFailedError();
  };

  // Unknown credentials share one account key per credential id (hashed), so guessing ids from
  // one source is still stopped by that source's key.
  const account = user
    ? realm.accountPrefix + user.username
    : `${realm.accountPrefix}passkey:${hashKeyPart('account', String(input.response.id)).slice(0, 32)}`;
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
  if (!attempt.allowed) return fail('delayed', user?.id ?? null);

  let outcome: Awaited<ReturnType<typeof verifyPasskeyAssertion>>;
  try {
    outcome = await verifyPasskeyAssertion(deps.db, ctx, policy, {
      purpose: 'passwordless',
      response: input.response,
      binding: null,
      now,
    });
  } catch (err) {
    await attempt.release();
    throw err;
  }
  if (!outcome.ok) {
    await attempt.fail(now);
    return fail(outcome.reason, outcome.userId);
  }
  const active = user?.status === 'active' && (await organisationActive(deps, realm.realm, outcome.userId));
  if (!user || user.id !== outcome.userId || !active) {
    // A valid passkey of a disabled account proves nothing wrong about the source.
    await attempt.release();
    return fail('user_disabled' satisfies PasskeyFailureReason, outcome.userId);
  }
  await attempt.succeed();

  const started = await inTransaction(deps.db, async (tx) => {
    const s = await startSession(
      tx,
      ctx,
      {
        userId: user.id,
        ip,
        userAgent: req.userAgent,
        realm: realm.realm,
        secondFactor: 'passkey',
        stage: 'active',
      },
      deps.session,
    );
    await appendAudit(tx, ctx, {
      type: 'auth.signed_in',
      target: accountTarget(user.id, realm.realm),
      payload: {
        secondFactor: 'passkey',
        ip,
        sessionId: s.session.id,
        passwordless: true,
        passkeyId: outcome.passkeyId,
      },
    });
    return s;
  });
  return { ...started, passkeyId: outcome.passkeyId };
}

async function organisationActive(
  deps: SignInDeps,
  realm: 'staff' | 'client',
  userId: string,
): Promise<boolean> {
  if (realm !== 'client') return true;
  const row = await deps.db
    .selectFrom('client_users as u')
    .innerJoin('client_organisations as o', 'o.id', 'u.organisation_id')
    .select('o.status')
    .where('u.id', '=', userId)
    .executeTakeFirst();
  return row?.status === 'active';
}
