/**
 * Which file types may be uploaded, and what their content must look like. A type is accepted only
 * when its extension is on the programme's allow-list AND the content detected from its magic bytes
 * agrees with it (ASVS 5.2.2); we then serve it with our own Content-Type, never the client's.
 *
 * Defaults: the documents KYC actually collects (PDF, photos and scans, CSV/text exports, Office
 * Open XML without macros, ZIP bundles). Legacy Office formats (doc/xls, OLE containers that carry
 * macros) and anything a browser or OS would execute are absent; the latter can never be allowed.
 */

export type ContentKind = 'binary' | 'text' | 'archive';

interface TypeRule {
  kind: ContentKind;
  /** MIME types from file-type that agree with the extension; empty for text (nothing detectable). */
  detected: readonly string[];
  /** The Content-Type we serve the stored file with. */
  mediaType: string;
}

const WORD = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const SHEET = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * The agreement table: every extension that can be allowed at all. docx/xlsx are opaque binaries
 * (ZIP containers we do not unpack; file-type recognises them from [Content_Types].xml, which Office
 * writes first, and reports macro-enabled ones as docm/xlsm, which do not agree).
 */
const RULES: Readonly<Record<string, TypeRule>> = {
  pdf: { kind: 'binary', detected: ['application/pdf'], mediaType: 'application/pdf' },
  jpg: { kind: 'binary', detected: ['image/jpeg'], mediaType: 'image/jpeg' },
  jpeg: { kind: 'binary', detected: ['image/jpeg'], mediaType: 'image/jpeg' },
  png: { kind: 'binary', detected: ['image/png', 'image/apng'], mediaType: 'image/png' },
  tif: { kind: 'binary', detected: ['image/tiff'], mediaType: 'image/tiff' },
  tiff: { kind: 'binary', detected: ['image/tiff'], mediaType: 'image/tiff' },
  // Phones write HEIC with either brand.
  heic: { kind: 'binary', detected: ['image/heic', 'image/heif'], mediaType: 'image/heic' },
  webp: { kind: 'binary', detected: ['image/webp'], mediaType: 'image/webp' },
  gif: { kind: 'binary', detected: ['image/gif'], mediaType: 'image/gif' },
  csv: { kind: 'text', detected: [], mediaType: 'text/csv; charset=utf-8' },
  txt: { kind: 'text', detected: [], mediaType: 'text/plain; charset=utf-8' },
  docx: { kind: 'binary', detected: [WORD], mediaType: WORD },
  xlsx: { kind: 'binary', detected: [SHEET], mediaType: SHEET },
  zip: { kind: 'archive', detected: ['application/zip'], mediaType: 'application/zip' },
};

export const DEFAULT_ALLOWED_EXTENSIONS: readonly string[] = Object.freeze(Object.keys(RULES));

/** Extensions that run code or render as active content somewhere; no configuration can allow them. */
export const NEVER_ALLOWED_EXTENSIONS: ReadonlySet<string> = new Set([
  // Web content a browser renders with scripts
  ...['html', 'htm', 'xhtml', 'xht', 'shtml', 'mht', 'mhtml', 'svg', 'svgz', 'xml', 'xsl', 'xslt', 'swf'],
  // Scripts
  ...['js', 'mjs', 'cjs', 'jse', 'vbs', 'vbe', 'wsf', 'wsh', 'ps1', 'psm1', 'sh', 'bash', 'py', 'pl', 'rb'],
  ...['php', 'phtml', 'php3', 'php4', 'php5', 'phar', 'asp', 'aspx', 'jsp', 'cgi'],
  // Executables, installers, shortcuts and system files
  ...['exe', 'dll', 'com', 'bat', 'cmd', 'scr', 'pif', 'cpl', 'msi', 'msp', 'hta', 'jar', 'class', 'apk'],
  ...['dex', 'elf', 'so', 'dylib', 'app', 'deb', 'rpm', 'lnk', 'url', 'reg', 'inf', 'chm', 'iso', 'img'],
  ...['wasm', 'ocx', 'sys', 'gadget', 'application', 'appx', 'msix', 'vhd', 'vhdx'],
  // Macro-enabled Office documents
  ...['docm', 'dotm', 'xlsm', 'xltm', 'xlam', 'pptm', 'potm', 'ppsm', 'ppam', 'sldm'],
]);

/** file-type results that are refused as active content whatever the file is called. */
const ACTIVE_TYPES: ReadonlySet<string> = new Set([
  'application/x-msdownload', // PE: exe, dll
  'application/x-elf',
  'application/x-mach-binary',
  'application/x-cfb', // OLE compound files: msi, legacy Office with macros
  'application/java-vm', // .class
  'application/java-archive',
  'application/vnd.android.package-archive',
  'application/wasm',
  'application/x-shockwave-flash',
  'application/xml', // may be SVG or XHTML
  'application/x-ms-shortcut',
  'application/x-ms-regedit',
  'application/vnd.ms-htmlhelp',
  'application/x-google-chrome-extension',
  'application/x-xpinstall',
  'application/x-deb',
  'application/x-rpm',
  'application/postscript', // a programming language, interpreted by PDF tooling
  'application/eps',
]);

/** Archive formats; never accepted inside an archive. */
export const ARCHIVE_EXTENSIONS: ReadonlySet<string> = new Set([
  ...['zip', 'zipx', 'rar', '7z', 'tar', 'gz', 'tgz', 'bz2', 'tbz2', 'xz', 'txz', 'zst', 'lz', 'lz4', 'lzh'],
  ...['lzma', 'cab', 'arj', 'ace', 'cpio', 'z', 'ar', 'jar', 'war', 'ear', 'apk', 'iso', 'dmg', 'asar'],
]);

export function ruleFor(extension: string): TypeRule | undefined {
  return Object.hasOwn(RULES, extension) ? RULES[extension] : undefined;
}

/** The Content-Type to serve a stored file of this (allowed) extension with. */
export function mediaTypeFor(extension: string): string {
  const rule = ruleFor(extension);
  if (!rule) throw new Error(`no media type for extension ${JSON.stringify(extension)}`);
  return rule.mediaType;
}

/** Whether content of this detected MIME type is refused as active content regardless of its name. */
export function isActiveContentType(mime: string): boolean {
  return ACTIVE_TYPES.has(mime) || /macroenabled/i.test(mime);
}

/**
 * Checks a programme's configured allow-list: lower-cases and de-duplicates it, and throws naming the
 * entries that are never allowed or that have no content rule (we could not inspect them).
 */
export function validateAllowList(exts: readonly string[]): string[] {
  const out = [...new Set(exts.map((e) => e.trim().replace(/^\./, '').toLowerCase()))];
  const forbidden = out.filter((e) => NEVER_ALLOWED_EXTENSIONS.has(e));
  if (forbidden.length) throw new Error(`file types that can never be allowed: ${forbidden.join(', ')}`);
  const unknown = out.filter((e) => !ruleFor(e));
  if (unknown.length) throw new Error(`file types without a content rule: ${unknown.join(', ')}`);
  return out;
}
