/**
 * Plumbing shared by the importers: opening a path or stream, streaming lines, CSV records and
 * XML record elements with their line numbers (for ListFormatError), script detection and small
 * helpers to add values to an entity without duplicates. Everything here streams: a list file is
 * never read whole into memory.
 */
import { createReadStream } from 'node:fs';
import { Readable, Transform, pipeline } from 'node:stream';
import { parse, CsvError } from 'csv-parse';
import { SaxesParser } from 'saxes';
import { ListFormatError } from './errors.ts';
import type { ListEntity, ListName, NameKind, NameParts } from './model.ts';

/** A file path, or a readable stream of its bytes. */
export type ListInput = string | Readable | AsyncIterable<Buffer | string>;

export interface ImportOptions {
  /** Called every `progressEvery` entities (default 1000) and once at the end with the total. */
  onProgress?: (n: number) => void;
  progressEvery?: number;
}

export function openInput(input: ListInput): AsyncIterable<Buffer | string> {
  return typeof input === 'string' ? createReadStream(input) : input;
}

/** Wraps an entity generator with the progress callback, so each importer need not. */
export async function* withProgress(
  entities: AsyncIterable<ListEntity>,
  opts: ImportOptions | undefined,
): AsyncGenerator<ListEntity> {
  const every = Math.max(1, opts?.progressEvery ?? 1000);
  let n = 0;
  for await (const e of entities) {
    n += 1;
    yield e;
    if (opts?.onProgress && n % every === 0) opts.onProgress(n);
  }
  opts?.onProgress?.(n);
}

/** Decoded text chunks of an input; a single-byte encoding such as windows-1252 needs no state. */
async function* decoded(input: ListInput, encoding: string): AsyncGenerator<string> {
  const decoder = new TextDecoder(encoding);
  for await (const chunk of openInput(input)) {
    yield typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}

/** Lines (without terminator) and their 1-based numbers. */
export async function* readLines(
  input: ListInput,
  encoding = 'utf-8',
): AsyncGenerator<{ line: string; n: number }> {
  let buffer = '';
  let n = 0;
  for await (const text of decoded(input, encoding)) {
    buffer += text;
    let at: number;
    while ((at = buffer.indexOf('\n')) >= 0) {
      n += 1;
      yield { line: buffer.slice(0, at).replace(/\r$/, ''), n };
      buffer = buffer.slice(at + 1);
    }
  }
  if (buffer.length > 0) yield { line: buffer.replace(/\r$/, ''), n: n + 1 };
}

/**
 * CSV records with the line on which each ends. Column counts are not checked here (the importer
 * knows its layout and reports a wrong count itself); quoting errors become ListFormatError.
 */
export async function* csvRecords(
  input: ListInput,
  format: string,
  encoding = 'utf-8',
): AsyncGenerator<{ record: string[]; line: number }> {
  const parser = parse({ relax_column_count: true, info: true, bom: true, skip_empty_lines: true });
  // Decoding in a Transform keeps backpressure: csv-parse gets UTF-8 whatever the file's encoding.
  const decode = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      cb(null, Buffer.from(decoder.decode(chunk, { stream: true }), 'utf8'));
    },
  });
  const decoder = new TextDecoder(encoding);
  const source = typeof input === 'string' ? createReadStream(input) : Readable.from(input);
  // Errors surface through the parser's async iterator below; the callback only prevents an
  // unhandled rejection.
  pipeline(source, decode, parser, () => undefined);
  try {
    for await (const item of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      yield { record: item.record, line: item.info.lines };
    }
  } catch (err) {
    if (err instanceof CsvError) {
      const line = (err as CsvError & { lines?: number }).lines;
      throw new ListFormatError(format, line ? `line ${line}` : 'file', err.message, { cause: err });
    }
    throw err;
  }
}

/** A small element tree: one list record (an INDIVIDUAL, a sanctionEntity) at a time. */
export interface XNode {
  name: string;
  attrs: Record<string, string>;
  children: XNode[];
  text: string;
  line: number;
}

export function child(node: XNode, name: string): XNode | undefined {
  return node.children.find((c) => c.name === name);
}

export function childrenNamed(node: XNode, name: string): XNode[] {
  return node.children.filter((c) => c.name === name);
}

/** Trimmed text of a child element, undefined when absent or empty. */
export function childText(node: XNode, name: string): string | undefined {
  const t = child(node, name)?.text.trim();
  return t ? t : undefined;
}

/**
 * Streams an XML file and yields each element whose local name is in `records` as a small tree
 * (attributes by local name, text concatenated). Only one record is held at a time, so memory is
 * bounded by the largest entry, not by the file.
 */
export async function* xmlRecords(
  input: ListInput,
  format: string,
  records: ReadonlySet<string>,
): AsyncGenerator<{ node: XNode; index: number }> {
  const parser = new SaxesParser({ xmlns: true, position: true });
  const ready: { node: XNode; index: number }[] = [];
  const stack: XNode[] = [];
  let index = 0;
  parser.on('opentag', (tag) => {
    const name = tag.local ?? tag.name;
    if (stack.length === 0 && !records.has(name)) return;
    const attrs: Record<string, string> = {};
    for (const a of Object.values(tag.attributes)) {
      const attr = a as { local?: string; name: string; value: string };
      attrs[attr.local || attr.name] = attr.value;
    }
    const node: XNode = { name, attrs, children: [], text: '', line: parser.line };
    stack.at(-1)?.children.push(node);
    stack.push(node);
  });
  const onText = (t: string) => {
    const top = stack.at(-1);
    if (top) top.text += t;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', () => {
    const node = stack.pop();
    if (node && stack.length === 0) {
      index += 1;
      ready.push({ node, index });
    }
  });
  const fail = (err: unknown): never => {
    const msg = err instanceof Error ? err.message : String(err);
    throw new ListFormatError(format, `line ${parser.line}`, `malformed XML: ${msg}`, { cause: err });
  };
  for await (const text of decoded(input, 'utf-8')) {
    try {
      parser.write(text);
    } catch (err) {
      fail(err);
    }
    while (ready.length > 0) yield ready.shift()!;
  }
  try {
    parser.close();
  } catch (err) {
    fail(err);
  }
  while (ready.length > 0) yield ready.shift()!;
}

