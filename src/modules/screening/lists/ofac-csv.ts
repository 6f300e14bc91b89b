/**
 * OFAC SDN and consolidated (non-SDN) CSV importer. The files have no header, are Windows-1252
 * and write null as `-0-`. The main file is streamed; the alt/add/comments side files (at most a
 * few MB) are loaded first into maps by ent_num, since OFAC does not promise any ordering that
 * would allow a merge join. Remarks carry most of the identifying data (DOB, nationality, IDs,
 * weak a.k.a.s) in a `; `-separated free text, parsed here into fields.
 */
import { ListFormatError } from './errors.ts';
import { countryCode } from './countries.ts';
import {
  addIdentifier,
  addName,
  addUnique,
  clean,
  csvRecords,
  parts,
  partialDate,
  withProgress,
  yearRange,
  type ImportOptions,
  type ListInput,
} from './common.ts';
import { emptyEntity, type ListEntity, type ListSchema, type NameKind } from './model.ts';

const FORMAT = 'ofac-csv';
const ENCODING = 'windows-1252';

export interface OfacFiles {
  main: ListInput;
  alt?: ListInput;
  add?: ListInput;
  comments?: ListInput;
}

export interface OfacOptions extends ImportOptions {
  /** 'sdn' (default) or 'cons'; becomes the id prefix 'ofac-sdn:' / 'ofac-cons:' and the source list. */
  list?: 'sdn' | 'cons';
}

/** `-0-` (with its trailing space) is OFAC's null. */
function val(field: string | undefined): string | undefined {
  const v = clean(field);
  return v === undefined || v === '-0-' ? undefined : v;
}

/** Records of an OFAC file with the expected column count; the 0x1A end-of-file byte is skipped. */
async function* ofacRows(input: ListInput, columns: number, file: string): AsyncGenerator<string[]> {
  for await (const { record, line } of csvRecords(input, FORMAT, ENCODING)) {
    // The files end with a 0x1A (DOS end-of-file) byte on a line of its own.
    if (record.length === 1 && (record[0] ?? '').replaceAll('\u001a', '').trim() === '') continue;
    if (record.length !== columns) {
      throw new ListFormatError(
        FORMAT,
        `${file} line ${line}`,
        `expected ${columns} columns, found ${record.length}`,
      );
    }
    if (!/^\d+$/.test((record[0] ?? '').trim())) {
      throw new ListFormatError(FORMAT, `${file} line ${line}`, `ent_num is not numeric: ${record[0]}`);
    }
    yield record;
  }
}

async function loadSide(
  input: ListInput | undefined,
  columns: number,
  file: string,
): Promise<Map<string, string[][]>> {
  const map = new Map<string, string[][]>();
  if (input === undefined) return map;
  for await (const row of ofacRows(input, columns, file)) {
    const key = row[0]!.trim();
    const list = map.get(key);
    if (list) list.push(row);
    else map.set(key, [row]);
  }
  return map;
}

const SCHEMAS: Record<string, ListSchema> = {
  individual: 'Person',
  vessel: 'Vessel',
  aircraft: 'Aircraft',
};

/** 'LAST, First Middle' → parts; a name without a comma is kept whole as the last name. */
export function splitPersonName(
  name: string,
): { first?: string; middle?: string; last?: string } | undefined {
  const at = name.indexOf(',');
  if (at < 0) return parts(undefined, undefined, name);
  const last = name.slice(0, at);
  const given = (clean(name.slice(at + 1)) ?? '').split(' ');
  return parts(given[0], given.slice(1).join(' ') || undefined, last);
}

