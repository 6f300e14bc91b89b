/**
 * Meetings with a client, as staff run them: schedule one for an application (right
 * `application:write`, and the application's programme), change or cancel it (participants are
 * e-mailed), record the outcome after the start and attach documents of the application as
 * evidence; read them with `application:read`. The client's side (seeing, confirming, declining)
 * is on the link (link/client-meetings-routes.ts).
 */
import {
  AttachEvidenceBody,
  CancelMeetingBody,
  MeetingListQuery,
  MeetingView,
  RecordOutcomeBody,
  ScheduleMeetingBody,
  UpdateMeetingBody,
  attachMeetingEvidence,
  cancelMeeting,
  getMeeting,
  listMeetings,
  recordMeetingOutcome,
  rescheduleMeeting,
  scheduleMeeting,
  type MeetingMailDeps,
} from '../../../modules/meetings/index.ts';
import { Page } from '../../../platform/pagination.ts';
import type { App } from '../../shared/create-http-app.ts';
import { IdParams } from './common.ts';

const tags = ['meetings'];

export async function meetingsRoutes(app: App, opts: { mail: MeetingMailDeps }): Promise<void> {
  app.post(
    '/applications/:id/meetings',
    {
      config: { access: 'application:write' },
      schema: {
        tags,
        summary:
          'Schedule a meeting with the client organisation of the application (participants are e-mailed)',
        params: IdParams,
        body: ScheduleMeetingBody,
        response: { 201: MeetingView },
      },
    },
    async (req, reply) =>
      reply
        .code(201)
        .send(await scheduleMeeting(req.ctx, opts.mail, { ...req.body, applicationId: req.params.id })),
  );

  app.get(
    '/meetings',
    {
      config: { access: 'application:read' },
      schema: { tags, querystring: MeetingListQuery, response: { 200: Page(MeetingView) } },
    },
    async (req) => listMeetings(req.ctx, req.query),
  );

  app.get(
    '/meetings/:id',
    {
      config: { access: 'application:read' },
      schema: { tags, params: IdParams, response: { 200: MeetingView } },
    },
    async (req) => getMeeting(req.ctx, req.params.id),
  );

  app.patch(
    '/meetings/:id',
    {
      config: { access: 'application:write' },
      schema: {
        tags,
        summary:
          'Reschedule: time, duration, place, agenda, participants (a new time or place resets answers)',
        params: IdParams,
        body: UpdateMeetingBody,
        response: { 200: MeetingView },
      },
    },
    async (req) => rescheduleMeeting(req.ctx, opts.mail, { ...req.body, id: req.params.id }),
  );

  app.post(
    '/meetings/:id/cancel',
    {
      config: { access: 'application:write' },
      schema: { tags, params: IdParams, body: CancelMeetingBody, response: { 200: MeetingView } },
    },
    async (req) => cancelMeeting(req.ctx, opts.mail, { ...req.body, id: req.params.id }),
  );

  app.post(
    '/meetings/:id/outcome',
    {
      config: { access: 'application:write' },
      schema: {
        tags,
        summary: 'Record whether the meeting was held and what came of it (after the start; once)',
        params: IdParams,
        body: RecordOutcomeBody,
        response: { 200: MeetingView },
      },
    },
    async (req) => recordMeetingOutcome(req.ctx, { ...req.body, id: req.params.id }),
  );

  app.post(
    '/meetings/:id/evidence',
    {
      config: { access: 'application:write' },
      schema: {
        tags,
        summary: "Attach documents of the meeting's application as evidence",
        params: IdParams,
        body: AttachEvidenceBody,
        response: { 200: MeetingView },
      },
    },
    async (req) => attachMeetingEvidence(req.ctx, { ...req.body, id: req.params.id }),
  );
}
