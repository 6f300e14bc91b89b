/** Meetings: the meetings of an application, and a participant's answer (confirm or decline). */
import type { PortalOperation } from './operation.ts';

export const MEETING_OPERATIONS: readonly PortalOperation[] = [
  { method: 'GET', path: '/applications/:id/meetings', link: '/link/v1/applications/:id/meetings' },
  {
    method: 'POST',
    path: '/applications/:id/meetings/:meetingId/response',
    link: '/link/v1/applications/:id/meetings/:meetingId/response',
  },
];
