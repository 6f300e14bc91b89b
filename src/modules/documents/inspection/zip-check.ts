/**
 * ZIP archives, checked from the stored temporary copy (random access, decrypted on the fly by the
 * caller's RandomAccessSource), never in memory. Refused: more entries than allowed, declared or
 * actual unpacked sizes beyond the total, an entry expanding more than maxRatio (zip bomb), encrypted
 * entries, nested archives, paths that leave the archive, and any entry the content inspector would
 * refuse as a top-level upload (with archives not allowed inside). Actual sizes are counted while
 * inflating, and yauzl checks them against the declared ones, so lying headers gain nothing.
 */
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import { createContentInspector } from './content-inspector.ts';
import { ARCHIVE_EXTENSIONS } from './file-policy.ts';
import { sanitiseFilename } from './filename.ts';
import { InspectionRefusal } from './refusal.ts';

export interface ArchiveLimits {
  maxEntries: number;
  /** Total unpacked bytes, declared and actual. */
  maxUnpackedBytes: number;
  /** Unpacked to packed size, per entry larger than RATIO_MIN_BYTES. */
  maxRatio: number;
}

export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = {
  maxEntries: 1000,
  maxUnpackedBytes: 200 * 1024 * 1024,
  maxRatio: 100,
};

/**
 * Entries below this unpacked size are not ratio-checked: small repetitive files (a blank CSV
 * template) compress beyond 100:1 and cannot be bombs at that size; the total bounds them anyway.
 */
export const RATIO_MIN_BYTES = 1024 * 1024;

/** Random access to the stored archive: `read` streams bytes [start, endExclusive). */
export interface RandomAccessSource {
  size: number;
  read(start: number, endExclusive: number): Readable;
}

export interface ArchiveEntryPolicy {
  /** The programme's allow-list; archive types are removed from it for entries. */
  allowed: ReadonlySet<string>;
  headBytes?: number;
}

class SourceReader extends yauzl.RandomAccessReader {
  readonly #source: RandomAccessSource;
  constructor(source: RandomAccessSource) {
    super();
    this.#source = source;
  }
  override _readStreamForRange(start: number, end: number): Readable {
    return this.#source.read(start, end);
  }
}

// eslint-disable-next-line no-control-regex
const BAD_PATH_CHARS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\\]/u;

/** Validates an entry path; returns the last segment (the file's name). */
function checkEntryPath(path: string, index: number): string {
  const bad = (why: string): never => {
    throw new InspectionRefusal('archive_invalid', `Entry ${index + 1} of the archive ${why}.`);
  };
  if (BAD_PATH_CHARS.test(path)) bad('has a name with invalid characters');
  if (path.startsWith('/') || /^[a-zA-Z]:/.test(path)) bad('has an absolute path');
  const segments = path.split('/');
  if (segments.some((s) => s === '..' || s === '.')) bad('has a path that leaves the archive');
  if (segments.slice(0, -1).some((s) => s === '')) bad('has an empty path segment');
  return segments[segments.length - 1]!;
}

function refusalFromYauzl(err: Error): InspectionRefusal {
  if (err instanceof InspectionRefusal) return err;
  const m = err.message;
  if (/^(invalid relative path|absolute path|invalid characters in fileName)/.test(m)) {
    return new InspectionRefusal(
      'archive_invalid',
      'An entry of the archive has a path that leaves the archive.',
    );
  }
  if (/bytes in the stream|uncompressedSize|compressedSize/i.test(m)) {
    return new InspectionRefusal(
      'archive_invalid',
      'An entry of the archive does not match its declared size.',
    );
  }
  return new InspectionRefusal('archive_invalid', 'The archive is damaged or not a ZIP file.');
}

function open(source: RandomAccessSource): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.fromRandomAccessReader(
      new SourceReader(source),
      source.size,
      { lazyEntries: true, validateEntrySizes: true, decodeStrings: true, autoClose: false },
      (err, zip) => (err ? reject(err) : resolve(zip)),
    );
  });
}

