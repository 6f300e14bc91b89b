/** The documents API's views as the back office reads them (src/modules/documents/document.schema.ts). */

export type Validity = 'unchecked' | 'valid' | 'invalid';
export type ExpiryStatus = 'none' | 'valid' | 'expiring' | 'expired';

export interface DocumentVersionView {
  number: number;
  filename: string;
  extension: string;
  mediaType: string;
  size: number;
  sha256: string;
  scan: 'clean' | 'not_scanned';
  uploadedBy: string;
  uploadedAt: string;
  current: boolean;
}

export interface DocumentView {
  id: string;
  subjectId: string;
  programmeId: string;
  type: string;
  typeLabel: string;
  issueDate: string | null;
  expiryDate: string | null;
  expiry: { status: ExpiryStatus; noticeDays: number };
  validity: Validity;
  invalidReason: string | null;
  validitySetBy: string | null;
  validitySetAt: string | null;
  physicalCopySeen: boolean;
  currentVersion: number;
  file: DocumentVersionView;
  applicationIds: string[];
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface DocumentDetailView {
  document: DocumentView;
  versions: DocumentVersionView[];
}
