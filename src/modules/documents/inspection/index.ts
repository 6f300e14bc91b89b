/**
 * Content inspection of uploads (ASVS 5.2, 5.4): file names, the type allow-list and its agreement
 * with the content, active content in PDFs and text, and archive checks. The upload pipeline tees
 * the upload into a content inspector (next to the virus scan) and, for ZIP files, runs checkZip on
 * the stored temporary copy.
 */
export { InspectionRefusal, type RefusalCode } from './refusal.ts';
export { sanitiseFilename } from './filename.ts';
export {
  ARCHIVE_EXTENSIONS,
  DEFAULT_ALLOWED_EXTENSIONS,
  NEVER_ALLOWED_EXTENSIONS,
  isActiveContentType,
  mediaTypeFor,
  validateAllowList,
  type ContentKind,
} from './file-policy.ts';
export { TextValidator, sniffMarkup } from './text-rules.ts';
export { PdfScanner, DEFAULT_PDF_LIMITS, type PdfScanLimits } from './pdf-scanner.ts';
export {
  createContentInspector,
  type ContentInspector,
  type ContentInspectorOptions,
  type InspectionResult,
} from './content-inspector.ts';
export {
  checkZip,
  DEFAULT_ARCHIVE_LIMITS,
  RATIO_MIN_BYTES,
  type ArchiveEntryPolicy,
  type ArchiveLimits,
  type RandomAccessSource,
} from './zip-check.ts';
