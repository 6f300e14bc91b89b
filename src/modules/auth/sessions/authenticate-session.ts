/**
 * The access gate's session check: one query finds the live session by its token hash together with
 * its user, the union of the rights of the user's roles and the programmes the user is a member of
 * (so a role or membership change applies on the next request). Only an 'active' session of an active user authenticates; an idle or expired one is ended
 * and audited on the spot.
 */
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../../db/types.ts';
import type { Actor } from '../../access/actor.ts';
import { isRight, type Right } from '../../access/rights.ts';
import type { SessionEndReason } from '../../audit/audit.events.ts';
import type { SessionPolicy } from './session.policy.ts';
import { touchSession } from './session.repository.ts';
import { hashSessionToken, isWellFormedToken } from './session.token.ts';
import { endSession, live, type LiveSession } from './sessions.ts';

export interface AuthenticatedSession {
  actor: Extract<Actor, { kind: 'staff' }>;
  session: LiveSession;
}

const SYSTEM = { kind: 'system', label: 'session-gate', rights: new Set<Right>() } as const;

export async function authenticateSession(
  db: Kysely<DB>,
  token: string,
  policy: SessionPolicy,
  opts: { now: Date; requestId: string | null },
): Promise<AuthenticatedSession | null> {
  if (!isWellFormedToken(token)) return null;
  const row = await db
    .selectFrom('sessions as s')
    .innerJoin('staff_users as u', 'u.id', 's.user_id')
    .selectAll('s')
    .select(['u.username', 'u.status'])
    .select(
      sql<string[] | null>`(SELECT array_agg(DISTINCT r.right_name) FROM staff_user_roles ur
        JOIN roles ro ON ro.id = ur.role_id
        CROSS JOIN LATERAL unnest(ro.rights) AS r(right_name)
        WHERE ur.user_id = s.user_id)`.as('rights'),
    )
    .select(
      sql<string[] | null>`(SELECT array_agg(pm.programme_id) FROM programme_members pm
        WHERE pm.user_id = s.user_id)`.as('programmes'),
    )
    .where('s.token_hash', '=', hashSessionToken(token))
    .where('s.realm', '=', 'staff')
    .where('s.ended_at', 'is', null)
    .executeTakeFirst();
  if (!row || row.stage !== 'active') return null;
  if (!(await keepSessionAlive(db, row, row.status === 'active', policy, opts))) return null;
  const rights = new Set<Right>();
  for (const r of row.rights ?? []) if (isRight(r)) rights.add(r);
  return {
    actor: {
      kind: 'staff',
      id: row.user_id,
      username: row.username,
      rights,
      sessionId: row.id,
      secondFactorAt: row.second_factor_at,
      programmes: new Set(row.programmes ?? []),
    },
    session: live(row),
  };
}

/**
 * The expiry rules every session check applies (staff and client alike): a session of an inactive
 * account, past its lifetime or idle too long is ended and audited on the spot (false); a live one
 * is touched at most every `touchEveryMs` (true).
 */
export async function keepSessionAlive(
  db: Kysely<DB>,
  row: { id: string; expires_at: Date; last_seen_at: Date },
  accountActive: boolean,
  policy: SessionPolicy,
  opts: { now: Date; requestId: string | null },
): Promise<boolean> {
  const { now } = opts;
  const ended: SessionEndReason | null = !accountActive
    ? 'user_disabled'
    : row.expires_at <= now
      ? 'expired'
      : now.getTime() - row.last_seen_at.getTime() > policy.idleTimeoutMs
        ? 'idle'
        : null;
  if (ended) {
    const ctx = { db, actor: SYSTEM, requestId: opts.requestId, now: () => now };
    await endSession(ctx, { sessionId: row.id, reason: ended }).catch(() => undefined);
    return false;
  }
  if (now.getTime() - row.last_seen_at.getTime() > policy.touchEveryMs)
    await touchSession(db, row.id, now, new Date(now.getTime() - policy.touchEveryMs));
  return true;
}
