import {
  AddSubjectBody,
  ApplicationListQuery,
  ApplicationSummaryView,
  ApplicationView,
  AssignBody,
  CreateApplicationBody,
  NoteBody,
  NoteListQuery,
  NoteView,
  SubjectRoleParams,
  TransitionBody,
  addApplicationNote,
  addApplicationSubject,
  assignApplication,
  createApplication,
  getApplication,
  listApplicationNotes,
  listApplications,
  removeApplicationSubject,
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
  app.post(
    '/applications/:id/transitions',
    {
      config: { access: 'application:transition' },
      schema: { tags, params: IdParams, body: TransitionBody, response: { 200: ApplicationView } },
    },
    async (req) => transitionApplication(req.ctx, { ...req.body, id: req.params.id }),
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
}
