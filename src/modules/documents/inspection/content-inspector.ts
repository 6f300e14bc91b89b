/**
 * The content checks of one uploaded file, streaming: the first bytes (64 KiB by default) decide what
 * the file really is (file-type magic numbers), which must be allowed and agree with the extension;
 * active content is refused whatever it is called; then the rest streams through the PDF scanner or
 * the text rules. ZIP archives come back as kind 'archive': the caller runs checkZip on the stored
 * temporary copy, which needs random access.
 *
 * Early refusal: `early` rejects with the InspectionRefusal as soon as it is known (an extension is
 * refused before the first byte, a disguised executable once the head is in), so the pipeline can
 * stop reading the upload. The input itself never errors: after a refusal it accepts and discards
 * writes, so it can sit in a tee next to the virus scan and the encrypted store without breaking them.
 */
import { Writable } from 'node:stream';
import { fileTypeFromBuffer } from 'file-type';
import { isActiveContentType, NEVER_ALLOWED_EXTENSIONS, ruleFor, type ContentKind } from './file-policy.ts';
import { PdfScanner, type PdfScanLimits } from './pdf-scanner.ts';
import { InspectionRefusal } from './refusal.ts';
import { skipLeading, sniffMarkup, TextValidator } from './text-rules.ts';
import type { ArchiveLimits } from './zip-check.ts';

export interface InspectionResult {
  /** The MIME type file-type detected, or null (text, or nothing recognisable). */
  detectedType: string | null;
  /** The Content-Type to serve the file with (ours, never the client's). */
  mediaType: string;
  kind: ContentKind;
}

export interface ContentInspector {
  /** Write the file here and end it. Never emits 'error'; discards writes after a refusal. */
  readonly input: Writable;
  /** Rejects as soon as a refusal is known; resolves when the inspection passed. Has a no-op handler. */
  readonly early: Promise<void>;
  /** The outcome once the input has ended, or the InspectionRefusal. */
  result(): Promise<InspectionResult>;
}

export interface ContentInspectorOptions {
  /** The (sanitised, lower-case) extension the file was uploaded with. */
  extension: string;
  /** The programme's allow-list (validated with validateAllowList). */
  allowed: ReadonlySet<string>;
  /** For the archive step that follows when kind is 'archive' (checkZip); carried, not used here. */
  limits: ArchiveLimits;
  /** Bytes collected for type detection (default 64 KiB). */
  headBytes?: number;
  pdfLimits?: Partial<PdfScanLimits>;
}

const DEFAULT_HEAD = 64 * 1024;

/** Streaming checks after the head: PDF scanner, text validator, or nothing (images, Office, zip). */
interface BodyCheck {
  push(chunk: Uint8Array): Promise<void> | void;
  end(): Promise<void> | void;
  destroy?(): void;
}

function describe(ft: { ext: string; mime: string } | undefined, head: Uint8Array): string {
  if (ft) return `${ft.ext} (${ft.mime})`;
  return head.length ? 'not a recognised format' : 'empty';
}

export function createContentInspector(opts: ContentInspectorOptions): ContentInspector {
  const ext = opts.extension.toLowerCase();
  const headBytes = opts.headBytes ?? DEFAULT_HEAD;
  let refusal: InspectionRefusal | null = null;
  let settled = false;
  let resolveEarly!: () => void;
  let rejectEarly!: (e: Error) => void;
  const early = new Promise<void>((resolve, reject) => {
    resolveEarly = resolve;
    rejectEarly = reject;
  });
  early.catch(() => {});
  let resolveResult!: (r: InspectionResult) => void;
  let rejectResult!: (e: Error) => void;
  const outcome = new Promise<InspectionResult>((resolve, reject) => {
    resolveResult = resolve;
    rejectResult = reject;
  });
  outcome.catch(() => {});

  let head: Buffer[] = [];
  let headLength = 0;
  let decided: { detectedType: string | null; kind: ContentKind; mediaType: string } | null = null;
  let body: BodyCheck | null = null;

  const fail = (e: Error): void => {
    if (settled) return;
    settled = true;
    body?.destroy?.();
    body = null;
    head = [];
    rejectEarly(e);
    rejectResult(e);
  };
  const refuse = (r: InspectionRefusal): void => {
    refusal ??= r;
    fail(r);
  };

  const rule = ruleFor(ext);
  if (NEVER_ALLOWED_EXTENSIONS.has(ext)) {
    refuse(new InspectionRefusal('type_not_allowed', `Files of type .${ext} are never accepted.`));
  } else if (!opts.allowed.has(ext) || !rule) {
    refuse(new InspectionRefusal('type_not_allowed', `Files of type .${ext} are not accepted here.`));
  }

  /** Decides what the file is from its head; refuses, or sets up the body check. */
  async function decide(bytes: Buffer): Promise<void> {
    if (!rule) return;
    if (bytes.length === 0) throw new InspectionRefusal('file_empty', 'The file is empty.');
    const ft = await fileTypeFromBuffer(bytes);
    const detected = ft?.mime ?? null;
    if (detected && isActiveContentType(detected)) {
      throw new InspectionRefusal(
        'active_content',
        `The file is named .${ext} but is ${describe(ft, bytes)}, which is never accepted.`,
      );
    }
    if (rule.kind === 'text') {
      if (detected) {
        throw new InspectionRefusal(
          'type_mismatch',
          `The file is named .${ext} but is ${describe(ft, bytes)}.`,
        );
      }
      body = new TextValidator();
    } else if (!detected || !rule.detected.includes(detected)) {
      // Markup in a binary's clothes (HTML saved as .jpg, SVG as .png) is active content, not a mismatch.
      const markup = detected ? null : sniffMarkup(skipLeading(bytes));
      if (markup) {
        throw new InspectionRefusal(
          'active_content',
          `The file is named .${ext} but contains markup (${markup}).`,
        );
      }
      throw new InspectionRefusal(
        'type_mismatch',
        `The file is named .${ext} but is ${describe(ft, bytes)}.`,
      );
    } else if (ext === 'pdf') {
      const pdf = new PdfScanner(opts.pdfLimits);
      body = { push: (c) => pdf.write(c), end: () => pdf.end(), destroy: () => pdf.destroy() };
    }
    decided = { detectedType: detected, kind: rule.kind, mediaType: rule.mediaType };
    if (body) await body.push(bytes);
  }

  async function accept(chunk: Buffer): Promise<void> {
    if (settled) return;
    if (!decided) {
      head.push(chunk);
      headLength += chunk.length;
      if (headLength < headBytes) return;
      const bytes = Buffer.concat(head);
      head = [];
      await decide(bytes);
      return;
    }
    if (body) await body.push(chunk);
  }

  async function finish(): Promise<void> {
    if (settled) return;
    if (!decided) {
      const bytes = Buffer.concat(head);
      head = [];
      await decide(bytes);
    }
    if (body) await body.end();
    if (settled || !decided) return;
    settled = true;
    resolveEarly();
    resolveResult(decided);
  }

  const onError = (e: unknown): void => {
    if (e instanceof InspectionRefusal) refuse(e);
    else fail(e instanceof Error ? e : new Error(String(e)));
  };

  const input = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      accept(chunk).then(
        () => callback(),
        (e: unknown) => {
          onError(e);
          callback();
        },
      );
    },
    final(callback) {
      finish().then(
        () => callback(),
        (e: unknown) => {
          onError(e);
          callback();
        },
      );
    },
    destroy(err, callback) {
      if (!this.writableFinished) fail(err ?? new Error('the inspection input was destroyed before its end'));
      callback(null);
    },
  });

  return { input, early, result: () => outcome };
}
