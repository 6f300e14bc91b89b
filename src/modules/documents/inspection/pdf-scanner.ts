/**
 * Streaming scan of PDFs for active content. Decision: a PDF that can run something is REFUSED, not
 * flagged: the names /JavaScript and /JS (scripts), /Launch (starts programs), /EmbeddedFile
 * (attachments), /RichMedia (Flash and video), /XFA (scriptable forms), /ImportData and /SubmitForm
 * (form data in and out). Encrypted PDFs (/Encrypt) are refused too: their object streams cannot be
 * inspected. Link actions (/URI, /GoTo) are ordinary and allowed.
 *
 * How: a byte-level lexer over the whole file (never a full parse, never the whole file in memory)
 * decodes every name, #xx escapes included, keeping its state across chunks so that tokens split at
 * any boundary are still seen. Every `stream` keyword followed by an end of line and a zlib header
 * starts an inflater whose output goes through the same lexer, so names inside FlateDecode streams
 * (object streams, content streams) are seen as well. Inflaters are not stopped at `endstream` but
 * run until their own end of data, so a fake `endstream` inside a stored deflate block hides nothing;
 * a damaged deflate stream is refused ('pdf_invalid'), since its lost output cannot be scanned.
 * Inflation is bounded per stream and in total; beyond that the PDF is refused ('pdf_too_complex')
 * rather than scanned partly.
 *
 * Deliberately conservative: strings and comments are not told apart, so a name-like text in them
 * counts too. The one exception avoids false refusals: the two-letter /JS is ignored inside stream
 * bodies (raw or inflated), where compressed or image bytes contain it by chance (about once per
 * 250 MB); a script action needs `/S /JavaScript` anyway, which is looked for everywhere.
 * Not decoded: streams whose first filter is not FlateDecode (ASCIIHex, ASCII85, LZW, RunLength);
 * ClamAV, which also parses PDFs, scans the same file.
 */
import zlib from 'node:zlib';
import { InspectionRefusal } from './refusal.ts';

export interface PdfScanLimits {
  /** Inflated bytes per stream (default 256 MiB: large lossless page scans are legitimate). */
  maxInflatedPerStream: number;
  /** Inflated bytes over the whole file (default 1 GiB). */
  maxInflatedTotal: number;
  /** Inflaters alive at once (default 8; normally one ends before the next stream starts). */
  maxConcurrentStreams: number;
}

export const DEFAULT_PDF_LIMITS: PdfScanLimits = {
  maxInflatedPerStream: 256 * 1024 * 1024,
  maxInflatedTotal: 1024 * 1024 * 1024,
  maxConcurrentStreams: 8,
};

const FORBIDDEN: Readonly<Record<string, string>> = {
  JavaScript: 'JavaScript',
  JS: 'JavaScript',
  Launch: 'a launch action',
  EmbeddedFile: 'an embedded file',
  EmbeddedFiles: 'an embedded file',
  RichMedia: 'rich media',
  XFA: 'an XFA form',
  ImportData: 'an import-data action',
  SubmitForm: 'a submit-form action',
};

/** Byte classes (PDF 32000 7.2.2): 0 regular, 1 white-space, 2 delimiter. A table, as every byte is looked up. */
const CLASS = new Uint8Array(256);
for (const b of [0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]) CLASS[b] = 1;
for (const b of [0x28, 0x29, 0x3c, 0x3e, 0x5b, 0x5d, 0x7b, 0x7d, 0x2f, 0x25]) CLASS[b] = 2;
const MAX_NAME = 127;
const ENDSTREAM = Buffer.from('endstream', 'latin1');
/** KMP failure table for "endstream", so that overlapping partial matches are not lost. */
const ENDSTREAM_FAIL = ((): number[] => {
  const f = [0];
  for (let i = 1, k = 0; i < ENDSTREAM.length; i++) {
    while (k > 0 && ENDSTREAM[i] !== ENDSTREAM[k]) k = f[k - 1]!;
    if (ENDSTREAM[i] === ENDSTREAM[k]) k++;
    f.push(k);
  }
  return f;
})();

function hexValue(b: number): number {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  if (b >= 0x41 && b <= 0x46) return b - 0x37;
  if (b >= 0x61 && b <= 0x66) return b - 0x57;
  return -1;
}

/** Decodes #xx escapes in a raw name (bytes after the '/'). */
function decodeName(raw: number[]): string {
  const out: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const b = raw[i]!;
    if (b === 0x23 && i + 2 < raw.length && hexValue(raw[i + 1]!) >= 0 && hexValue(raw[i + 2]!) >= 0) {
      out.push(hexValue(raw[i + 1]!) * 16 + hexValue(raw[i + 2]!));
      i += 2;
    } else {
      out.push(b);
    }
  }
  return Buffer.from(out).toString('latin1');
}

