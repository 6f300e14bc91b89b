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

/**
 * What a subject shows when its programme shares only the basics with the actor: besides id, kind,
 * display name and the record's version and timestamps, a person's nationalities or an entity's
 * jurisdiction. Everything else is withheld, the same list for every subject of a kind.
 */
const BASIC_FIELDS: Record<SubjectRow['kind'], readonly string[]> = {
  person: ['nationalities'],
  entity: ['jurisdiction'],
};
const OTHER_FIELDS = ['addresses', 'contact', 'identityDocuments'] as const;

/** The names of the fields withheld from a basics-only view of a subject of this kind. */
export function withheldFields(kind: SubjectRow['kind']): string[] {
  const own: readonly string[] = kind === 'person' ? PERSON_FIELDS : ENTITY_FIELDS;
  return [...own.filter((f) => !BASIC_FIELDS[kind].includes(f)), ...OTHER_FIELDS];
}

/**
 * The basics-only view (see `withheldFields`): no sensitive field is present, so nothing is masked
 * and nothing can be revealed.
 */
function presentBasicSubject(row: SubjectRow): SubjectView {
  const profile = row.profile as Partial<PersonProfile & EntityProfile>;
  return {
    id: row.id,
    kind: row.kind,
    displayName: row.display_name,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    ...(row.kind === 'person' ? pick(profile, ['nationalities']) : pick(profile, ['jurisdiction'])),
    masked: [],
    withheld: withheldFields(row.kind),
    abilities: { reveal: false, edit: false },
  };
}

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
 * afterwards in `disclosure.fields()` for the audit event of a clear view. `abilities`: whether the
 * actor could ask for the clear view, and change the subject. With `basicOnly` (find-visible-subject.ts, `basicOnlySubjectIds`)
 * only the basics are shown, whatever `disclosure` says.
 */
export function presentSubject(
  row: SubjectRow,
  identifiers: OpenedIdentifier[],
  disclosure: Disclosure,
  abilities: { reveal: boolean; edit: boolean },
  basicOnly = false,
): SubjectView {
  if (basicOnly) return presentBasicSubject(row);
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
    withheld: [],
    abilities,
  };
}

/**
 * A list row; the sensitive fields go through `disclosure` as in the full view. With `basicOnly`, the
 * date of birth, registration number and LEI are withheld (null), as in the full view.
 */
export function presentSubjectSummary(
  row: SubjectRow,
  disclosure: Disclosure,
  basicOnly = false,
): SubjectSummaryView {
  if (basicOnly) {
    return {
      id: row.id,
      kind: row.kind,
      displayName: row.display_name,
      dateOfBirth: null,
      jurisdiction: row.kind === 'entity' ? row.jurisdiction : null,
      registrationNumber: null,
      lei: null,
      version: row.version,
      createdAt: row.created_at.toISOString(),
      updatedAt: row.updated_at.toISOString(),
      masked: [],
      withheld: row.kind === 'person' ? ['dateOfBirth'] : ['registrationNumber', 'lei'],
    };
  }
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
    withheld: [],
  };
}
