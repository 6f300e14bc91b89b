/**
 * FollowTheMoney JSON-lines importer (OpenSanctions exports). Keeps the matchable schemas and
 * skips the rest (Sanction, Ownership, Family, Address...). When the input is a path, a first pass
 * collects the Sanction entities (small) so that each target gets its programme and listing date.
 */
import { ListFormatError } from './errors.ts';
import { countryCode } from './countries.ts';
import {
  addIdentifier,
  addName,
  addUnique,
  parts,
  partialDate,
  readLines,
  withProgress,
  type ImportOptions,
  type ListInput,
} from './common.ts';
import { emptyEntity, type ListEntity, type ListSchema, type ListSource, type ListTopic } from './model.ts';

const FORMAT = 'ftm';
const SCHEMAS: Record<string, ListSchema> = {
  Person: 'Person',
  Organization: 'Organization',
  Company: 'Company',
  LegalEntity: 'LegalEntity',
  Vessel: 'Vessel',
  Airplane: 'Aircraft',
};
const ID_PROPS: Record<string, string> = {
  idNumber: 'id_number',
  passportNumber: 'passport',
  taxNumber: 'tax_id',
  registrationNumber: 'registration',
  innCode: 'inn',
  imoNumber: 'imo',
};

interface FtmLine {
  id?: unknown;
  schema?: unknown;
  caption?: unknown;
  properties?: Record<string, unknown>;
  datasets?: unknown;
}

async function* ftmLines(
  input: ListInput,
): AsyncGenerator<{ e: FtmLine; id: string; schema: string; n: number }> {
  for await (const { line, n } of readLines(input)) {
    if (line.trim() === '') continue;
    let e: FtmLine;
    try {
      e = JSON.parse(line) as FtmLine;
    } catch (err) {
      throw new ListFormatError(FORMAT, `line ${n}`, 'not valid JSON', { cause: err });
    }
    if (typeof e !== 'object' || e === null || typeof e.id !== 'string' || typeof e.schema !== 'string') {
      throw new ListFormatError(FORMAT, `line ${n}`, 'entity without id or schema');
    }
    yield { e, id: e.id, schema: e.schema, n };
  }
}

function strings(props: Record<string, unknown> | undefined, key: string): string[] {
  const v = props?.[key];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function topic(t: string): ListTopic | undefined {
  if (t === 'sanction') return 'sanction';
  if (t === 'role.pep') return 'pep';
  if (t === 'role.rca') return 'rca';
  if (t.startsWith('crime')) return 'crime';
  return undefined;
}

export interface FtmOptions extends ImportOptions {
  idPrefix?: string;
  /** Pre-scan Sanction entities (path inputs only; default true). */
  linkSanctions?: boolean;
}

export async function* importFtmJsonl(input: ListInput, opts: FtmOptions = {}): AsyncGenerator<ListEntity> {
  yield* withProgress(ftmEntities(input, opts), opts);
}

async function* ftmEntities(input: ListInput, opts: FtmOptions): AsyncGenerator<ListEntity> {
  const prefix = opts.idPrefix ?? 'ftm';
  const sanctions = new Map<string, ListSource[]>();
  if (typeof input === 'string' && opts.linkSanctions !== false) {
    for await (const { e, schema } of ftmLines(input)) {
      if (schema !== 'Sanction') continue;
      const p = e.properties;
      const source: ListSource = {
        list: strings(p, 'authority')[0] ?? strings(p, 'country')[0] ?? 'unknown',
      };
      const programme = strings(p, 'program')[0] ?? strings(p, 'programId')[0];
      const listedOn = partialDate(strings(p, 'listingDate')[0] ?? strings(p, 'startDate')[0]);
      if (programme) source.programme = programme;
      if (listedOn) source.listedOn = listedOn;
      for (const target of strings(p, 'entity'))
        sanctions.set(target, [...(sanctions.get(target) ?? []), source]);
    }
  }
  for await (const { e, id, schema: ftmSchema } of ftmLines(input)) {
    const schema = SCHEMAS[ftmSchema];
    if (!schema) continue;
    const p = e.properties;
    const entity = emptyEntity(`${prefix}:${id}`, schema);
    const firsts = strings(p, 'firstName');
    const lasts = strings(p, 'lastName');
    const middles = strings(p, 'middleName');
    // FtM keeps name parts as unpaired lists; attach them to a name that contains both a first
    // and a last name value, the only pairing we can make without guessing.
    const partsFor = (name: string) => {
      if (schema !== 'Person') return undefined;
      const lower = name.toLowerCase();
      const f = firsts.find((x) => lower.includes(x.toLowerCase()));
      const l = lasts.find((x) => lower.includes(x.toLowerCase()));
      if (!f || !l) return undefined;
      return parts(
        f,
        middles.find((x) => lower.includes(x.toLowerCase())),
        l,
      );
    };
    const caption = typeof e.caption === 'string' ? e.caption : undefined;
    const names = strings(p, 'name');
    const primary = caption && names.includes(caption) ? caption : names[0];
    if (primary) addName(entity, primary, 'primary', { parts: partsFor(primary) });
    for (const n of names) addName(entity, n, 'alias', { parts: partsFor(n) });
    for (const n of strings(p, 'alias')) addName(entity, n, 'alias', { parts: partsFor(n) });
    for (const n of strings(p, 'previousName')) addName(entity, n, 'former');
    for (const n of strings(p, 'weakAlias')) addName(entity, n, 'weak_alias');
    if (entity.names.length === 0 && caption) addName(entity, caption, 'primary');
    if (entity.names.length === 0) continue;
    for (const d of strings(p, 'birthDate')) addUnique(entity.birthDates, partialDate(d));
    for (const c of [...strings(p, 'nationality'), ...strings(p, 'citizenship')])
      addUnique(entity.nationalities, countryCode(c));
    for (const c of [...strings(p, 'country'), ...strings(p, 'jurisdiction')])
      addUnique(entity.countries, countryCode(c));
    const gender = strings(p, 'gender')[0]?.toLowerCase();
    if (gender === 'male' || gender === 'female') entity.gender = gender;
    for (const [prop, type] of Object.entries(ID_PROPS))
      for (const v of strings(p, prop)) addIdentifier(entity, type, v);
    for (const a of strings(p, 'address')) addUnique(entity.addresses, a);
    for (const t of strings(p, 'topics')) addUnique(entity.topics, topic(t));
    const linked = sanctions.get(id);
    if (linked) {
      entity.sources.push(...linked);
      addUnique(entity.topics, 'sanction');
    }
    const datasets = Array.isArray(e.datasets)
      ? (e.datasets as unknown[]).filter((d) => typeof d === 'string')
      : [];
    for (const d of datasets) entity.sources.push({ list: `opensanctions:${d as string}` });
    if (entity.sources.length === 0) entity.sources.push({ list: prefix });
    yield entity;
  }
}
