/** Who is acting. Every use case receives one through Ctx; the audit trail records it. */
import type { Right } from './rights.ts';

export type Actor =
  | { kind: 'api_key'; id: string; name: string; rights: ReadonlySet<Right> }
  | { kind: 'system'; label: string; rights: ReadonlySet<Right> };

/** The stable reference recorded in audit rows and `created_by` columns. */
export function actorRef(actor: Actor): string {
  return actor.kind === 'api_key' ? `api_key:${actor.id}` : `system:${actor.label}`;
}

export function hasRight(actor: Actor, right: Right): boolean {
  return actor.rights.has(right);
}
