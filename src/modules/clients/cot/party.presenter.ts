/**
 * A party as the client organisation sees it: an explicit allow-list of the subject's fields. Never
 * the risk, screening status, alerts, programme, staff who added it, or any identifier in clear: the
 * sensitive fields (date of birth, registration and document numbers) always go through a masking
 * Disclosure. The details (addresses, contact, identity documents, place of birth...) are shown only
 * for the parties the organisation added itself; a party staff attached may be a subject the firm
 * knows from elsewhere, and what the firm knows of it is not the client's to read.
 */
import type { Row } from '../../../db/types.ts';
import { SUBJECT_ROLES, type SubjectRole } from '../../applications/index.ts';
import { Disclosure, type OpenedIdentifier } from '../../subjects/index.ts';
import type { ClientPartyView, HoldingView } from './cot.schema.ts';

interface StoredAddress {
  type: string;
  lines: string[];
  city: string;
  postcode?: string;
  region?: string;
  country: string;
}

interface StoredProfile {
  givenNames?: string;
  middleNames?: string;
  familyName?: string;
  fullName?: string;
  otherNames?: string[];
  dateOfBirth?: string;
  placeOfBirth?: string;
  gender?: string;
  nationalities?: string[];
  registeredName?: string;
  tradingNames?: string[];
  registrationNumber?: string;
  jurisdiction?: string;
  incorporationDate?: string;
  legalForm?: string;
  lei?: string;
  addresses?: StoredAddress[];
  contact?: { emails?: string[]; phones?: string[] };
}

/** Copies the listed keys that are set (never the profile as a whole). */
function pick<K extends keyof StoredProfile>(p: StoredProfile, keys: readonly K[]): Pick<StoredProfile, K> {
  const out: Partial<Pick<StoredProfile, K>> = {};
  for (const k of keys) if (p[k] !== undefined && p[k] !== null) out[k] = p[k];
  return out as Pick<StoredProfile, K>;
}

const roleIndex = (r: string) => SUBJECT_ROLES.indexOf(r as SubjectRole);

/** Roles in the display order of the applications module. */
export function sortRoles(roles: readonly string[]): SubjectRole[] {
  return [...new Set(roles)].sort((a, b) => roleIndex(a) - roleIndex(b)) as SubjectRole[];
}

export interface PartyFacts {
  subject: Row<'subjects'>;
  roles: readonly string[];
  addedByOrganisation: boolean;
  addedAt: Date;
  main: boolean;
  editable: boolean;
  holdings: readonly Row<'relationships'>[];
  /** The opened identity documents, for a party the organisation added; ignored otherwise. */
  identifiers: readonly OpenedIdentifier[];
}

function countryOfResidence(addresses: readonly StoredAddress[] | undefined): string | null {
  if (!addresses?.length) return null;
  return (addresses.find((a) => a.type === 'residential') ?? addresses[0]!).country;
}

export function presentHolding(r: Row<'relationships'>): HoldingView {
  return {
    ownedSubjectId: r.to_subject_id,
    sharePct: Number(r.share_pct),
    votingPct: r.voting_pct === null ? null : Number(r.voting_pct),
  };
}

export function presentParty(f: PartyFacts): ClientPartyView {
  const s = f.subject;
  const p = (s.profile ?? {}) as StoredProfile;
  const disclosure = new Disclosure(false);
  const own = f.addedByOrganisation;
  const fields: Partial<ClientPartyView> = {};
  if (s.kind === 'person') {
    Object.assign(fields, pick(p, ['givenNames', 'middleNames', 'familyName', 'nationalities']));
    if (p.dateOfBirth) fields.dateOfBirth = disclosure.show('dateOfBirth', p.dateOfBirth);
    fields.countryOfResidence = countryOfResidence(p.addresses);
    if (own) Object.assign(fields, pick(p, ['fullName', 'otherNames', 'placeOfBirth', 'gender']));
  } else {
    Object.assign(
      fields,
      pick(p, ['registeredName', 'tradingNames', 'jurisdiction', 'incorporationDate', 'legalForm', 'lei']),
    );
    if (p.registrationNumber)
      fields.registrationNumber = disclosure.show('registrationNumber', p.registrationNumber);
  }
  if (own) {
    fields.addresses = (p.addresses ?? []).map((a) => ({
      type: a.type,
      lines: [...a.lines],
      city: a.city,
      ...(a.postcode ? { postcode: a.postcode } : {}),
      ...(a.region ? { region: a.region } : {}),
      country: a.country,
    }));
    fields.contact = { emails: [...(p.contact?.emails ?? [])], phones: [...(p.contact?.phones ?? [])] };
    fields.identityDocuments = f.identifiers.map((d) => ({
      type: d.type,
      country: d.country,
      number: disclosure.show('identityDocuments.number', d.number),
      issuedOn: d.issuedOn,
      expiresOn: d.expiresOn,
    }));
  }
  return {
    id: s.id,
    kind: s.kind,
    displayName: s.display_name,
    roles: sortRoles(f.roles),
    main: f.main,
    addedBy: own ? 'organisation' : 'staff',
    addedAt: f.addedAt.toISOString(),
    editable: f.editable,
    version: s.version,
    ...fields,
    holdings: f.holdings.map(presentHolding),
    masked: disclosure.masked(),
  };
}
