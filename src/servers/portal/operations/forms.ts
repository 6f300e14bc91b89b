/** Questionnaires of the client's applications: list, read, save a draft, submit. */
import type { PortalOperation } from './operation.ts';

export const FORM_OPERATIONS: readonly PortalOperation[] = [
  { method: 'GET', path: '/applications/:id/forms', link: '/link/v1/applications/:id/forms' },
  {
    method: 'GET',
    path: '/applications/:id/forms/:assignmentId',
    link: '/link/v1/applications/:id/forms/:assignmentId',
  },
  {
    method: 'PUT',
    path: '/applications/:id/forms/:assignmentId/draft',
    link: '/link/v1/applications/:id/forms/:assignmentId/draft',
  },
  {
    method: 'POST',
    path: '/applications/:id/forms/:assignmentId/submit',
    link: '/link/v1/applications/:id/forms/:assignmentId/submit',
  },
];