interface LexerEvents {
  /** A complete name; `inBody` when it was inside a stream body (or inflated data). */
  name(name: string, inBody: boolean): void;
}

/** The byte-level lexer: names and the `stream` keyword, state kept across chunks. */
class Lexer {
  readonly #events: LexerEvents;
  readonly #inflated: boolean;
  #name: number[] | null = null;
  #nameOverflow = false;
  #word = '';
  #inBody = false;
  #endMatch = 0;
  /** After `stream` + CR: a following LF belongs to the end of line. */
  #skipLf = false;

  constructor(events: LexerEvents, inflated: boolean) {
    this.#events = events;
    this.#inflated = inflated;
    this.#inBody = inflated;
  }

  /** Lexes a chunk; `onBodyStart` gets the offset of each stream body starting in it. */
  push(chunk: Uint8Array, onBodyStart: (offset: number) => void): void {
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (this.#skipLf) {
        this.#skipLf = false;
        if (b === 0x0a) {
          onBodyStart(i + 1);
          continue;
        }
        onBodyStart(i);
      }
      if (this.#inBody && !this.#inflated) {
        while (this.#endMatch > 0 && b !== ENDSTREAM[this.#endMatch])
          this.#endMatch = ENDSTREAM_FAIL[this.#endMatch - 1]!;
        if (b === ENDSTREAM[this.#endMatch]) this.#endMatch++;
        if (this.#endMatch === ENDSTREAM.length) {
          this.#endMatch = 0;
          this.#inBody = false;
        }
      }
      if (CLASS[b] !== 0) {
        this.#finishName();
        const word = this.#word;
        this.#word = '';
        if (word === 'stream' && !this.#inflated && (b === 0x0a || b === 0x0d)) {
          this.#inBody = true;
          this.#endMatch = 0;
          if (b === 0x0d) this.#skipLf = true;
          else onBodyStart(i + 1);
        }
        if (b === 0x2f) {
          this.#name = [];
          this.#nameOverflow = false;
        }
        continue;
      }
      if (this.#name) {
        if (this.#name.length < MAX_NAME * 3) this.#name.push(b);
        else this.#nameOverflow = true;
      } else if (this.#word.length <= 16) {
        this.#word += String.fromCharCode(b);
      }
    }
  }

  /** At the end of the data: a name running up to the last byte is complete. */
  end(): void {
    this.#finishName();
  }

  #finishName(): void {
    if (!this.#name) return;
    const raw = this.#name;
    this.#name = null;
    if (!this.#nameOverflow) this.#events.name(decodeName(raw), this.#inBody);
  }
}

/**
 * A zlib header: deflate method, window ≤ 32K, the check bits, and no preset dictionary (which PDF
 * readers cannot decode either).
 */
function isZlibHeader(a: number, b: number): boolean {
  return (a & 0x0f) === 8 && a >> 4 <= 7 && ((a << 8) | b) % 31 === 0 && (b & 0x20) === 0;
}

interface Inflation {
  inflater: zlib.Inflate;
  produced: number;
  done: Promise<void>;
}

/**
 * The scanner: `write()` each chunk (awaiting it gives backpressure to the inflaters), then `end()`.
 * Both reject with InspectionRefusal as soon as a refusal is known.
 */
export class PdfScanner {
  readonly #limits: PdfScanLimits;
  readonly #lexer: Lexer;
  #header = Buffer.alloc(0);
  #headerChecked = false;
  #refusal: InspectionRefusal | null = null;
  #inflations = new Set<Inflation>();
  #inflatedTotal = 0;
  /** A stream body started; its first two bytes decide whether it is zlib. */
  #pendingBody: number[] | null = null;

  constructor(limits: Partial<PdfScanLimits> = {}) {
    this.#limits = { ...DEFAULT_PDF_LIMITS, ...limits };
    this.#lexer = new Lexer({ name: (n, inBody) => this.#checkName(n, inBody) }, false);
  }

  async write(chunk: Uint8Array): Promise<void> {
    this.#throwIfRefused();
    if (!this.#headerChecked) {
      this.#header = Buffer.concat([this.#header, chunk.subarray(0, 5 - this.#header.length)]);
      if (this.#header.length === 5) this.#checkHeader();
    }
    const starts: number[] = [];
    this.#lexer.push(chunk, (offset) => starts.push(offset));
    this.#throwIfRefused();
    // Feed the inflaters that were running before this chunk, then open the ones starting in it.
    const running = [...this.#inflations];
    await Promise.all(running.map((f) => this.#feed(f, chunk)));
    if (this.#pendingBody) this.#continueBody(chunk, 0);
    for (const offset of starts) this.#continueBody(chunk, offset, true);
    this.#throwIfRefused();
  }

  async end(): Promise<void> {
    this.#throwIfRefused();
    if (!this.#headerChecked) this.#checkHeader();
    this.#lexer.end();
    for (const f of this.#inflations) f.inflater.end();
    await Promise.all([...this.#inflations].map((f) => f.done));
    this.#throwIfRefused();
  }

  /** Stops everything (the caller gave up). */
  destroy(): void {
    for (const f of this.#inflations) f.inflater.destroy();
    this.#inflations.clear();
  }

  #checkHeader(): void {
    this.#headerChecked = true;
    if (!this.#header.equals(Buffer.from('%PDF-'))) {
      this.#refuse(new InspectionRefusal('pdf_invalid', 'The file does not start with a PDF header.'));
    }
  }

  #checkName(name: string, inBody: boolean): void {
    if (name === 'Encrypt') {
      this.#refuse(
        new InspectionRefusal('pdf_encrypted', 'Encrypted PDFs cannot be inspected and are not accepted.'),
      );
      return;
    }
    if (name === 'JS' && inBody) return;
    const what = Object.hasOwn(FORBIDDEN, name) ? FORBIDDEN[name] : undefined;
    if (what)
      this.#refuse(
        new InspectionRefusal('active_content', `The PDF contains ${what} (/${name}), which is not allowed.`),
      );
  }

  /** Collects the first two body bytes from `offset`; on a zlib header, starts an inflater there. */
  #continueBody(chunk: Uint8Array, offset: number, fresh = false): void {
    if (fresh) this.#pendingBody = [];
    const pending = this.#pendingBody;
    if (!pending) return;
    let i = offset;
    while (pending.length < 2 && i < chunk.length) pending.push(chunk[i++]!);
    if (pending.length < 2) return;
    this.#pendingBody = null;
    if (!isZlibHeader(pending[0]!, pending[1]!)) return;
    const f = this.#startInflation();
    if (!f) return;
    // The two header bytes are consumed here: the body is inflated raw (see #startInflation).
    if (i < chunk.length) f.inflater.write(chunk.subarray(i));
  }

  #startInflation(): Inflation | null {
    if (this.#inflations.size >= this.#limits.maxConcurrentStreams) {
      this.#refuse(new InspectionRefusal('pdf_too_complex', 'The PDF is too complex to inspect.'));
      return null;
    }
    // Raw inflate after the zlib header: readers ignore the Adler-32 trailer, and a checksum error
    // would make Node drop the output of the failing write, so a wrong trailer could hide content.
    // Sync flush at the end: a stream cut short still yields what it has, without an error.
    const inflater = zlib.createInflateRaw({ finishFlush: zlib.constants.Z_SYNC_FLUSH });
    const lexer = new Lexer({ name: (n) => this.#checkName(n, true) }, true);
    const f: Inflation = { inflater, produced: 0, done: Promise.resolve() };
    f.done = new Promise<void>((resolve) => {
      const finish = (): void => {
        inflater.destroy();
        lexer.end();
        this.#inflations.delete(f);
        resolve();
      };
      inflater.on('data', (data: Buffer) => {
        f.produced += data.length;
        this.#inflatedTotal += data.length;
        if (
          f.produced > this.#limits.maxInflatedPerStream ||
          this.#inflatedTotal > this.#limits.maxInflatedTotal
        ) {
          this.#refuse(
            new InspectionRefusal('pdf_too_complex', 'The PDF expands to too much data to inspect.'),
          );
          inflater.destroy();
          return;
        }
        lexer.push(data, () => {});
      });
      // Corrupt deflate data: Node drops the output of the failing write, which could be exactly the
      // part a reader would still render, so a damaged compressed stream is refused, not skipped.
      inflater.on('error', () => {
        this.#refuse(new InspectionRefusal('pdf_invalid', 'The PDF has a damaged compressed stream.'));
        finish();
      });
      inflater.on('end', finish);
      inflater.on('close', finish);
    });
    this.#inflations.add(f);
    return f;
  }

  async #feed(f: Inflation, chunk: Uint8Array): Promise<void> {
    if (!this.#inflations.has(f) || f.inflater.destroyed || f.inflater.writableEnded) return;
    if (f.inflater.write(chunk)) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        f.inflater.off('drain', done);
        f.inflater.off('close', done);
        resolve();
      };
      f.inflater.on('drain', done);
      f.inflater.on('close', done);
    });
  }

  #refuse(r: InspectionRefusal): void {
    if (!this.#refusal) this.#refusal = r;
    this.destroy();
  }

  #throwIfRefused(): void {
    if (this.#refusal) throw this.#refusal;
  }
}
