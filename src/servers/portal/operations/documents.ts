/**
 * Documents of the client's applications: the list (metadata only) and uploads, whose raw body is
 * streamed to the link (`stream`); the metadata goes in the query string, the file name in
 * `X-File-Name` (percent-encoded UTF-8).
 */
import type { PortalOperation } from './operation.ts';

export const DOCUMENT_OPERATIONS: readonly PortalOperation[] = [
  { method: 'GET', path: '/applications/:id/documents', link: '/link/v1/applications/:id/documents' },
  {
    method: 'POST',
    path: '/applications/:id/documents',
    link: '/link/v1/applications/:id/documents',
    stream: true,
    query: ['subjectId', 'type', 'issueDate', 'expiryDate'],
  },
];