/** Remark labels that introduce an identifier, with the identifier type they map to. */
const ID_LABELS: readonly [RegExp, string][] = [
  [/^Passport No\.?\s+/i, 'passport'],
  [/^Passport\s+/i, 'passport'],
  [/^Diplomatic Passport\s+/i, 'passport'],
  [/^National ID No\.?\s+/i, 'national_id'],
  [/^National Identification Number\s+/i, 'national_id'],
  [/^Personal ID Card\s+/i, 'national_id'],
  [/^Identification Number\s+/i, 'id_number'],
  [/^Cedula No\.?\s+/i, 'cedula'],
  [/^D\.N\.I\.\s+/i, 'dni'],
  [/^C\.U\.R\.P\.\s+#?\s*/i, 'curp'],
  [/^R\.F\.C\.\s+#?\s*/i, 'rfc'],
  [/^NIT #\s*/i, 'nit'],
  [/^RUC #\s*/i, 'ruc'],
  [/^Tax ID No\.?\s+/i, 'tax_id'],
  [/^US FEIN\s+/i, 'tax_id'],
  [/^V\.A\.T\. Number\s+/i, 'vat'],
  [/^SSN\s+/i, 'ssn'],
  [/^Registration ID\s+/i, 'registration'],
  [/^Registration Number\s+/i, 'registration'],
  [/^Business Registration (?:Number|Document #)\s+/i, 'registration'],
  [/^Commercial Registry Number\s+/i, 'registration'],
  [/^Company Number\s+/i, 'registration'],
  [/^C\.R\. No\.?\s+/i, 'registration'],
  [/^Trade License No\.?\s+/i, 'registration'],
  [/^Folio Mercantil No\.?\s+/i, 'registration'],
  [/^Matricula Mercantil No\.?\s+/i, 'registration'],
  [/^Government Gazette Number\s+/i, 'registration'],
  [/^D-U-N-S Number\s+/i, 'duns'],
  [/^SWIFT\/BIC\s+/i, 'swift_bic'],
  [/^Vessel Registration Identification IMO\s+/i, 'imo'],
  [/^IMO\s+/i, 'imo'],
  [/^MMSI\s+/i, 'mmsi'],
  [/^Aircraft Manufacturer's Serial Number \(MSN\)\s+/i, 'aircraft_msn'],
  [/^Aircraft Tail Number\s+/i, 'aircraft_tail'],
  [/^Driver's License No\.?\s+/i, 'drivers_license'],
];

/** 'A123 (Iran) issued 18 Jan 1984' → value 'A123', country 'IR'. */
function idValue(rest: string): { value: string; country?: string } | undefined {
  const m = /^(.*?)(?:\s+\(([^)]*)\))?(?:\s+(?:issued|expires|expired)\b.*)?$/i.exec(rest);
  const value = clean(m?.[1]);
  if (!value) return undefined;
  const country = m?.[2] ? countryCode(m[2]) : undefined;
  return country ? { value, country } : { value };
}

const MONTHLESS_YEAR = /^\d{4}$/;

/** DOB remark value → ISO partial dates ('circa 1960' → '1960', '1958 to 1960' → each year). */
function dobValues(v: string): string[] {
  const s = v.replace(/^circa\s+/i, '').trim();
  const range = /^(\d{4}) to (\d{4})$/.exec(s);
  if (range) return yearRange(Number(range[1]), Number(range[2]));
  const range2 = /^(?:(\d{1,2} )?[A-Za-z]{3} )?(\d{4}) to (?:(\d{1,2} )?[A-Za-z]{3} )?(\d{4})$/.exec(s);
  if (range2) return yearRange(Number(range2[2]), Number(range2[4]));
  const d = partialDate(s);
  if (d) return [d];
  return MONTHLESS_YEAR.test(s) ? [s] : [];
}

/** Applies the structured part of OFAC remarks to an entity. */
export function applyRemarks(entity: ListEntity, remarks: string): void {
  // Remarks end with a period; segments are '; '-separated and an 'alt. ' prefix marks a repeat.
  const segments = remarks.replace(/\.\s*$/, '').split(/;\s*/);
  for (const raw of segments) {
    const seg = raw.trim().replace(/^alt\.\s+/i, '');
    let m: RegExpExecArray | null;
    if ((m = /^DOB\s+(.+)$/i.exec(seg))) {
      for (const d of dobValues(m[1]!)) addUnique(entity.birthDates, d);
    } else if ((m = /^(?:nationality|citizen|citizenship)\s+(.+)$/i.exec(seg))) {
      addUnique(entity.nationalities, countryCode(m[1]));
    } else if ((m = /^Gender\s+(Male|Female)$/i.exec(seg))) {
      entity.gender = m[1]!.toLowerCase() as 'male' | 'female';
    } else if ((m = /^(a\.k\.a\.|f\.k\.a\.|n\.k\.a\.)\s+(['"])(.*)\2$/i.exec(seg))) {
      // OFAC's "weak a.k.a.s": nicknames and short forms, low-weight evidence when matching.
      const kind: NameKind = m[1]!.toLowerCase() === 'f.k.a.' ? 'former' : 'weak_alias';
      addName(entity, m[3], kind);
    } else if ((m = /^Vessel Flag\s+(.+)$/i.exec(seg))) {
      addUnique(entity.countries, countryCode(m[1]));
    } else {
      for (const [re, type] of ID_LABELS) {
        const hit = re.exec(seg);
        if (!hit) continue;
        const id = idValue(seg.slice(hit[0].length));
        if (id) addIdentifier(entity, type, id.value, id.country);
        break;
      }
    }
  }
}

export async function* importOfacCsv(files: OfacFiles, opts: OfacOptions = {}): AsyncGenerator<ListEntity> {
  yield* withProgress(ofacEntities(files, opts), opts);
}

async function* ofacEntities(files: OfacFiles, opts: OfacOptions): AsyncGenerator<ListEntity> {
  const list = `ofac-${opts.list ?? 'sdn'}`;
  const alts = await loadSide(files.alt, 5, 'alt');
  const adds = await loadSide(files.add, 6, 'add');
  const comments = await loadSide(files.comments, 2, 'comments');
  for await (const row of ofacRows(files.main, 12, 'main')) {
    const entNum = row[0]!.trim();
    const type = val(row[2])?.toLowerCase();
    const schema = type ? SCHEMAS[type] : 'Organization';
    if (!schema) throw new ListFormatError(FORMAT, `main ent_num ${entNum}`, `unknown SDN_Type ${type}`);
    const entity = emptyEntity(`${list}:${entNum}`, schema);
    const name = val(row[1]);
    if (!name) throw new ListFormatError(FORMAT, `main ent_num ${entNum}`, 'SDN_Name is empty');
    addName(entity, name, 'primary', schema === 'Person' ? { parts: splitPersonName(name) } : {});
    // Several programmes are written 'SDGT] [SYRIA' (the file strips the outer brackets).
    for (const programme of (val(row[3]) ?? '').split(/\]\s*\[/)) {
      const p = clean(programme.replace(/[[\]]/g, ''));
      entity.sources.push(p ? { list, programme: p } : { list });
    }
    if (entity.sources.length === 0) entity.sources.push({ list });
    entity.topics.push('sanction');
    if (schema === 'Vessel') {
      addIdentifier(entity, 'call_sign', val(row[5]));
      addUnique(entity.countries, countryCode(val(row[9])));
    }
    for (const alt of alts.get(entNum) ?? []) {
      const altType = (val(alt[2]) ?? '').toLowerCase().replace(/\./g, '');
      const kind: NameKind = altType === 'fka' ? 'former' : 'alias';
      const altName = val(alt[3]);
      if (altName)
        addName(entity, altName, kind, schema === 'Person' ? { parts: splitPersonName(altName) } : {});
    }
    for (const add of adds.get(entNum) ?? []) {
      const country = val(add[4]);
      const address = [val(add[2]), val(add[3]), country].filter(Boolean).join(', ');
      addUnique(entity.addresses, address || undefined);
      addUnique(entity.countries, countryCode(country));
    }
    // sdn_comments holds the overflow of remarks cut off at the column limit: glue it back on.
    const overflow = (comments.get(entNum) ?? []).map((c) => c[1] ?? '').join('');
    const remarks = clean((val(row[11]) ?? '') + overflow);
    if (remarks) {
      entity.remarks = remarks;
      applyRemarks(entity, remarks);
    }
    yield entity;
  }
}
