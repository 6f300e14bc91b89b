/**
 * UK HMT/OFSI ConList CSV importer. Line 1 is 'Last Updated,<date>', the header is line 2, and a
 * designation is spread over one row per alias sharing a Group ID. The file is sorted by name, so
 * rows of a group are not adjacent: groups are accumulated (memory bounded by the number of
 * designations, a few thousand) while the file itself is streamed, and emitted at the end.
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
  withProgress,
  type ImportOptions,
  type ListInput,
} from './common.ts';
import { emptyEntity, type ListEntity, type ListSchema } from './model.ts';

const FORMAT = 'uk-csv';
const REQUIRED = ['Name 6', 'Name 1', 'Group Type', 'Group ID'];

/** 'dd/mm/yyyy' with 00 for unknown parts → ISO partial date. */
function ukDate(value: string | undefined): string | undefined {
  const m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(clean(value) ?? '');
  if (!m || m[3] === '0000') return undefined;
  if (m[2] === '00') return m[3];
  return m[1] === '00' ? `${m[3]}-${m[2]}` : `${m[3]}-${m[2]}-${m[1]}`;
}

const SCHEMAS: Record<string, ListSchema> = { individual: 'Person', entity: 'Organization', ship: 'Vessel' };

export async function* importUkConlistCsv(
  input: ListInput,
  opts: ImportOptions = {},
): AsyncGenerator<ListEntity> {
  yield* withProgress(ukEntities(input), opts);
}

async function* ukEntities(input: ListInput): AsyncGenerator<ListEntity> {
  let header: string[] | undefined;
  const groups = new Map<string, ListEntity>();
  for await (const { record, line } of csvRecords(input, FORMAT)) {
    if (!header) {
      if (/^Last Updated$/i.test(record[0]?.trim() ?? '')) continue;
      header = record.map((h) => h.trim());
      const missing = REQUIRED.filter((h) => !header!.includes(h));
      if (missing.length > 0)
        throw new ListFormatError(FORMAT, `line ${line}`, `header lacks ${missing.join(', ')}`);
      continue;
    }
    if (record.length !== header.length) {
      throw new ListFormatError(
        FORMAT,
        `line ${line}`,
        `expected ${header.length} columns, found ${record.length}`,
      );
    }
    const row = (col: string) => clean(record[header!.indexOf(col)]);
    const groupId = row('Group ID');
    if (!groupId || !/^\d+$/.test(groupId))
      throw new ListFormatError(FORMAT, `line ${line}`, 'Group ID missing or not numeric');
    const groupType = (row('Group Type') ?? '').toLowerCase();
    const schema = SCHEMAS[groupType];
    if (!schema) throw new ListFormatError(FORMAT, `line ${line}`, `unknown Group Type ${row('Group Type')}`);
    let entity = groups.get(groupId);
    if (!entity) {
      entity = emptyEntity(`uk-hmt:${groupId}`, schema);
      entity.topics.push('sanction');
      groups.set(groupId, entity);
    }
    const given = ['Name 1', 'Name 2', 'Name 3', 'Name 4', 'Name 5'].map(row).filter(Boolean) as string[];
    const surname = row('Name 6');
    const full = clean([...given, surname].filter(Boolean).join(' '));
    if (!full) throw new ListFormatError(FORMAT, `line ${line}`, 'row has no name');
    const aliasType = (row('Alias Type') ?? '').toLowerCase();
    const primary = aliasType === 'primary name' || aliasType === 'prime alias';
    const kind = row('Alias Quality')?.toLowerCase() === 'low' ? 'weak_alias' : primary ? 'primary' : 'alias';
    const p =
      schema === 'Person' ? parts(given[0], given.slice(1).join(' ') || undefined, surname) : undefined;
    addName(entity, full, kind, p ? { parts: p } : {});
    addName(entity, row('Name Non-Latin Script'), 'alias', {});
    addUnique(entity.birthDates, ukDate(row('DOB')));
    for (const nat of (row('Nationality') ?? '').split(/\(\d+\)|;|,/))
      addUnique(entity.nationalities, countryCode(clean(nat)));
    addIdentifier(entity, 'passport', row('Passport Number'));
    addIdentifier(entity, 'national_id', row('National Identification Number'));
    const address = [
      'Address 1',
      'Address 2',
      'Address 3',
      'Address 4',
      'Address 5',
      'Address 6',
      'Post/Zip Code',
      'Country',
    ]
      .map(row)
      .filter(Boolean)
      .join(', ');
    addUnique(entity.addresses, address || undefined);
    addUnique(entity.countries, countryCode(row('Country')));
    const regime = row('Regime');
    const listedOn = ukDate(row('Listed On'));
    if (entity.sources.length === 0) {
      const source: ListEntity['sources'][number] = { list: 'uk-hmt' };
      if (regime) source.programme = regime;
      if (listedOn) source.listedOn = listedOn;
      entity.sources.push(source);
    }
    const other = row('Other Information');
    if (other && !entity.remarks) entity.remarks = other;
  }
  if (!header) throw new ListFormatError(FORMAT, 'line 2', 'no header row');
  for (const entity of groups.values()) {
    // A group listed only through AKA rows still needs a primary name.
    if (!entity.names.some((n) => n.kind === 'primary') && entity.names[0]) entity.names[0].kind = 'primary';
    yield entity;
  }
}