/** Checks the archive; resolves when every entry passed, otherwise throws InspectionRefusal. */
export async function checkZip(
  source: RandomAccessSource,
  limits: ArchiveLimits,
  entryPolicy: ArchiveEntryPolicy,
): Promise<void> {
  let zip: yauzl.ZipFile;
  try {
    zip = await open(source);
  } catch (e) {
    throw refusalFromYauzl(e as Error);
  }
  try {
    if (zip.entryCount > limits.maxEntries) {
      throw new InspectionRefusal(
        'archive_too_many_entries',
        `The archive has more than ${limits.maxEntries} entries.`,
      );
    }
    const allowed = new Set([...entryPolicy.allowed].filter((e) => !ARCHIVE_EXTENSIONS.has(e)));
    const state = { declared: 0, actual: 0 };
    let index = 0;
    for (;;) {
      const entry = await nextEntry(zip);
      if (!entry) break;
      await checkEntry(zip, entry, index++, limits, allowed, entryPolicy.headBytes, state);
    }
  } catch (e) {
    throw refusalFromYauzl(e as Error);
  } finally {
    zip.close();
  }
}

function nextEntry(zip: yauzl.ZipFile): Promise<yauzl.Entry | null> {
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      zip.off('entry', onEntry);
      zip.off('end', onEnd);
      zip.off('error', onError);
    };
    const onEntry = (e: yauzl.Entry): void => {
      cleanup();
      resolve(e);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(null);
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(err);
    };
    zip.on('entry', onEntry);
    zip.on('end', onEnd);
    zip.on('error', onError);
    zip.readEntry();
  });
}

async function checkEntry(
  zip: yauzl.ZipFile,
  entry: yauzl.Entry,
  index: number,
  limits: ArchiveLimits,
  allowed: ReadonlySet<string>,
  headBytes: number | undefined,
  state: { declared: number; actual: number },
): Promise<void> {
  const last = checkEntryPath(entry.fileName, index);
  if (entry.fileName.endsWith('/')) return; // a directory
  if (entry.isEncrypted()) {
    throw new InspectionRefusal(
      'archive_encrypted',
      'The archive contains encrypted entries, which cannot be inspected.',
    );
  }
  state.declared += entry.uncompressedSize;
  if (state.declared > limits.maxUnpackedBytes) {
    throw new InspectionRefusal('archive_too_large', 'The archive unpacks to more than the allowed size.');
  }
  const overRatio = (unpacked: number): boolean =>
    unpacked > RATIO_MIN_BYTES && unpacked / Math.max(entry.compressedSize, 1) > limits.maxRatio;
  if (overRatio(entry.uncompressedSize)) {
    throw new InspectionRefusal(
      'archive_ratio',
      'An entry of the archive expands suspiciously (a zip bomb?).',
    );
  }
  let name: string;
  let extension: string;
  try {
    ({ name, extension } = sanitiseFilename(last));
  } catch (e) {
    const detail = e instanceof InspectionRefusal ? e.detail : 'The name is invalid.';
    throw new InspectionRefusal('archive_invalid', `Entry ${index + 1} of the archive: ${detail}`);
  }
  if (ARCHIVE_EXTENSIONS.has(extension)) {
    throw new InspectionRefusal('archive_nested', `The archive contains another archive (${name}).`);
  }

  const inspector = createContentInspector({ extension, allowed, limits, headBytes });
  const stream = await new Promise<Readable>((resolve, reject) =>
    zip.openReadStream(entry, (err, s) => (err ? reject(err) : resolve(s))),
  );
  let entryBytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      entryBytes += chunk.length;
      state.actual += chunk.length;
      if (state.actual > limits.maxUnpackedBytes) {
        return callback(
          new InspectionRefusal('archive_too_large', 'The archive unpacks to more than the allowed size.'),
        );
      }
      if (overRatio(entryBytes)) {
        return callback(
          new InspectionRefusal(
            'archive_ratio',
            'An entry of the archive expands suspiciously (a zip bomb?).',
          ),
        );
      }
      callback(null, chunk);
    },
  });
  try {
    // Stop inflating as soon as the inspector refuses (e.g. an executable head in a huge entry).
    await Promise.race([pipeline(stream, counter, inspector.input), inspector.early]);
    await inspector.result();
  } catch (e) {
    stream.destroy();
    if (e instanceof InspectionRefusal) {
      // The entry's refusal, with its (validated) name so the uploader knows which file it was.
      throw e.code.startsWith('archive_')
        ? e
        : new InspectionRefusal(e.code, `In the archive, ${name}: ${e.detail}`);
    }
    throw e;
  }
}
