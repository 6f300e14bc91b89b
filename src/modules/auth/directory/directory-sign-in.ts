/**
 * The password check of a staff user whose password lives in the directory, called by the password
 * step (src/modules/auth/sign-in/password-step.ts) after its block-delay guard allowed the attempt:
 *
 * 1. the user's entry is found by the service account (escaped filter), then the per-account cap
 *    of failed binds is reserved (bind-cap.ts): refused, nothing is bound;
 * 2. the bind as the user (never with an empty password), then "Who am I?" must name that entry;
 * 3. the block-delay attempt is settled on failure: a wrong password counts; the right password of
 *    a disabled account, a capped attempt or an unreachable directory do not (a success is settled
 *    by the password step);
 * 4. after a good bind, the entry's groups (just read) are applied (roles, programmes, profile;
 *    audited) in one transaction, and a user in no mapped group is refused (and disabled). An
 *    unknown user in a mapped group is created (just-in-time, audited) when the policy allows.
 *
 * Unreachable directory (network, TLS, service account): the attempt is released, the event
 * audited, and the client gets 503 `directory_unavailable` (never a "wrong password").
 */
import type { Kysely } from 'kysely';
import { inTransaction } from '../../../db/transaction.ts';
import { isUniqueViolation } from '../../../db/errors.ts';
import type { DB } from '../../../db/types.ts';
import type { Ctx } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import { DirectoryUnavailableError } from '../../../platform/ldap/directory.ts';
import { recordAudit } from '../../audit/audit.repository.ts';
import type { SignInFailureReason } from '../../audit/audit.events.ts';
import type { AllowedAttempt } from '../throttle/index.ts';
import { applyDirectoryUser } from './apply-directory-user.ts';
import { reserveBind, type BindReservation } from './bind-cap.ts';
import { listMappings } from './directory.repository.ts';
import type { DirectoryServices } from './directory.options.ts';

/** The columns the password step continues with. */
export interface DirectorySignedInUser {
  id: string;
  username: string;
  status: 'active' | 'disabled';
  password_hash: string | null;
  mobile_last4: string | null;
}

export type DirectoryCheckResult =
  /** Not a directory sign-in: the local password hash decides. */
  | { kind: 'local' }
  | { kind: 'failed'; reason: SignInFailureReason; userId: string | null }
  | { kind: 'ok'; user: DirectorySignedInUser };

export class DirectoryUnavailableProblem extends AppError {
  constructor() {
    super('unavailable', 'The directory cannot be reached to check the password; try again later.', {
      reason: 'directory_unavailable',
    });
    this.name = 'DirectoryUnavailableProblem';
  }
}

/**
 * Checks the password against the directory when the user is a directory user, or unknown to
 * Dossier (a directory user signing in for the first time, or by another of their names). Settles
 * the block-delay attempt on every failure; 'local' and 'ok' leave it to the password step.
 */
export async function checkDirectoryPassword(
  deps: { db: Kysely<DB>; directory: DirectoryServices },
  ctx: Ctx,
  input: {
    /** The Dossier user the typed name found, if any. */
    userId: string | null;
    login: string;
    password: string;
    ip: string;
    now: Date;
    attempt: AllowedAttempt;
  },
): Promise<DirectoryCheckResult> {
  const { directory } = deps;
  const { attempt, now } = input;
  const found = input.userId
    ? await deps.db
        .selectFrom('staff_users')
        .select(['id', 'source'])
        .where('id', '=', input.userId)
        .executeTakeFirst()
    : undefined;
  if (found?.source === 'local') return { kind: 'local' };
  let reservation: BindReservation | null = null;
  let result;
  try {
    result = await directory.client.authenticate(input.login, input.password, async (entry) => {
      reservation = await reserveBind(deps.db, entry.dn, now, directory.cap);
      return reservation.allowed;
    });
  } catch (err) {
    await (reservation as BindReservation | null)?.released();
    await attempt.release();
    if (!(err instanceof DirectoryUnavailableError)) throw err;
    await recordAudit(deps.db, ctx, {
      type: 'auth.directory_unavailable',
      ...(found ? { target: { type: 'staff_user' as const, id: found.id } } : {}),
      payload: { ip: input.ip, error: err.message },
    });
    throw new DirectoryUnavailableProblem();
  }
  const held = reservation as BindReservation | null;
  const userId = found?.id ?? null;
  if (!result.ok) {
    switch (result.reason) {
      case 'wrong_password':
        await held?.failed(now);
        await attempt.fail(now);
        return { kind: 'failed', reason: 'wrong_password', userId };
      case 'refused_before_bind':
        await attempt.release();
        return { kind: 'failed', reason: 'directory_cap', userId };
      case 'disabled':
        await held?.released();
        await attempt.release();
        return { kind: 'failed', reason: 'directory_disabled', userId };
      default:
        // unknown_user, ambiguous_user, empty_password, identity_mismatch: a failed guess.
        await held?.released();
        await attempt.fail(now);
        return { kind: 'failed', reason: result.reason, userId };
    }
  }
  await held?.released();
  const entry = result.user;
  const apply = () =>
    inTransaction(deps.db, async (tx) =>
      applyDirectoryUser(
        tx,
        { ...ctx, db: tx },
        {
          entry,
          mappings: await listMappings(tx),
          via: 'sign_in',
          allowCreate: directory.provisionOnSignIn,
        },
      ),
    );
  let outcome;
  try {
    // Two first sign-ins at once: the second insert meets the unique index, or (if the first
    // committed between the second's lookup and its check of taken names) the second sees its own
    // username as taken. Either way the first has committed by then, so applying again finds the
    // user by its entry; a real conflict with a local user is refused again.
    outcome = await apply().catch((err: unknown) => (isUniqueViolation(err) ? apply() : Promise.reject(err)));
    if (outcome.outcome === 'refused' && outcome.reason === 'directory_conflict' && userId === null)
      outcome = await apply();
  } catch (err) {
    await attempt.release();
    throw err;
  }
  if (outcome.outcome === 'refused') {
    await attempt.release();
    return { kind: 'failed', reason: outcome.reason, userId };
  }
  if (outcome.outcome === 'skipped' || !outcome.active) {
    await attempt.release();
    const reason: SignInFailureReason =
      outcome.outcome === 'skipped'
        ? outcome.reason === 'no_provisioning'
          ? 'unknown_user'
          : outcome.reason === 'disabled_in_directory'
            ? 'directory_disabled'
            : 'directory_no_group'
        : outcome.reason === 'no_mapped_group'
          ? 'directory_no_group'
          : outcome.outcome === 'stays_disabled' && outcome.reason === 'disabled_in_directory'
            ? 'disabled'
            : 'directory_disabled';
    return { kind: 'failed', reason, userId: 'userId' in outcome ? outcome.userId : userId };
  }
  // The password step settles a success (attempt.succeed) as for a local password.
  const user = await deps.db
    .selectFrom('staff_users')
    .select(['id', 'username', 'status', 'password_hash', 'mobile_last4'])
    .where('id', '=', outcome.userId)
    .executeTakeFirstOrThrow();
  return { kind: 'ok', user };
}
