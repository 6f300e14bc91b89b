/**
 * UN Security Council consolidated list (XML) importer: INDIVIDUAL and ENTITY elements streamed
 * one at a time. Alias quality: 'Good' and the entities' 'a.k.a.' are strong aliases, 'Low' is a
 * weak alias (as OFAC's weak a.k.a.s), 'f.k.a.' a former name.
 */
import { ListFormatError } from './errors.ts';
import { countryCode } from './countries.ts';
import {
  addIdentifier,
  addName,
  addUnique,
  child,
  childrenNamed,
  childText,
  clean,
  parts,
  partialDate,
  withProgress,
  xmlRecords,
  yearRange,
  type ImportOptions,
  type ListInput,
  type XNode,
} from './common.ts';
import { emptyEntity, type ListEntity, type NameKind } from './model.ts';

const FORMAT = 'un-xml';
const RECORDS: ReadonlySet<string> = new Set(['INDIVIDUAL', 'ENTITY']);

function aliasKind(quality: string | undefined): NameKind {
  switch ((quality ?? '').toLowerCase()) {
    case 'low':
      return 'weak_alias';
    case 'f.k.a.':
      return 'former';
    default:
      return 'alias';
  }
}

function documentType(raw: string | undefined): string {
  const t = (raw ?? '').toLowerCase();
  if (t.includes('pass')) return 'passport';
  if (t.includes('national')) return 'national_id';
  return clean(raw)?.toLowerCase() ?? 'other';
}

function toEntity(node: XNode, index: number): ListEntity {
  const isPerson = node.name === 'INDIVIDUAL';
  const dataId = childText(node, 'DATAID');
  const where = `element ${node.name} #${index}${dataId ? ` (DATAID ${dataId})` : ''} at line ${node.line}`;
  if (!dataId) throw new ListFormatError(FORMAT, where, 'missing DATAID');
  const ref = childText(node, 'REFERENCE_NUMBER');
  const names = ['FIRST_NAME', 'SECOND_NAME', 'THIRD_NAME', 'FOURTH_NAME'].map((n) => childText(node, n));
  const full = clean(names.filter(Boolean).join(' '));
  if (!full) throw new ListFormatError(FORMAT, where, 'no name');

  const entity = emptyEntity(`un:${ref ?? dataId}`, isPerson ? 'Person' : 'Organization');
  // UN writes given name(s) first and the family name last; FIRST_NAME alone is a single name.
  const present = names.filter((n): n is string => n !== undefined);
  addName(
    entity,
    full,
    'primary',
    isPerson && present.length > 1
      ? { parts: parts(present[0], present.slice(1, -1).join(' ') || undefined, present.at(-1)) }
      : {},
  );
  addName(entity, childText(node, 'NAME_ORIGINAL_SCRIPT'), 'alias');
  for (const alias of childrenNamed(node, isPerson ? 'INDIVIDUAL_ALIAS' : 'ENTITY_ALIAS')) {
    addName(entity, childText(alias, 'ALIAS_NAME'), aliasKind(childText(alias, 'QUALITY')));
  }

  for (const dob of childrenNamed(node, 'INDIVIDUAL_DATE_OF_BIRTH')) {
    const from = childText(dob, 'FROM_YEAR');
    const to = childText(dob, 'TO_YEAR');
    if (from && to) for (const y of yearRange(Number(from), Number(to))) addUnique(entity.birthDates, y);
    addUnique(entity.birthDates, partialDate(childText(dob, 'DATE')));
    addUnique(entity.birthDates, partialDate(childText(dob, 'YEAR')));
  }
  for (const nat of childrenNamed(node, 'NATIONALITY')) {
    for (const v of childrenNamed(nat, 'VALUE')) addUnique(entity.nationalities, countryCode(clean(v.text)));
  }
  for (const doc of childrenNamed(node, 'INDIVIDUAL_DOCUMENT')) {
    const number = childText(doc, 'NUMBER');
    const country = countryCode(childText(doc, 'ISSUING_COUNTRY') ?? childText(doc, 'COUNTRY_OF_ISSUE'));
    addIdentifier(entity, documentType(childText(doc, 'TYPE_OF_DOCUMENT')), number, country);
  }
  for (const addr of childrenNamed(node, isPerson ? 'INDIVIDUAL_ADDRESS' : 'ENTITY_ADDRESS')) {
    const country = childText(addr, 'COUNTRY');
    const text = ['STREET', 'CITY', 'STATE_PROVINCE', 'ZIP_CODE']
      .map((f) => childText(addr, f))
      .concat(country)
      .filter(Boolean)
      .join(', ');
    addUnique(entity.addresses, text || undefined);
    addUnique(entity.countries, countryCode(country));
  }
  const gender = childText(node, 'GENDER')?.toLowerCase();
  if (gender === 'male' || gender === 'female') entity.gender = gender;
  entity.topics.push('sanction');
  const source: ListEntity['sources'][number] = { list: 'un' };
  const programme = childText(node, 'UN_LIST_TYPE');
  if (programme) source.programme = programme;
  const listedOn = partialDate(childText(node, 'LISTED_ON'));
  if (listedOn) source.listedOn = listedOn;
  entity.sources.push(source);
  const remarks = clean(child(node, 'COMMENTS1')?.text);
  if (remarks) entity.remarks = remarks;
  return entity;
}

export async function* importUnXml(input: ListInput, opts: ImportOptions = {}): AsyncGenerator<ListEntity> {
  yield* withProgress(unEntities(input), opts);
}

async function* unEntities(input: ListInput): AsyncGenerator<ListEntity> {
  const counters: Record<string, number> = {};
  for await (const { node } of xmlRecords(input, FORMAT, RECORDS)) {
    counters[node.name] = (counters[node.name] ?? 0) + 1;
    yield toEntity(node, counters[node.name]!);
  }
}
