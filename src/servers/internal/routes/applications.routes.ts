import {
  AddSubjectBody,
  ApplicationListQuery,
  ApplicationSummaryView,
  ApplicationView,
  AssignBody,
  CreateApplicationBody,
  DecideBody,
  DecisionListQuery,
  DecisionParams,
  DecisionView,
  NoteBody,
  NoteListQuery,
  NoteParams,
  NoteSharingBody,
  NoteView,
  SetRiskBody,
  SubjectRoleParams,
  TransitionBody,
  addApplicationNote,
  addApplicationSubject,
  assignApplication,
  confirmDecision,
  createApplication,
  getApplication,
  listApplicationDecisions,
  listApplicationNotes,
  listApplications,
  rejectDecision,
  removeApplicationSubject,
  setApplicationRisk,
  shareApplicationNote,
  transitionApplication,
} from '../../../modules/applications/index.ts';
import { Page } from '../../../platform/pagination.ts';
import type { App } from '../../shared/create-http-app.ts';
import { IdParams } from './common.ts';

const tags = ['applications'];

export async function applicationsRoutes(app: App): Promise<void> {
  app.get(
    '/applications',
    {
      config: { access: 'application:read' },
      schema: { tags, querystring: ApplicationListQuery, response: { 200: Page(ApplicationSummaryView) } },
    },
    async (req) => listApplications(req.ctx, req.query),
  );
  app.post(
    '/applications',
    {
      config: { access: 'application:write' },
      schema: { tags, body: CreateApplicationBody, response: { 201: ApplicationView } },
    },
    async (req, reply) => reply.code(201).send(await createApplication(req.ctx, req.body)),
  );
  app.get(
    '/applications/:id',
    {
      config: { access: 'application:read' },
      schema: { tags, params: IdParams, response: { 200: ApplicationView } },
    },
    async (req) => getApplication(req.ctx, req.params.id),
  );
  // 200 with the application when the move is applied; 202 with the decision when the transition
  // needs four-eyes and now awaits a second person's confirmation.
  app.post(
    '/applications/:id/transitions',
    {
      config: { access: 'application:transition' },
      schema: {
        tags,
        params: IdParams,
        body: TransitionBody,
        response: { 200: ApplicationView, 202: DecisionView },
      },
    },
    async (req, reply) => {
      const result = await transitionApplication(req.ctx, { ...req.body, id: req.params.id });
      return result.outcome === 'pending'
        ? reply.code(202).send(result.decision)
        : reply.code(200).send(result.application);
    },
  );
  app.get(
    '/applications/:id/decisions',
    {
      config: { access: 'application:read' },
      schema: {
        tags,
        params: IdParams,
        querystring: DecisionListQuery,
        response: { 200: Page(DecisionView) },
      },
    },
    async (req) => listApplicationDecisions(req.ctx, req.params.id, req.query),
  );
  app.post(
    '/applications/:id/decisions/:decisionId/confirm',
    {
      config: { access: 'application:transition' },
      schema: { tags, params: DecisionParams, body: DecideBody, response: { 200: ApplicationView } },
    },
    async (req) => confirmDecision(req.ctx, { ...req.body, ...req.params }),
  );
  app.post(
    '/applications/:id/decisions/:decisionId/reject',
    {
      config: { access: 'application:transition' },
      schema: { tags, params: DecisionParams, body: DecideBody, response: { 200: DecisionView } },
    },
    async (req) => rejectDecision(req.ctx, { ...req.body, ...req.params }),
  );
  // risk:override rather than application:write: the level decides who may approve, so whoever can
  // lower it must not be any case worker (separation of duties pairs risk:override with the
  // rights that set the rules).
  app.patch(
    '/applications/:id/risk',
    {
      config: { access: 'risk:override' },
      schema: { tags, params: IdParams, body: SetRiskBody, response: { 200: ApplicationView } },
    },
    async (req) => setApplicationRisk(req.ctx, { ...req.body, id: req.params.id }),
  );
  app.post(
    '/applications/:id/subjects',
    {
      config: { access: 'application:write' },
      schema: { tags, params: IdParams, body: AddSubjectBody, response: { 201: ApplicationView } },
    },
    async (req, reply) =>
      reply.code(201).send(await addApplicationSubject(req.ctx, { ...req.body, id: req.params.id })),
  );
  app.delete(
    '/applications/:id/subjects/:subjectId/:role',
    {
      config: { access: 'application:write' },
      schema: { tags, params: SubjectRoleParams, response: { 200: ApplicationView } },
    },
    async (req) => removeApplicationSubject(req.ctx, req.params),
  );
  app.put(
    '/applications/:id/assignee',
    {
      config: { access: 'application:write' },
      schema: { tags, params: IdParams, body: AssignBody, response: { 200: ApplicationView } },
    },
    async (req) => assignApplication(req.ctx, { ...req.body, id: req.params.id }),
  );
  app.post(
    '/applications/:id/notes',
    {
      config: { access: 'application:write' },
      schema: { tags, params: IdParams, body: NoteBody, response: { 201: NoteView } },
    },
    async (req, reply) =>
      reply.code(201).send(await addApplicationNote(req.ctx, { ...req.body, id: req.params.id })),
  );
  app.get(
    '/applications/:id/notes',
    {
      config: { access: 'application:read' },
      schema: { tags, params: IdParams, querystring: NoteListQuery, response: { 200: Page(NoteView) } },
    },
    async (req) => listApplicationNotes(req.ctx, req.params.id, req.query),
  );
  // Shows a note to the application's client organisation on the portal, or hides it again.
  app.post(
    '/applications/:id/notes/:noteId/sharing',
    {
      config: { access: 'application:write' },
      schema: { tags, params: NoteParams, body: NoteSharingBody, response: { 200: NoteView } },
    },
    async (req) => shareApplicationNote(req.ctx, { ...req.body, ...req.params }),
  );
}
