/**
 * Public surface of the list importers: the entity model, the snapshot diff and one dispatch
 * function so callers (CLI, scheduled refresh) pick an importer by format name.
 */
import type { ImportOptions, ListInput } from './common.ts';
import { importEuFsfXml } from './eu-fsf-xml.ts';
import { importFtmJsonl } from './ftm-jsonl.ts';
import type { ListEntity } from './model.ts';
import { importOfacCsv, type OfacFiles, type OfacOptions } from './ofac-csv.ts';
import { importSenzingJson } from './senzing-json.ts';
import { importUkConlistCsv } from './uk-conlist-csv.ts';
import { importUnXml } from './un-xml.ts';

export type {
  ListEntity,
  ListName,
  ListSchema,
  NameKind,
  ListTopic,
  ListIdentifier,
  ListSource,
} from './model.ts';
export { contentHash, canonicalJson } from './model.ts';
export { diffSnapshots, type SnapshotDiff } from './diff.ts';
export { ListFormatError } from './errors.ts';
export type { ImportOptions, ListInput } from './common.ts';
export { importOfacCsv, importUnXml, importEuFsfXml, importUkConlistCsv, importFtmJsonl, importSenzingJson };

export type ListFormat = 'ofac-csv' | 'un-xml' | 'eu-xml' | 'uk-csv' | 'ftm' | 'senzing';

/** `files` is an OfacFiles object for 'ofac-csv' and a single path or stream otherwise. */
export function importList(
  format: ListFormat,
  files: ListInput | OfacFiles,
  opts: ImportOptions & OfacOptions = {},
): AsyncGenerator<ListEntity> {
  const single = (): ListInput => {
    if (typeof files === 'object' && files !== null && 'main' in files) return files.main;
    return files as ListInput;
  };
  switch (format) {
    case 'ofac-csv':
      return importOfacCsv(
        typeof files === 'object' && 'main' in files ? files : { main: files as ListInput },
        opts,
      );
    case 'un-xml':
      return importUnXml(single(), opts);
    case 'eu-xml':
      return importEuFsfXml(single(), opts);
    case 'uk-csv':
      return importUkConlistCsv(single(), opts);
    case 'ftm':
      return importFtmJsonl(single(), opts);
    case 'senzing':
      return importSenzingJson(single(), opts);
  }
}
