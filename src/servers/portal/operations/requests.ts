/** Requests from compliance: the requests of an application, answering a fields item, the task list, what is missing. */
import type { PortalOperation } from './operation.ts';

export const REQUEST_OPERATIONS: readonly PortalOperation[] = [
  { method: 'GET', path: '/applications/:id/requests', link: '/link/v1/applications/:id/requests' },
  {
    method: 'GET',
    path: '/applications/:id/requests/:requestId',
    link: '/link/v1/applications/:id/requests/:requestId',
  },
  {
    method: 'PUT',
    path: '/applications/:id/requests/:requestId/items/:itemId',
    link: '/link/v1/applications/:id/requests/:requestId/items/:itemId',
  },
  { method: 'GET', path: '/tasks', link: '/link/v1/tasks' },
  { method: 'GET', path: '/applications/:id/missing', link: '/link/v1/applications/:id/missing' },
];
