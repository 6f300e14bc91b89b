/** The Customer Outreach Tool: an application's related parties, and the notes shared with the client. */
import type { PortalOperation } from './operation.ts';

export const COT_OPERATIONS: readonly PortalOperation[] = [
  { method: 'GET', path: '/applications/:id/parties', link: '/link/v1/applications/:id/parties' },
  { method: 'POST', path: '/applications/:id/parties', link: '/link/v1/applications/:id/parties' },
  {
    method: 'PUT',
    path: '/applications/:id/parties/:subjectId',
    link: '/link/v1/applications/:id/parties/:subjectId',
  },
  {
    method: 'DELETE',
    path: '/applications/:id/parties/:subjectId',
    link: '/link/v1/applications/:id/parties/:subjectId',
  },
  { method: 'GET', path: '/applications/:id/notes', link: '/link/v1/applications/:id/notes' },
  { method: 'POST', path: '/applications/:id/notes', link: '/link/v1/applications/:id/notes' },
];
