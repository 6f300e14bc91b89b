/**
 * The one error of content inspection: the upload is refused. `detail` is written for the uploader
 * (what is wrong and with which file or entry) and never quotes file content.
 */
export type RefusalCode =
  | 'filename_invalid'
  | 'file_empty'
  | 'type_not_allowed'
  | 'type_mismatch'
  | 'active_content'
  | 'text_invalid'
  | 'pdf_invalid'
  | 'pdf_encrypted'
  | 'pdf_too_complex'
  | 'archive_too_large'
  | 'archive_too_many_entries'
  | 'archive_ratio'
  | 'archive_nested'
  | 'archive_encrypted'
  | 'archive_invalid';

export class InspectionRefusal extends Error {
  readonly code: RefusalCode;
  readonly detail: string;
  constructor(code: RefusalCode, detail: string) {
    super(`${code}: ${detail}`);
    this.name = 'InspectionRefusal';
    this.code = code;
    this.detail = detail;
  }
}
