/**
 * Current names for the actors and targets of a page of audit events, for readers of the trail.
 * Names are looked up when the page is read and never stored in the events: the trail keeps the
 * stable references it was written with, and a renamed user shows under their name of today.
 *
 * Only people, API keys, roles and client organisations are named: their names are what an
 * auditor holding `audit:read` sees on the administration pages anyway. Subjects and applications
 * are not (their data is scoped to programme members).
 */
import { sql } from 'kysely';
import type { Executor } from '../../db/transaction.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The tables whose rows can be named, by the kind used in the lookup key. */
type Kind = 'staff' | 'client' | 'api_key' | 'role' | 'client_organisation';

/** Actor reference prefixes (`staff:<id>`) and target types (`staff_user`) → the kind named. */
const ACTOR_KINDS: Record<string, Kind> = { staff: 'staff', client: 'client', api_key: 'api_key' };
const TARGET_KINDS: Record<string, Kind> = {
  staff_user: 'staff',
  client_user: 'client',
  api_key: 'api_key',
  role: 'role',
  client_organisation: 'client_organisation',
};

function actorKey(ref: string): { kind: Kind; id: string } | null {
  const at = ref.indexOf(':');
  const kind = ACTOR_KINDS[ref.slice(0, at)];
  const id = ref.slice(at + 1);
  return kind && UUID.test(id) ? { kind, id } : null;
}

function targetKey(type: string | null, id: string | null): { kind: Kind; id: string } | null {
  const kind = type ? TARGET_KINDS[type] : undefined;
  return kind && id && UUID.test(id) ? { kind, id: id.toLowerCase() } : null;
}

export interface AuditNamer {
  /** The display name behind an actor reference; a system actor's label; null if unknown. */
  actor(ref: string): string | null;
  /** The name of a nameable target; null for other target types or when it no longer exists. */
  target(type: string | null, id: string | null): string | null;
}

/**
 * Resolves the names of every actor and target of `events` in one query (a UNION over the
 * tables concerned), whatever the number of events.
 */
export async function nameAuditRefs(
  db: Executor,
  events: readonly { actor: string; targetType: string | null; targetId: string | null }[],
): Promise<AuditNamer> {
  const wanted: Record<Kind, Set<string>> = {
    staff: new Set(),
    client: new Set(),
    api_key: new Set(),
    role: new Set(),
    client_organisation: new Set(),
  };
  for (const e of events) {
    const a = actorKey(e.actor);
    if (a) wanted[a.kind].add(a.id.toLowerCase());
    const t = targetKey(e.targetType, e.targetId);
    if (t) wanted[t.kind].add(t.id);
  }
  const ids = (k: Kind) => [...wanted[k]];
  const parts = [
    wanted.staff.size
      ? db
          .selectFrom('staff_users')
          .select([sql.lit('staff').$castTo<string>().as('kind'), 'id', 'display_name as name'])
          .where('id', 'in', ids('staff'))
      : null,
    wanted.client.size
      ? db
          .selectFrom('client_users')
          .select([sql.lit('client').$castTo<string>().as('kind'), 'id', 'display_name as name'])
          .where('id', 'in', ids('client'))
      : null,
    wanted.api_key.size
      ? db
          .selectFrom('api_keys')
          .select([sql.lit('api_key').$castTo<string>().as('kind'), 'id', 'name'])
          .where('id', 'in', ids('api_key'))
      : null,
    wanted.role.size
      ? db
          .selectFrom('roles')
          .select([sql.lit('role').$castTo<string>().as('kind'), 'id', 'name'])
          .where('id', 'in', ids('role'))
      : null,
    wanted.client_organisation.size
      ? db
          .selectFrom('client_organisations')
          .select([sql.lit('client_organisation').$castTo<string>().as('kind'), 'id', 'name'])
          .where('id', 'in', ids('client_organisation'))
      : null,
  ].filter((q) => q !== null);
  const names = new Map<string, string>();
  const [first, ...rest] = parts;
  if (first) {
    const rows = await rest.reduce((q, next) => q.unionAll(next), first).execute();
    for (const r of rows) names.set(`${r.kind}:${r.id.toLowerCase()}`, r.name);
  }
  return {
    actor(ref) {
      if (ref.startsWith('system:')) return ref.slice('system:'.length);
      const a = actorKey(ref);
      return a ? (names.get(`${a.kind}:${a.id.toLowerCase()}`) ?? null) : null;
    },
    target(type, id) {
      const t = targetKey(type, id);
      return t ? (names.get(`${t.kind}:${t.id}`) ?? null) : null;
    },
  };
}
