/**
 * The business rules of a subject's profile that a JSON schema cannot express (real country codes,
 * dates not in the future, the LEI checksum...) and the columns derived from the profile.
 */
import { validationError } from '../../platform/errors.ts';
import { isCountryCode, isJurisdiction } from './countries.ts';
import { identifierIndexValue, isoDate, isValidLei, nameKey, normaliseNumber } from './subject.normalise.ts';
import type {
  Address,
  EntityProfile,
  IdentityDocumentInput,
  PersonProfile,
  SubjectKind,
} from './subject.schema.ts';

export type Profile = PersonProfile | EntityProfile;
type Problem = { path: string; message: string };

/** The columns extracted from a profile, for search, duplicate checks and lists. */
export interface DerivedColumns {
  display_name: string;
  name_key: string;
  date_of_birth: string | null;
  lei: string | null;
  jurisdiction: string | null;
  registration_number: string | null;
}

export function displayNameOf(kind: SubjectKind, profile: Profile): string {
  if (kind === 'entity') return (profile as EntityProfile).registeredName;
  const p = profile as PersonProfile;
  return p.fullName ?? [p.givenNames, p.middleNames, p.familyName].filter(Boolean).join(' ');
}

export function deriveColumns(kind: SubjectKind, profile: Profile): DerivedColumns {
  const displayName = displayNameOf(kind, profile);
  if (kind === 'person') {
    const p = profile as PersonProfile;
    return {
      display_name: displayName,
      name_key: nameKey(displayName),
      date_of_birth: p.dateOfBirth,
      lei: null,
      jurisdiction: null,
      registration_number: null,
    };
  }
  const e = profile as EntityProfile;
  return {
    display_name: displayName,
    name_key: nameKey(displayName),
    date_of_birth: null,
    lei: e.lei ?? null,
    jurisdiction: e.jurisdiction,
    registration_number: normaliseNumber(e.registrationNumber),
  };
}

/** Drops unset and cleared (null) fields, so the stored profile holds only what is known. */
export function compactProfile<T extends object>(profile: T): T {
  return Object.fromEntries(Object.entries(profile).filter(([, v]) => v !== undefined && v !== null)) as T;
}

function checkAddresses(addresses: Address[] | undefined, out: Problem[]): void {
  (addresses ?? []).forEach((a, i) => {
    if (!isCountryCode(a.country))
      out.push({ path: `addresses/${i}/country`, message: 'unknown country code' });
  });
}

/** Throws a validation error listing every rule the profile and documents break. */
export function assertValidSubject(
  kind: SubjectKind,
  profile: Profile,
  docs: IdentityDocumentInput[],
  now: Date,
): void {
  const today = isoDate(now);
  const out: Problem[] = [];
  if (kind === 'person') {
    const p = profile as PersonProfile;
    if (p.dateOfBirth > today) out.push({ path: 'dateOfBirth', message: 'must not be in the future' });
    (p.nationalities ?? []).forEach((c, i) => {
      if (!isCountryCode(c)) out.push({ path: `nationalities/${i}`, message: 'unknown country code' });
    });
  } else {
    const e = profile as EntityProfile;
    if (!isJurisdiction(e.jurisdiction)) out.push({ path: 'jurisdiction', message: 'unknown country code' });
    if (e.incorporationDate > today)
      out.push({ path: 'incorporationDate', message: 'must not be in the future' });
    if (e.lei !== undefined && !isValidLei(e.lei))
      out.push({ path: 'lei', message: 'invalid LEI check digits' });
    if (normaliseNumber(e.registrationNumber) === '')
      out.push({ path: 'registrationNumber', message: 'must contain letters or digits' });
    // A masked view (`••••1234`) sent back must not overwrite the number.
    if (e.registrationNumber.includes('•'))
      out.push({ path: 'registrationNumber', message: 'a masked value cannot be written' });
  }
  checkAddresses(profile.addresses, out);
  const seen = new Set<string>();
  docs.forEach((d, i) => {
    if (kind === 'entity' && d.type !== 'tax_id' && d.type !== 'other') {
      out.push({
        path: `identityDocuments/${i}/type`,
        message: 'an entity holds tax_id or other identifiers only',
      });
    }
    if (!isCountryCode(d.country))
      out.push({ path: `identityDocuments/${i}/country`, message: 'unknown country code' });
    if (d.issuedOn && d.issuedOn > today)
      out.push({ path: `identityDocuments/${i}/issuedOn`, message: 'must not be in the future' });
    if (d.issuedOn && d.expiresOn && d.expiresOn < d.issuedOn) {
      out.push({ path: `identityDocuments/${i}/expiresOn`, message: 'must not be before issuedOn' });
    }
    const key = identifierIndexValue(d);
    if (seen.has(key)) out.push({ path: `identityDocuments/${i}`, message: 'duplicate identity document' });
    seen.add(key);
  });
  if (out.length) throw validationError('invalid subject', out);
}
