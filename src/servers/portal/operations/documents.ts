/**
 * Documents of the client's applications: the list (metadata only), the types the client may
 * upload (code and label, `?subjectId=` for one subject's), and uploads, whose raw body is
 * streamed to the link (`stream`); the metadata goes in the query string, the file name in
 * `X-File-Name` (percent-encoded UTF-8).
 */
import type { PortalOperation } from './operation.ts';

export const DOCUMENT_OPERATIONS: readonly PortalOperation[] = [
  {
    method: 'GET',
    path: '/applications/:id/document-types',
    link: '/link/v1/applications/:id/document-types',
    query: ['subjectId'],
  },
  { method: 'GET', path: '/applications/:id/documents', link: '/link/v1/applications/:id/documents' },
  {
    method: 'POST',
    path: '/applications/:id/documents',
    link: '/link/v1/applications/:id/documents',
    stream: true,
    query: ['subjectId', 'type', 'issueDate', 'expiryDate'],
  },
];
