/**
 * The error every list importer throws for a malformed file. It names the format and the exact
 * place at fault (a line or an element), because list files are large and an operator fixing a
 * broken download needs to know where to look, not just that "parsing failed".
 */

export class ListFormatError extends Error {
  readonly format: string;
  /** Where the problem is: `line 17`, `element INDIVIDUAL #3 (DATAID 6908123)`. */
  readonly location: string;

  constructor(format: string, location: string, message: string, options?: { cause?: unknown }) {
    super(`${format}: ${location}: ${message}`, options);
    this.name = 'ListFormatError';
    this.format = format;
    this.location = location;
  }
}
