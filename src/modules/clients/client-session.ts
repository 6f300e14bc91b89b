/**
 * The link's session check for client users: the live, active session of the token, of realm
 * 'client', of an active user in an active organisation. Idle or expired sessions are ended and
 * audited on the spot. A staff session token is never found here (realm), and the staff gate never
 * finds a client session (it joins staff users): the two kinds cannot stand in for each other.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import type { Actor } from '../access/actor.ts';
import type { Right } from '../access/rights.ts';
import type { SessionPolicy } from '../auth/sessions/index.ts';
import { keepSessionAlive } from '../auth/sessions/authenticate-session.ts';
import { csrfMatches, hashSessionToken, isWellFormedToken } from '../auth/sessions/session.token.ts';

export type ClientActor = Extract<Actor, { kind: 'client' }>;

const NO_RIGHTS: ReadonlySet<Right> = new Set();
const NO_PROGRAMMES: ReadonlySet<string> = new Set();

export async function authenticateClientSession(
  db: Kysely<DB>,
  token: string,
  policy: SessionPolicy,
  opts: { now: Date; requestId: string | null; csrf?: string | undefined },
): Promise<{ actor: ClientActor; csrfOk: boolean } | null> {
  if (!isWellFormedToken(token)) return null;
  const row = await db
    .selectFrom('sessions as s')
    .innerJoin('client_users as u', 'u.id', 's.user_id')
    .innerJoin('client_organisations as o', 'o.id', 'u.organisation_id')
    .select([
      's.id',
      's.user_id',
      's.stage',
      's.csrf_token',
      's.expires_at',
      's.last_seen_at',
      's.second_factor_at',
      'u.username',
      'u.status',
      'u.role',
      'u.organisation_id',
      'o.status as org_status',
    ])
    .where('s.token_hash', '=', hashSessionToken(token))
    .where('s.realm', '=', 'client')
    .where('s.ended_at', 'is', null)
    .executeTakeFirst();
  if (!row || row.stage !== 'active') return null;
  const active = row.status === 'active' && row.org_status === 'active';
  if (!(await keepSessionAlive(db, row, active, policy, opts))) return null;
  return {
    actor: {
      kind: 'client',
      id: row.user_id,
      username: row.username,
      organisationId: row.organisation_id,
      role: row.role,
      sessionId: row.id,
      secondFactorAt: row.second_factor_at,
      rights: NO_RIGHTS,
      programmes: NO_PROGRAMMES,
    },
    csrfOk: opts.csrf !== undefined && csrfMatches(row.csrf_token, opts.csrf),
  };
}
