/**
 * EU Financial Sanctions Files (FSF) XML importer, namespace http://eu.europa.ec/fpi/fsd/export.
 * Each sanctionEntity is streamed on its own. nameAlias strong="false" is a weak alias; person vs
 * enterprise comes from subjectType.
 */
import { ListFormatError } from './errors.ts';
import { countryCode } from './countries.ts';
import {
  addIdentifier,
  addName,
  addUnique,
  childrenNamed,
  clean,
  parts,
  partialDate,
  withProgress,
  xmlRecords,
  type ImportOptions,
  type ListInput,
  type XNode,
} from './common.ts';
import { emptyEntity, type ListEntity } from './model.ts';

const FORMAT = 'eu-xml';
const RECORDS: ReadonlySet<string> = new Set(['sanctionEntity']);

function toEntity(node: XNode, index: number): ListEntity {
  const logicalId = clean(node.attrs.logicalId);
  const where = `element sanctionEntity #${index}${logicalId ? ` (logicalId ${logicalId})` : ''} at line ${node.line}`;
  if (!logicalId) throw new ListFormatError(FORMAT, where, 'missing logicalId');
  const subject = childrenNamed(node, 'subjectType')[0]?.attrs.code;
  const isPerson = subject === 'person';
  const entity = emptyEntity(`eu-fsf:${logicalId}`, isPerson ? 'Person' : 'Organization');

  let first = true;
  for (const alias of childrenNamed(node, 'nameAlias')) {
    const a = alias.attrs;
    const whole =
      clean(a.wholeName) ?? clean([a.firstName, a.middleName, a.lastName].filter(Boolean).join(' '));
    if (!whole) continue;
    // The FSF has no primary flag; the first strong alias is the listed name.
    const strong = a.strong !== 'false';
    const kind = !strong ? 'weak_alias' : first ? 'primary' : 'alias';
    if (strong) first = false;
    const extra: { parts?: ReturnType<typeof parts>; lang?: string } = {};
    if (isPerson) extra.parts = parts(a.firstName, a.middleName, a.lastName);
    if (clean(a.nameLanguage)) extra.lang = clean(a.nameLanguage)!.toLowerCase();
    addName(entity, whole, kind, extra);
  }
  if (entity.names.length === 0) throw new ListFormatError(FORMAT, where, 'no nameAlias with a name');
  if (!entity.names.some((n) => n.kind === 'primary')) entity.names[0]!.kind = 'primary';

  for (const c of childrenNamed(node, 'citizenship'))
    addUnique(entity.nationalities, countryCode(c.attrs.countryIso2Code));
  for (const b of childrenNamed(node, 'birthdate')) {
    addUnique(entity.birthDates, partialDate(b.attrs.birthdate) ?? partialDate(b.attrs.year));
  }
  for (const id of childrenNamed(node, 'identification')) {
    const type =
      id.attrs.identificationTypeCode === 'id' ? 'national_id' : clean(id.attrs.identificationTypeCode);
    addIdentifier(entity, type ?? 'other', id.attrs.number, countryCode(id.attrs.countryIso2Code));
  }
  for (const ad of childrenNamed(node, 'address')) {
    const a = ad.attrs;
    const text = [a.street, a.poBox, a.zipCode, a.city, a.place, a.region, a.countryDescription]
      .map((v) => clean(v))
      .filter(Boolean)
      .join(', ');
    addUnique(entity.addresses, text || undefined);
    addUnique(entity.countries, countryCode(a.countryIso2Code));
  }
  entity.topics.push('sanction');
  const programme = clean(childrenNamed(node, 'regulation')[0]?.attrs.programme);
  const listedOn = partialDate(node.attrs.designationDate);
  const source: ListEntity['sources'][number] = { list: 'eu-fsf' };
  if (programme) source.programme = programme;
  if (listedOn) source.listedOn = listedOn;
  entity.sources.push(source);
  const remarks = clean(
    childrenNamed(node, 'remark')
      .map((r) => r.text)
      .join(' '),
  );
  if (remarks) entity.remarks = remarks;
  return entity;
}

export async function* importEuFsfXml(
  input: ListInput,
  opts: ImportOptions = {},
): AsyncGenerator<ListEntity> {
  yield* withProgress(euEntities(input), opts);
}

async function* euEntities(input: ListInput): AsyncGenerator<ListEntity> {
  for await (const { node, index } of xmlRecords(input, FORMAT, RECORDS)) yield toEntity(node, index);
}
