/**
 * The one entity shape every sanctions/PEP list is imported into (FollowTheMoney-compatible in
 * spirit), and the content hash used to diff two snapshots of a list. Keeping a single shape lets
 * the matcher and the rescreening logic ignore where an entry came from.
 */
import { createHash } from 'node:crypto';

export type ListSchema = 'Person' | 'Organization' | 'Company' | 'Vessel' | 'Aircraft' | 'LegalEntity';
export type NameKind = 'primary' | 'alias' | 'weak_alias' | 'former';
export type ListTopic = 'sanction' | 'pep' | 'rca' | 'crime';

export interface NameParts {
  first?: string;
  middle?: string;
  last?: string;
}

export interface ListName {
  value: string;
  kind: NameKind;
  /** Unicode script of the letters, e.g. 'Latin', 'Cyrillic', 'Arabic', 'Han'. */
  script?: string;
  lang?: string;
  parts?: NameParts;
}

export interface ListIdentifier {
  type: string;
  value: string;
  country?: string;
}

export interface ListSource {
  list: string;
  programme?: string;
  listedOn?: string;
}

export interface ListEntity {
  /** Source-prefixed and stable across snapshots: 'ofac-sdn:12345', 'un:QDi.123'. */
  id: string;
  schema: ListSchema;
  names: ListName[];
  /** ISO partial dates: 'YYYY', 'YYYY-MM', 'YYYY-MM-DD'. */
  birthDates: string[];
  /** ISO 3166 alpha-2 where derivable, else the name as given, upper-cased. */
  nationalities: string[];
  countries: string[];
  gender?: 'male' | 'female';
  identifiers: ListIdentifier[];
  addresses: string[];
  topics: ListTopic[];
  sources: ListSource[];
  remarks?: string;
}

/** A fresh entity with every list field empty. */
export function emptyEntity(id: string, schema: ListSchema): ListEntity {
  return {
    id,
    schema,
    names: [],
    birthDates: [],
    nationalities: [],
    countries: [],
    identifiers: [],
    addresses: [],
    topics: [],
    sources: [],
  };
}

/**
 * JSON with object keys sorted and undefined members dropped, so that two entities with the same
 * content hash the same whatever order an importer happened to set their fields in. Array order is
 * kept: importers emit values in source order, which is stable for an unchanged entry.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

/** SHA-256 hex of the canonical JSON of an entity; equal content, equal hash. */
export function contentHash(entity: ListEntity): string {
  return createHash('sha256').update(canonicalJson(entity)).digest('hex');
}
