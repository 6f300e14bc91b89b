/**
 * Senzing JSON importer: one record per line (OpenSanctions' Senzing export) or a JSON array file.
 * Both the nested layout (NAMES[], DATES[], COUNTRIES[], RISKS[]) and the flat one (NAME_FIRST,
 * DATE_OF_BIRTH, NATIONALITY at top level) are read. An array file is parsed whole: it is only used
 * for small hand-made samples; large exports are line-delimited.
 */
import { ListFormatError } from './errors.ts';
import { countryCode } from './countries.ts';
import {
  addIdentifier,
  addName,
  addUnique,
  clean,
  parts,
  partialDate,
  readLines,
  withProgress,
  type ImportOptions,
  type ListInput,
} from './common.ts';
import { emptyEntity, type ListEntity, type ListTopic } from './model.ts';

const FORMAT = 'senzing';
type Rec = Record<string, unknown>;

function str(r: Rec, k: string): string | undefined {
  const v = r[k];
  return typeof v === 'string' ? clean(v) : undefined;
}
function arr(r: Rec, k: string): Rec[] {
  const v = r[k];
  return Array.isArray(v) ? v.filter((x): x is Rec => typeof x === 'object' && x !== null) : [];
}

function addNameRec(entity: ListEntity, n: Rec, person: boolean): void {
  const kind = (str(n, 'NAME_TYPE') ?? 'PRIMARY').toUpperCase() === 'PRIMARY' ? 'primary' : 'alias';
  const p = person ? parts(str(n, 'NAME_FIRST'), str(n, 'NAME_MIDDLE'), str(n, 'NAME_LAST')) : undefined;
  const full =
    str(n, 'NAME_FULL') ??
    str(n, 'NAME_ORG') ??
    clean([p?.first, p?.middle, p?.last].filter(Boolean).join(' '));
  addName(entity, full, kind, p ? { parts: p } : {});
}

function toEntity(r: Rec, where: string, prefix: string): ListEntity {
  const id = str(r, 'RECORD_ID');
  if (!id) throw new ListFormatError(FORMAT, where, 'record without RECORD_ID');
  const person = (str(r, 'RECORD_TYPE') ?? 'PERSON').toUpperCase() === 'PERSON';
  const entity = emptyEntity(`${prefix}:${id}`, person ? 'Person' : 'Organization');
  for (const n of [...arr(r, 'NAMES'), r]) addNameRec(entity, n, person);
  if (entity.names.length === 0) throw new ListFormatError(FORMAT, where, `record ${id} has no name`);
  if (!entity.names.some((n) => n.kind === 'primary')) entity.names[0]!.kind = 'primary';
  for (const d of [...arr(r, 'DATES'), r]) addUnique(entity.birthDates, partialDate(str(d, 'DATE_OF_BIRTH')));
  for (const c of [...arr(r, 'COUNTRIES'), r]) {
    addUnique(entity.nationalities, countryCode(str(c, 'NATIONALITY') ?? str(c, 'CITIZENSHIP')));
  }
  addUnique(entity.countries, countryCode(str(r, 'ADDR_COUNTRY')));
  for (const i of arr(r, 'IDENTIFIERS')) {
    for (const k of ['PASSPORT', 'NATIONAL_ID', 'TAX_ID', 'TRUSTED_ID', 'OTHER_ID']) {
      const value = str(i, `${k}_NUMBER`);
      if (!value) continue;
      const type = (str(i, `${k}_TYPE`) ?? k).toLowerCase();
      // OpenSanctions' own entity id is a cross-reference, not an identity document.
      if (type === 'open_sanctions') continue;
      addIdentifier(entity, type, value, countryCode(str(i, `${k}_COUNTRY`)));
    }
  }
  for (const risk of arr(r, 'RISKS')) {
    const t = str(risk, 'TOPIC') ?? '';
    const mapped: ListTopic | undefined =
      t === 'role.pep'
        ? 'pep'
        : t === 'role.rca'
          ? 'rca'
          : t.startsWith('sanction')
            ? 'sanction'
            : t.startsWith('crime')
              ? 'crime'
              : undefined;
    addUnique(entity.topics, mapped);
  }
  const address = ['ADDR_LINE1', 'ADDR_CITY', 'ADDR_STATE', 'ADDR_COUNTRY']
    .map((k) => str(r, k))
    .filter(Boolean)
    .join(', ');
  addUnique(entity.addresses, address || undefined);
  entity.sources.push({ list: (str(r, 'DATA_SOURCE') ?? 'senzing').toLowerCase() });
  return entity;
}

export interface SenzingOptions extends ImportOptions {
  idPrefix?: string;
}

export async function* importSenzingJson(
  input: ListInput,
  opts: SenzingOptions = {},
): AsyncGenerator<ListEntity> {
  yield* withProgress(senzingEntities(input, opts.idPrefix ?? 'senzing'), opts);
}

async function* senzingEntities(input: ListInput, prefix: string): AsyncGenerator<ListEntity> {
  let arrayText: string | undefined;
  let arrayStart = 0;
  for await (const { line, n } of readLines(input)) {
    if (arrayText !== undefined) {
      arrayText += `${line}\n`;
      continue;
    }
    const t = line.trim();
    if (t === '') continue;
    if (t.startsWith('[')) {
      arrayText = `${line}\n`;
      arrayStart = n;
      continue;
    }
    let rec: unknown;
    try {
      rec = JSON.parse(t);
    } catch (err) {
      throw new ListFormatError(FORMAT, `line ${n}`, 'not valid JSON', { cause: err });
    }
    if (typeof rec !== 'object' || rec === null || Array.isArray(rec)) {
      throw new ListFormatError(FORMAT, `line ${n}`, 'not a JSON object');
    }
    yield toEntity(rec as Rec, `line ${n}`, prefix);
  }
  if (arrayText === undefined) return;
  let list: unknown;
  try {
    list = JSON.parse(arrayText);
  } catch (err) {
    throw new ListFormatError(FORMAT, `array starting at line ${arrayStart}`, 'not valid JSON', {
      cause: err,
    });
  }
  if (!Array.isArray(list)) throw new ListFormatError(FORMAT, `line ${arrayStart}`, 'not a JSON array');
  for (const [i, rec] of list.entries()) {
    if (typeof rec !== 'object' || rec === null)
      throw new ListFormatError(FORMAT, `array element #${i + 1}`, 'not an object');
    yield toEntity(rec as Rec, `array element #${i + 1}`, prefix);
  }
}
