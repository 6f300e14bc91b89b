/**
 * Meetings, as the client user sees them over the link: the meetings of one of their
 * organisation's applications (any user of the organisation), and an invited participant's answer
 * (confirm or decline, with an optional comment; read-only users may answer: it is their
 * attendance). Another organisation's application or meeting is 404; the session and the CSRF
 * token were checked before the handler runs.
 */
import { Type } from 'typebox';
import {
  ClientMeetingView,
  MeetingResponseBody,
  listClientMeetings,
  respondToMeeting,
} from '../../../modules/meetings/index.ts';
import type { App } from '../../shared/create-http-app.ts';
import type { InternalDeps } from '../deps.ts';
import { requireClient } from './client-context.ts';

const Uuid = Type.String({ format: 'uuid' });
const closed = { additionalProperties: false } as const;

export async function linkClientMeetingsRoutes(
  app: App,
  _deps: Pick<InternalDeps, 'database'>,
): Promise<void> {
  const session = { link: true, client: 'session' } as const;

  app.get(
    '/link/v1/applications/:id/meetings',
    {
      config: session,
      schema: {
        params: Type.Object({ id: Uuid }, closed),
        response: { 200: Type.Object({ items: Type.Array(ClientMeetingView) }) },
      },
    },
    async (req) => {
      const { actor, ctx } = requireClient(req);
      return { items: await listClientMeetings(ctx, actor, req.params.id) };
    },
  );

  app.post(
    '/link/v1/applications/:id/meetings/:meetingId/response',
    {
      config: session,
      schema: {
        params: Type.Object({ id: Uuid, meetingId: Uuid }, closed),
        body: MeetingResponseBody,
        response: { 200: ClientMeetingView },
      },
    },
    async (req) => {
      const { actor, ctx } = requireClient(req);
      return respondToMeeting(ctx, actor, {
        ...req.body,
        applicationId: req.params.id,
        meetingId: req.params.meetingId,
      });
    },
  );
}
