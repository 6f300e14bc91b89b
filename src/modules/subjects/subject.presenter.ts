import type { SubjectRow } from './subject.repository.ts';
import type { OpenedIdentifier } from './subject.identifiers.ts';
import type { Disclosure } from './sensitive-fields.ts';
import type {
  Address,
  EntityProfile,
  IdentityDocumentView,
  PersonProfile,
  SubjectSummaryView,
  SubjectView,
} from './subject.schema.ts';

/** Copies only the listed keys that are set: the stored profile never flows through unfiltered. */
function pick<T extends object, K extends keyof T>(source: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (source[k] !== undefined && source[k] !== null) out[k] = source[k];
  return out;
}

/** The fields only a person has; the presenter's allow-list and the update's kind check. */
export const PERSON_FIELDS = [
  'givenNames',
  'middleNames',
  'familyName',
  'fullName',
  'otherNames',
  'dateOfBirth',
  'placeOfBirth',
  'gender',
  'nationalities',
] as const satisfies readonly (keyof PersonProfile)[];

/** The fields only a legal entity has. */
export const ENTITY_FIELDS = [
  'registeredName',
  'tradingNames',
  'registrationNumber',
  'jurisdiction',
  'incorporationDate',
  'legalForm',
  'lei',
] as const satisfies readonly (keyof EntityProfile)[];

function presentAddress(a: Address): Address {
  return {
    type: a.type,
    lines: [...a.lines],
    city: a.city,
    ...pick(a, ['postcode', 'region']),
    country: a.country,
  };
}

export function presentIdentifier(d: OpenedIdentifier, disclosure: Disclosure): IdentityDocumentView {
  return {
    id: d.id,
    type: d.type,
    country: d.country,
    number: disclosure.show('identityDocuments.number', d.number),
    masked: !disclosure.reveal,
    issuedOn: d.issuedOn,
    expiresOn: d.expiresOn,
  };
}

/**
 * The full view of one subject. The sensitive fields (sensitive-fields.ts) go through `disclosure`:
 * masked unless it reveals (the use case checked the right), listed in `masked` when masked, and
 * afterwards in `disclosure.fields()` for the audit event of a clear view. `mayReveal` is whether the
 * actor could ask for the clear view.
 */
export function presentSubject(
  row: SubjectRow,
  identifiers: OpenedIdentifier[],
  disclosure: Disclosure,
  mayReveal: boolean,
): SubjectView {
  const profile = row.profile as Partial<PersonProfile & EntityProfile>;
  const kindFields: Partial<PersonProfile & EntityProfile> =
    row.kind === 'person'
      ? pick(profile as PersonProfile, PERSON_FIELDS)
      : pick(profile as EntityProfile, ENTITY_FIELDS);
  if (kindFields.dateOfBirth !== undefined)
    kindFields.dateOfBirth = disclosure.show('dateOfBirth', kindFields.dateOfBirth);
  if (kindFields.registrationNumber !== undefined)
    kindFields.registrationNumber = disclosure.show('registrationNumber', kindFields.registrationNumber);
  const identityDocuments = identifiers.map((d) => presentIdentifier(d, disclosure));
  return {
    id: row.id,
    kind: row.kind,
    displayName: row.display_name,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    ...kindFields,
    addresses: (profile.addresses ?? []).map(presentAddress),
    contact: { emails: [...(profile.contact?.emails ?? [])], phones: [...(profile.contact?.phones ?? [])] },
    identityDocuments,
    masked: disclosure.masked(),
    abilities: { reveal: mayReveal },
  };
}

/** A list row; the sensitive fields go through `disclosure` as in the full view. */
export function presentSubjectSummary(row: SubjectRow, disclosure: Disclosure): SubjectSummaryView {
  const profile = row.profile as Partial<EntityProfile>;
  // The column holds the normalised number for matching; show it as the client wrote it.
  const registrationNumber = profile.registrationNumber ?? null;
  return {
    id: row.id,
    kind: row.kind,
    displayName: row.display_name,
    dateOfBirth: row.date_of_birth === null ? null : disclosure.show('dateOfBirth', row.date_of_birth),
    jurisdiction: row.jurisdiction,
    registrationNumber:
      registrationNumber === null ? null : disclosure.show('registrationNumber', registrationNumber),
    lei: row.lei,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    masked: disclosure.masked(),
  };
}
