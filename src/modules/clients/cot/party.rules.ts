/**
 * The rules of related parties on the portal, as pure functions (tested alone): when an application
 * accepts changes from its client, which roles and holdings fit a party, the relationships a party's
 * roles and holding stand for, and the 100% ceiling on the direct shares held in one entity.
 */
import type { StatusDef } from '../../../db/types.ts';
import { SHARE_UNITS } from '../../subjects/index.ts';
import type { ClientPartyRole } from './cot.schema.ts';

/** Why the application does not accept party changes from its client now. */
export type ChangeRefusal = 'application_closed' | 'decision_pending';

/**
 * A client may change the parties of an application while it is open: not in a terminal status of
 * its programme (approved, rejected... : the file is decided) and with no four-eyes decision pending
 * (the reviewers are deciding on the data as it is). Otherwise staff ask for changes through requests.
 */
export function partyChangeRefusal(
  status: string,
  statuses: readonly StatusDef[],
  pendingDecision: boolean,
): ChangeRefusal | null {
  const def = statuses.find((s) => s.key === status);
  // An unknown status (the programme changed under it) is treated as closed: fail closed.
  if (!def || def.terminal === true) return 'application_closed';
  if (pendingDecision) return 'decision_pending';
  return null;
}

/** A holding as the rules see it: shares in ten-thousandths of a percent. */
export interface HoldingSpec {
  ownedSubjectId: string;
  shareUnits: number;
  votingUnits: number | null;
}

export interface Problem {
  path: string;
  message: string;
}

/**
 * The problems of a party's roles and holding that need no database: a UBO is a natural person; a
 * shareholder declares a holding; only a shareholder or a UBO holds shares; a party holds no shares in
 * itself.
 */
export function partyShapeProblems(p: {
  subjectId: string | null;
  kind: 'person' | 'entity';
  roles: readonly ClientPartyRole[];
  /** `ownedSubjectId` null: the main subject. */
  holding: { ownedSubjectId: string | null } | null;
}): Problem[] {
  const out: Problem[] = [];
  if (p.roles.includes('ubo') && p.kind !== 'person')
    out.push({ path: 'roles', message: 'a UBO must be a natural person' });
  if (p.roles.includes('shareholder') && !p.holding)
    out.push({ path: 'holding', message: 'required for a shareholder' });
  if (p.holding && !p.roles.includes('shareholder') && !p.roles.includes('ubo'))
    out.push({ path: 'holding', message: 'only a shareholder or a UBO holds shares' });
  if (p.holding && p.subjectId !== null && p.holding.ownedSubjectId === p.subjectId)
    out.push({ path: 'holding/ownedSubjectId', message: 'a party cannot hold shares in itself' });
  return out;
}

/** One relationship from the party: the kind, the subject it points to, and a shareholder's figures. */
export interface DesiredRelationship {
  toSubjectId: string;
  kind: ClientPartyRole;
  shareUnits: number | null;
  votingUnits: number | null;
}

/**
 * The relationships a party's roles and holdings stand for: each role but 'shareholder' links the
 * party to the main subject when that is a legal entity (a director of a person means nothing); each
 * holding is a 'shareholder' relationship with its figures, to the main subject or another party.
 */
export function desiredRelationships(p: {
  roles: readonly ClientPartyRole[];
  holdings: readonly HoldingSpec[];
  main: { id: string; kind: 'person' | 'entity' } | null;
  subjectId: string;
}): DesiredRelationship[] {
  const out: DesiredRelationship[] = [];
  if (p.main && p.main.kind === 'entity' && p.main.id !== p.subjectId) {
    for (const role of p.roles)
      if (role !== 'shareholder')
        out.push({ toSubjectId: p.main.id, kind: role, shareUnits: null, votingUnits: null });
  }
  for (const h of p.holdings)
    out.push({
      toSubjectId: h.ownedSubjectId,
      kind: 'shareholder',
      shareUnits: h.shareUnits,
      votingUnits: h.votingUnits,
    });
  return out;
}

/** An existing relationship as the diff sees it. */
export interface ExistingRelationship extends DesiredRelationship {
  id: string;
}

const sameRelationship = (a: DesiredRelationship, b: DesiredRelationship) =>
  a.toSubjectId === b.toSubjectId &&
  a.kind === b.kind &&
  a.shareUnits === b.shareUnits &&
  a.votingUnits === b.votingUnits;

/**
 * What to remove and what to create to go from `existing` to `desired`. A changed percentage is a
 * removal and a creation (the audit trail then holds both figures).
 */
export function diffRelationships(
  existing: readonly ExistingRelationship[],
  desired: readonly DesiredRelationship[],
): { remove: ExistingRelationship[]; create: DesiredRelationship[] } {
  const remove = existing.filter((e) => !desired.some((d) => sameRelationship(e, d)));
  const create = desired.filter((d) => !existing.some((e) => sameRelationship(e, d)));
  return { remove, create };
}

/**
 * Whether adding `addedUnits` to the direct shares already held in an entity (`heldUnits`, every
 * shareholder counted, the party's own replaced holding excluded) would exceed 100%.
 */
export function exceedsFullOwnership(heldUnits: number, addedUnits: number): boolean {
  return heldUnits + addedUnits > 100 * SHARE_UNITS;
}

/** The roles to add and to remove to go from `current` to `next`. */
export function diffRoles<R extends string>(
  current: readonly R[],
  next: readonly R[],
): { add: R[]; remove: R[] } {
  return {
    add: next.filter((r) => !current.includes(r)),
    remove: current.filter((r) => !next.includes(r)),
  };
}

/** Control characters other than tab, line feed and carriage return: refused in client messages. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u202A-\u202E\u2066-\u2069]/u;

/** Whether a client message holds characters that could hide or reorder text (control, bidi). */
export function hasForbiddenCharacters(text: string): boolean {
  return CONTROL.test(text);
}
