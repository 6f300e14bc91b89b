/**
 * Text uploads (CSV, plain text), checked as they stream: valid UTF-8 (an optional BOM), no NUL and
 * no control characters other than tab, CR, LF and form feed, and no markup a browser would sniff as
 * HTML, SVG or XML (the WHATWG MIME-sniffing patterns plus a few more), since a text file that a
 * browser or a viewer renders as HTML is an XSS vector even when served as text.
 */
import { InspectionRefusal } from './refusal.ts';

// C0 controls except \t \n \f \r, DEL, and C1 controls.
// eslint-disable-next-line no-control-regex
const FORBIDDEN_CONTROL = /[\u0000-\u0008\u000b\u000e-\u001f\u007f-\u009f]/u;

/** Tag names after '<' that make content markup (WHATWG "HTML" patterns, SVG/MathML, embedding tags). */
const MARKUP_TAGS = [
  ...['!doctype', 'html', 'head', 'script', 'iframe', 'h1', 'div', 'font', 'table', 'a', 'style', 'title'],
  ...['b', 'body', 'br', 'p', 'svg', 'math', 'object', 'embed', 'meta', 'link', 'base', 'img', 'form'],
  ...['frameset', 'frame', 'applet', 'template', 'xml', 'xsl:stylesheet', 'rdf:rdf'],
];
/** After the tag name: space, '>', '/', or other whitespace (browsers accept more than WHATWG lists). */
const TAG_END = new Set([0x20, 0x3e, 0x2f, 0x09, 0x0a, 0x0c, 0x0d]);
const WHITESPACE = new Set([0x09, 0x0a, 0x0c, 0x0d, 0x20]);
/** Long enough for the longest pattern plus its terminator. */
const SNIFF_BYTES = 32;

/**
 * Returns what markup the start of `head` is (e.g. "<svg"), or null. `head` is the first bytes of the
 * content after any BOM and leading whitespace; give at least 32 bytes unless the file is shorter.
 */
export function sniffMarkup(head: Uint8Array): string | null {
  const text = Buffer.from(head.subarray(0, SNIFF_BYTES)).toString('latin1').toLowerCase();
  if (text.startsWith('<!--')) return '<!--';
  if (text.startsWith('<?xml')) return '<?xml';
  for (const tag of MARKUP_TAGS) {
    const pattern = `<${tag}`;
    if (!text.startsWith(pattern)) continue;
    const next = head[pattern.length];
    // '<!doctype' needs no terminator; at the very end of a file, the pattern alone is enough.
    if (tag === '!doctype' || next === undefined || TAG_END.has(next)) return pattern;
  }
  return null;
}

/** Skips an optional UTF-8 BOM and leading whitespace. */
export function skipLeading(bytes: Uint8Array): Uint8Array {
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (i < bytes.length && WHITESPACE.has(bytes[i]!)) i++;
  return bytes.subarray(i);
}

const BOM = [0xef, 0xbb, 0xbf];

/** A streaming validator: push() each chunk, then end(); both throw InspectionRefusal. */
export class TextValidator {
  readonly #decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  /** The markup sniff: skipping the BOM, then whitespace, then collecting the first bytes, then done. */
  #lead: 'bom' | 'space' | 'collect' | 'done' = 'bom';
  #bomAt = 0;
  #collected = Buffer.alloc(0);

  push(chunk: Uint8Array): void {
    this.#sniff(chunk);
    this.#decode(chunk, true);
  }

  end(): void {
    if (this.#lead === 'collect') this.#decide();
    this.#decode(new Uint8Array(0), false);
  }

  #sniff(chunk: Uint8Array): void {
    let i = 0;
    while (i < chunk.length && this.#lead !== 'done') {
      const b = chunk[i]!;
      if (this.#lead === 'bom') {
        // A partial BOM is invalid UTF-8, which the decoder refuses; the sniff just moves on.
        if (b === BOM[this.#bomAt]) {
          i++;
          if (++this.#bomAt === BOM.length) this.#lead = 'space';
        } else {
          this.#lead = 'space';
        }
      } else if (this.#lead === 'space') {
        if (WHITESPACE.has(b)) i++;
        else this.#lead = 'collect';
      } else {
        const take = Math.min(SNIFF_BYTES - this.#collected.length, chunk.length - i);
        this.#collected = Buffer.concat([this.#collected, chunk.subarray(i, i + take)]);
        i += take;
        if (this.#collected.length >= SNIFF_BYTES) this.#decide();
      }
    }
  }

  #decide(): void {
    this.#lead = 'done';
    const markup = sniffMarkup(this.#collected);
    if (markup) {
      throw new InspectionRefusal(
        'active_content',
        `The text starts with markup (${markup}), which is not allowed.`,
      );
    }
  }

  #decode(chunk: Uint8Array, more: boolean): void {
    let text: string;
    try {
      text = this.#decoder.decode(chunk, { stream: more });
    } catch {
      throw new InspectionRefusal('text_invalid', 'The text is not valid UTF-8.');
    }
    if (text.includes('\0')) throw new InspectionRefusal('text_invalid', 'The text contains NUL characters.');
    if (FORBIDDEN_CONTROL.test(text)) {
      throw new InspectionRefusal('text_invalid', 'The text contains control characters.');
    }
  }
}
