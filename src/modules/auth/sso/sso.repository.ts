/** SQL of single sign-on: attempts, identities, logout tokens and the SSO columns of sessions. */
import type { Executor, Tx } from '../../../db/transaction.ts';
import type { NewRow, Row } from '../../../db/types.ts';

export type SsoAttemptRow = Row<'sso_login_attempts'>;
export type SsoIdentityRow = Row<'sso_identities'>;

export async function insertAttempt(db: Executor, row: NewRow<'sso_login_attempts'>): Promise<void> {
  await db.insertInto('sso_login_attempts').values(row).execute();
}

/** How many attempts a source started since `since` (the per-source limit). */
export async function countRecentAttempts(db: Executor, source: string, since: Date): Promise<number> {
  const r = await db
    .selectFrom('sso_login_attempts')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('source', '=', source)
    .where('created_at', '>', since)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/**
 * Marks the attempt of this state used, in one conditional update: of two callbacks racing with the
 * same state, exactly one gets the row. Undefined when there is no live, unused attempt.
 */
export async function consumeAttempt(
  db: Executor,
  provider: string,
  stateHash: Uint8Array,
  now: Date,
): Promise<SsoAttemptRow | undefined> {
  return db
    .updateTable('sso_login_attempts')
    .set({ used_at: now })
    .where('state_hash', '=', stateHash)
    .where('provider', '=', provider)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returningAll()
    .executeTakeFirst();
}

export async function findAttemptByState(
  db: Executor,
  stateHash: Uint8Array,
): Promise<SsoAttemptRow | undefined> {
  return db
    .selectFrom('sso_login_attempts')
    .selectAll()
    .where('state_hash', '=', stateHash)
    .executeTakeFirst();
}

/** Whether a nonce was issued for an attempt that is already used (a replayed ID token). */
export async function nonceAlreadyUsed(db: Executor, nonce: string): Promise<boolean> {
  const r = await db
    .selectFrom('sso_login_attempts')
    .select('id')
    .where('nonce', '=', nonce)
    .where('used_at', 'is not', null)
    .executeTakeFirst();
  return r !== undefined;
}

export async function findIdentity(
  db: Executor,
  provider: string,
  subject: string,
): Promise<SsoIdentityRow | undefined> {
  return db
    .selectFrom('sso_identities')
    .selectAll()
    .where('provider', '=', provider)
    .where('subject', '=', subject)
    .executeTakeFirst();
}

export async function findIdentityOfUser(
  db: Executor,
  provider: string,
  userId: string,
): Promise<SsoIdentityRow | undefined> {
  return db
    .selectFrom('sso_identities')
    .selectAll()
    .where('provider', '=', provider)
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

export async function insertIdentity(tx: Tx, row: NewRow<'sso_identities'>): Promise<void> {
  await tx.insertInto('sso_identities').values(row).execute();
}

export async function touchIdentity(tx: Tx, provider: string, subject: string, now: Date): Promise<void> {
  await tx
    .updateTable('sso_identities')
    .set({ last_sign_in_at: now })
    .where('provider', '=', provider)
    .where('subject', '=', subject)
    .execute();
}

/** A user's linked identities (administration view). */
export async function listIdentitiesOfUser(db: Executor, userId: string): Promise<SsoIdentityRow[]> {
  return db
    .selectFrom('sso_identities')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('provider')
    .execute();
}

/** Records the SSO facts of a session just started (same transaction). */
export async function markSsoSession(
  tx: Tx,
  sessionId: string,
  values: { provider: string; subject: string; sid: string | null; idTokenEnc: Uint8Array | null },
): Promise<void> {
  await tx
    .updateTable('sessions')
    .set({
      sso_provider: values.provider,
      sso_subject: values.subject,
      sso_sid: values.sid,
      sso_id_token_enc: values.idTokenEnc,
    })
    .where('id', '=', sessionId)
    .execute();
}

/**
 * Ends the live sessions of a provider's user: by the provider's session id when given (and the
 * subject too when both are), else every session of the subject. Returns those ended.
 */
export async function endProviderSessions(
  tx: Tx,
  o: { provider: string; sid: string | null; subject: string | null; now: Date; reason: string },
): Promise<{ id: string; user_id: string }[]> {
  let q = tx
    .updateTable('sessions')
    .set({ ended_at: o.now, end_reason: o.reason })
    .where('sso_provider', '=', o.provider)
    .where('ended_at', 'is', null);
  if (o.sid !== null) q = q.where('sso_sid', '=', o.sid);
  if (o.subject !== null) q = q.where('sso_subject', '=', o.subject);
  return q.returning(['id', 'user_id']).execute();
}

/** Records a logout token's jti; false when it was already there (a replay). */
export async function rememberLogoutToken(
  tx: Tx,
  provider: string,
  jtiHash: Uint8Array,
  expiresAt: Date,
): Promise<boolean> {
  const r = await tx
    .insertInto('sso_logout_tokens')
    .values({ provider, jti_hash: jtiHash, expires_at: expiresAt })
    .onConflict((oc) => oc.columns(['provider', 'jti_hash']).doNothing())
    .returning('provider')
    .executeTakeFirst();
  return r !== undefined;
}

/**
 * Purges what is past its use (housekeeping): logout-token records once such a token would be too
 * old anyway, attempts a day after their expiry (kept that long so a replayed ID token is named as
 * such in the trail; it is refused either way).
 */
export async function purgeSsoState(db: Executor, now: Date): Promise<number> {
  const attempts = await db
    .deleteFrom('sso_login_attempts')
    .where('expires_at', '<', new Date(now.getTime() - 24 * 3_600_000))
    .executeTakeFirst();
  const tokens = await db.deleteFrom('sso_logout_tokens').where('expires_at', '<', now).executeTakeFirst();
  return Number(attempts.numDeletedRows) + Number(tokens.numDeletedRows);
}
