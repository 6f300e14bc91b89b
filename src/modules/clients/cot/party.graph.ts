/**
 * The parties of one application as the COT use cases work on them: the (subject, role) links with
 * the subjects, the main subject, and the relationships between the application's subjects; and
 * their client views.
 */
import type { Executor } from '../../../db/transaction.ts';
import type { Row } from '../../../db/types.ts';
import type { Keyring } from '../../../platform/crypto/keyring.ts';
import { SUBJECT_ROLES, type SubjectRole } from '../../applications/index.ts';
import { openIdentifiers } from '../../subjects/index.ts';
import {
  listIdentifiersOf,
  listPartyLinks,
  listRelationshipsAmong,
  type PartyLinkRow,
} from './cot.repository.ts';
import type { ClientPartyView } from './cot.schema.ts';
import { presentParty } from './party.presenter.ts';

export interface PartyGraph {
  /** The links of each subject of the application, in insertion order of the subjects. */
  bySubject: Map<string, PartyLinkRow[]>;
  /** The applicant. */
  main: Row<'subjects'> | null;
  /** Relationships between subjects of the application. */
  relationships: Row<'relationships'>[];
}

export async function loadPartyGraph(db: Executor, applicationId: string): Promise<PartyGraph> {
  const links = await listPartyLinks(db, applicationId);
  const bySubject = new Map<string, PartyLinkRow[]>();
  for (const l of links) bySubject.set(l.subject_id, [...(bySubject.get(l.subject_id) ?? []), l]);
  const main = links.find((l) => l.role === 'applicant')?.subject ?? null;
  return { bySubject, main, relationships: await listRelationshipsAmong(db, [...bySubject.keys()]) };
}

/**
 * Whether the organisation added this party: every one of its roles on the application was added by
 * one of the organisation's users (a role staff added makes the party the firm's).
 */
export function addedByOrganisation(links: readonly PartyLinkRow[], organisationId: string): boolean {
  return links.length > 0 && links.every((l) => l.client_organisation_id === organisationId);
}

/** The shareholdings a party holds in other subjects of the application. */
export function holdingsOf(graph: PartyGraph, subjectId: string): Row<'relationships'>[] {
  return graph.relationships.filter((r) => r.from_subject_id === subjectId && r.kind === 'shareholder');
}

/**
 * The client views of the application's parties (or of one), main subject first, then by role and
 * name. `mayChange`: the application accepts changes now and the user's role may make them.
 */
export async function presentParties(
  db: Executor,
  keyring: Keyring,
  graph: PartyGraph,
  opts: { organisationId: string; mayChange: boolean; only?: string },
): Promise<ClientPartyView[]> {
  const ids = opts.only ? [opts.only] : [...graph.bySubject.keys()];
  const own = ids.filter((id) => addedByOrganisation(graph.bySubject.get(id) ?? [], opts.organisationId));
  const identifiers = await listIdentifiersOf(db, own);
  const views = ids.flatMap((id) => {
    const links = graph.bySubject.get(id);
    if (!links?.length) return [];
    const subject = links[0]!.subject;
    const mine = own.includes(id);
    return [
      presentParty({
        subject,
        roles: links.map((l) => l.role),
        addedByOrganisation: mine,
        addedAt: new Date(Math.min(...links.map((l) => l.link_created_at.getTime()))),
        main: graph.main?.id === id,
        editable: mine && opts.mayChange,
        holdings: holdingsOf(graph, id),
        identifiers: mine ? openIdentifiers(keyring, id, identifiers.get(id) ?? []) : [],
      }),
    ];
  });
  return views.sort(
    (a, b) =>
      Number(b.main) - Number(a.main) ||
      roleRank(a) - roleRank(b) ||
      a.displayName.localeCompare(b.displayName) ||
      a.id.localeCompare(b.id),
  );
}

const roleRank = (v: ClientPartyView) =>
  Math.min(...v.roles.map((r) => SUBJECT_ROLES.indexOf(r as SubjectRole)));
