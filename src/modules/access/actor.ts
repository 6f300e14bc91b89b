/** Who is acting. Every use case receives one through Ctx; the audit trail records it. */
import type { Right } from './rights.ts';

export type Actor =
  | { kind: 'api_key'; id: string; name: string; rights: ReadonlySet<Right> }
  | {
      kind: 'staff';
      /** staff_users.id */
      id: string;
      username: string;
      rights: ReadonlySet<Right>;
      /** The session the request came with. */
      sessionId: string;
      /** When the session last saw a second factor (sign-in or step-up); null if it never did. */
      secondFactorAt: Date | null;
    }
  | { kind: 'system'; label: string; rights: ReadonlySet<Right> };

/** The stable reference recorded in audit rows and `created_by` columns. */
export function actorRef(actor: Actor): string {
  switch (actor.kind) {
    case 'api_key':
      return `api_key:${actor.id}`;
    case 'staff':
      return `staff:${actor.id}`;
    case 'system':
      return `system:${actor.label}`;
  }
}

/** A short label for log lines (never a secret). */
export function actorLabel(actor: Actor): string {
  return actor.kind === 'system' ? actor.label : actor.kind === 'staff' ? actor.username : actor.id;
}

export function hasRight(actor: Actor, right: Right): boolean {
  return actor.rights.has(right);
}