const SCRIPTS: readonly [string, RegExp][] = [
  ['Hangul', /\p{Script=Hangul}/u],
  ['Katakana', /\p{Script=Katakana}/u],
  ['Hiragana', /\p{Script=Hiragana}/u],
  ['Han', /\p{Script=Han}/u],
  ['Arabic', /\p{Script=Arabic}/u],
  ['Cyrillic', /\p{Script=Cyrillic}/u],
  ['Greek', /\p{Script=Greek}/u],
  ['Hebrew', /\p{Script=Hebrew}/u],
  ['Georgian', /\p{Script=Georgian}/u],
  ['Armenian', /\p{Script=Armenian}/u],
  ['Thai', /\p{Script=Thai}/u],
  ['Devanagari', /\p{Script=Devanagari}/u],
  ['Latin', /\p{Script=Latin}/u],
];

/**
 * The script of a name: the first non-Latin script found wins (a Cyrillic name with a Latin
 * initial is still Cyrillic, and kana beats Han so Japanese is not taken for Chinese).
 */
export function detectScript(value: string): string | undefined {
  for (const [name, re] of SCRIPTS) if (re.test(value)) return name;
  return undefined;
}

/** Collapses whitespace; list files are full of double spaces and stray line breaks. */
export function clean(value: string | undefined | null): string | undefined {
  const t = value?.replace(/\s+/g, ' ').trim();
  return t ? t : undefined;
}

/** Adds a name unless the same value (case-insensitive) is already there with a stronger kind. */
export function addName(
  entity: ListEntity,
  value: string | undefined,
  kind: NameKind,
  extra: { parts?: NameParts; lang?: string } = {},
): void {
  const v = clean(value);
  if (!v) return;
  const key = v.toLowerCase();
  const rank: Record<NameKind, number> = { primary: 0, alias: 1, former: 2, weak_alias: 3 };
  const existing = entity.names.find((n) => n.value.toLowerCase() === key);
  if (existing) {
    if (rank[kind] < rank[existing.kind]) existing.kind = kind;
    if (extra.parts && !existing.parts) existing.parts = extra.parts;
    return;
  }
  const name: ListName = { value: v, kind };
  const script = detectScript(v);
  if (script) name.script = script;
  if (extra.lang) name.lang = extra.lang;
  if (extra.parts && Object.keys(extra.parts).length > 0) name.parts = extra.parts;
  entity.names.push(name);
}

/** Pushes a value unless empty or already present. */
export function addUnique<T>(list: T[], value: T | undefined): void {
  if (value === undefined || value === '' || list.includes(value)) return;
  list.push(value);
}

export function addIdentifier(
  entity: ListEntity,
  type: string,
  value: string | undefined,
  country?: string,
): void {
  const v = clean(value);
  if (!v) return;
  if (entity.identifiers.some((i) => i.type === type && i.value === v && i.country === country)) return;
  entity.identifiers.push(country ? { type, value: v, country } : { type, value: v });
}

/** Parts with empty members dropped; undefined if nothing is left. */
export function parts(first?: string, middle?: string, last?: string): NameParts | undefined {
  const p: NameParts = {};
  const f = clean(first);
  const m = clean(middle);
  const l = clean(last);
  if (f) p.first = f;
  if (m) p.middle = m;
  if (l) p.last = l;
  return Object.keys(p).length > 0 ? p : undefined;
}

const MONTHS: Record<string, string> = {
  jan: '01',
  feb: '02',
  mar: '03',
  apr: '04',
  may: '05',
  jun: '06',
  jul: '07',
  aug: '08',
  sep: '09',
  oct: '10',
  nov: '11',
  dec: '12',
};

/** '12 Mar 1971' | 'Mar 1971' | '1971' | '1971-03-12' → ISO partial date; undefined otherwise. */
export function partialDate(value: string | undefined): string | undefined {
  const v = clean(value);
  if (!v) return undefined;
  let m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:T.*)?$/.exec(v);
  if (m) return [m[1], m[2], m[3]].filter(Boolean).join('-');
  m = /^(?:(\d{1,2}) )?([A-Za-z]{3})[a-z]* (\d{4})$/.exec(v);
  const month = m ? MONTHS[m[2]!.toLowerCase()] : undefined;
  if (m && month) return m[1] ? `${m[3]}-${month}-${m[1].padStart(2, '0')}` : `${m[3]}-${month}`;
  return undefined;
}

/** Every year from `from` to `to` inclusive (a DOB range), capped so bad data cannot explode. */
export function yearRange(from: number, to: number): string[] {
  if (!(from <= to) || to - from > 20) return [String(from), String(to)];
  const out: string[] = [];
  for (let y = from; y <= to; y++) out.push(String(y));
  return out;
}
