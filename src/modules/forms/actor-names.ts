/**
 * Turns stored actor references (`staff:<id>`, `client:<id>`, `api_key:<id>`, `system:<label>`)
 * into who-views for staff: the reference and the person's or key's current display name, looked
 * up in one query per kind.
 */
import type { Executor } from '../../db/transaction.ts';
import type { ActorView } from './form.schema.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function parse(ref: string): { kind: ActorView['kind']; id: string | null } {
  const at = ref.indexOf(':');
  const kind = ref.slice(0, at);
  const id = ref.slice(at + 1);
  if (kind === 'system') return { kind, id };
  if ((kind === 'staff' || kind === 'client' || kind === 'api_key') && UUID.test(id)) return { kind, id };
  return { kind: 'unknown', id: null };
}

export type ActorNamer = (ref: string) => ActorView;

/** Resolves the names of every reference given (nulls ignored) and returns a lookup. */
export async function nameActors(db: Executor, refs: readonly (string | null)[]): Promise<ActorNamer> {
  const ids = { staff: new Set<string>(), client: new Set<string>(), api_key: new Set<string>() };
  for (const ref of refs) {
    if (!ref) continue;
    const p = parse(ref);
    if (p.id && (p.kind === 'staff' || p.kind === 'client' || p.kind === 'api_key')) ids[p.kind].add(p.id);
  }
  const names = new Map<string, string>();
  if (ids.staff.size)
    for (const r of await db
      .selectFrom('staff_users')
      .select(['id', 'display_name'])
      .where('id', 'in', [...ids.staff])
      .execute())
      names.set(`staff:${r.id}`, r.display_name);
  if (ids.client.size)
    for (const r of await db
      .selectFrom('client_users')
      .select(['id', 'display_name'])
      .where('id', 'in', [...ids.client])
      .execute())
      names.set(`client:${r.id}`, r.display_name);
  if (ids.api_key.size)
    for (const r of await db
      .selectFrom('api_keys')
      .select(['id', 'name'])
      .where('id', 'in', [...ids.api_key])
      .execute())
      names.set(`api_key:${r.id}`, r.name);
  return (ref) => {
    const p = parse(ref);
    return {
      ref,
      kind: p.kind,
      id: p.id,
      name: p.kind === 'system' ? p.id : (names.get(ref) ?? null),
    };
  };
}
