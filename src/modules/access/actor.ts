/** Who is acting. Every use case receives one through Ctx; the audit trail records it. */
import type { Right } from './rights.ts';

/** The programmes whose data an actor may see: every programme, or exactly these (ids). */
export type ProgrammeScope = 'all' | ReadonlySet<string>;

export type Actor =
  | { kind: 'api_key'; id: string; name: string; rights: ReadonlySet<Right>; programmes: ProgrammeScope }
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
      /** The programmes the user is a member of. */
      programmes: ProgrammeScope;
    }
  /**
   * A client user on the portal, over the link. Holds no staff right and no programme: every client
   * operation checks the organisation itself, and a staff use case given this actor finds nothing.
   */
  | {
      kind: 'client';
      /** client_users.id */
      id: string;
      username: string;
      organisationId: string;
      role: 'owner' | 'contributor' | 'read_only';
      sessionId: string;
      secondFactorAt: Date | null;
      rights: ReadonlySet<Right>;
      programmes: ProgrammeScope;
    }
  /** The operator's console, the sign-in flow, jobs: every programme unless `programmes` says otherwise. */
  | { kind: 'system'; label: string; rights: ReadonlySet<Right>; programmes?: ProgrammeScope };

/** The stable reference recorded in audit rows and `created_by` columns. */
export function actorRef(actor: Actor): string {
  switch (actor.kind) {
    case 'api_key':
      return `api_key:${actor.id}`;
    case 'staff':
      return `staff:${actor.id}`;
    case 'client':
      return `client:${actor.id}`;
    case 'system':
      return `system:${actor.label}`;
  }
}

/** A short label for log lines (never a secret). */
export function actorLabel(actor: Actor): string {
  return actor.kind === 'system'
    ? actor.label
    : actor.kind === 'staff' || actor.kind === 'client'
      ? actor.username
      : actor.id;
}

export function hasRight(actor: Actor, right: Right): boolean {
  return actor.rights.has(right);
}

/** The programmes whose data the actor may see. */
export function programmeScope(actor: Actor): ProgrammeScope {
  return actor.kind === 'system' ? (actor.programmes ?? 'all') : actor.programmes;
}

/** Whether the actor may see data of this programme (membership; rights are checked separately). */
export function canSeeProgramme(actor: Actor, programmeId: string): boolean {
  const scope = programmeScope(actor);
  return scope === 'all' || scope.has(programmeId);
}

/** For list queries: null = no filter (every programme), else the ids to filter on (may be empty). */
export function programmeFilter(actor: Actor): string[] | null {
  const scope = programmeScope(actor);
  return scope === 'all' ? null : [...scope];
}
