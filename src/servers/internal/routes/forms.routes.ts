/**
 * Forms and questionnaires for staff. Defining forms (create, edit the draft, publish, retire) needs
 * `programme:manage`; reading them `programme:read`. Giving a questionnaire to an application,
 * cancelling or reopening it, and answering on the client's behalf need `application:write`;
 * reading the answers `application:read`. Every object is scoped by programme membership: another
 * programme's form, application or questionnaire answers 404.
 */
import { Type } from 'typebox';
import {
  AnswersBody,
  AssignFormBody,
  AssignmentAnswersView,
  AssignmentView,
  CreateFormBody,
  DiffQuery,
  DraftDefinitionBody,
  DraftSavedView,
  FormDiffView,
  FormSummaryView,
  FormVersionView,
  FormView,
  VersionParams,
  assignForm,
  cancelFormAssignment,
  createForm,
  diffFormVersions,
  getForm,
  getFormAssignment,
  getFormVersion,
  listFormAssignments,
  listForms,
  publishFormDraft,
  reopenFormAssignment,
  retireForm,
  saveFormAnswers,
  startFormDraft,
  submitFormAnswers,
  updateFormDraft,
} from '../../../modules/forms/index.ts';
import type { App } from '../../shared/create-http-app.ts';
import { IdParams } from './common.ts';

const tags = ['forms'];
const read = { access: 'programme:read' } as const;
const manage = { access: 'programme:manage' } as const;

export async function formsRoutes(app: App): Promise<void> {
  // ---- definitions ------------------------------------------------------------------------------

  app.get(
    '/programmes/:id/forms',
    {
      config: read,
      schema: {
        tags,
        params: IdParams,
        response: { 200: Type.Object({ items: Type.Array(FormSummaryView) }) },
      },
    },
    async (req) => ({ items: await listForms(req.ctx, req.params.id) }),
  );

  app.post(
    '/programmes/:id/forms',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Create a form; its first definition becomes draft version 1',
        params: IdParams,
        body: CreateFormBody,
        response: { 201: FormView },
      },
    },
    async (req, reply) =>
      reply.code(201).send(await createForm(req.ctx, { ...req.body, programmeId: req.params.id })),
  );

  app.get(
    '/forms/:id',
    { config: read, schema: { tags, params: IdParams, response: { 200: FormView } } },
    async (req) => getForm(req.ctx, req.params.id),
  );

  app.get(
    '/forms/:id/versions/:version',
    { config: read, schema: { tags, params: VersionParams, response: { 200: FormVersionView } } },
    async (req) => getFormVersion(req.ctx, req.params),
  );

  app.get(
    '/forms/:id/diff',
    {
      config: read,
      schema: { tags, params: IdParams, querystring: DiffQuery, response: { 200: FormDiffView } },
    },
    async (req) => diffFormVersions(req.ctx, { ...req.query, id: req.params.id }),
  );

  app.post(
    '/forms/:id/draft',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Open the next version as a draft, starting from the published definition',
        params: IdParams,
        response: { 201: FormView },
      },
    },
    async (req, reply) => reply.code(201).send(await startFormDraft(req.ctx, req.params.id)),
  );

  app.put(
    '/forms/:id/draft',
    {
      config: manage,
      schema: {
        tags,
        summary: "Replace the draft's definition (or open the next version as a draft with it)",
        params: IdParams,
        body: DraftDefinitionBody,
        response: { 200: FormView },
      },
    },
    async (req) => updateFormDraft(req.ctx, { ...req.body, id: req.params.id }),
  );

  app.post(
    '/forms/:id/publish',
    { config: manage, schema: { tags, params: IdParams, response: { 200: FormView } } },
    async (req) => publishFormDraft(req.ctx, req.params.id),
  );

  app.post(
    '/forms/:id/retire',
    { config: manage, schema: { tags, params: IdParams, response: { 200: FormView } } },
    async (req) => retireForm(req.ctx, req.params.id),
  );

  // ---- questionnaires of applications -----------------------------------------------------------

  app.get(
    '/applications/:id/forms',
    {
      config: { access: 'application:read' },
      schema: {
        tags,
        params: IdParams,
        response: { 200: Type.Object({ items: Type.Array(AssignmentView) }) },
      },
    },
    async (req) => ({ items: await listFormAssignments(req.ctx, req.params.id) }),
  );

  app.post(
    '/applications/:id/forms',
    {
      config: { access: 'application:write' },
      schema: {
        tags,
        summary: "Give a published form to the application's client as a questionnaire",
        params: IdParams,
        body: AssignFormBody,
        response: { 201: AssignmentAnswersView },
      },
    },
    async (req, reply) => {
      const { id } = await assignForm(req.ctx, {
        applicationId: req.params.id,
        formId: req.body.formId,
        subjectId: req.body.subjectId ?? null,
        dueAt: req.body.dueAt ? new Date(req.body.dueAt) : null,
      });
      return reply.code(201).send(await getFormAssignment(req.ctx, id));
    },
  );

  app.get(
    '/form-assignments/:id',
    {
      config: { access: 'application:read' },
      schema: {
        tags,
        summary: 'A questionnaire with its submitted answers: who, when, which version',
        params: IdParams,
        response: { 200: AssignmentAnswersView },
      },
    },
    async (req) => getFormAssignment(req.ctx, req.params.id),
  );

  app.post(
    '/form-assignments/:id/cancel',
    {
      config: { access: 'application:write' },
      schema: { tags, params: IdParams, response: { 200: AssignmentAnswersView } },
    },
    async (req) => cancelFormAssignment(req.ctx, req.params.id),
  );

  app.post(
    '/form-assignments/:id/reopen',
    {
      config: { access: 'application:write' },
      schema: {
        tags,
        summary: 'Send submitted answers back for changes (the submission is kept)',
        params: IdParams,
        response: { 200: AssignmentAnswersView },
      },
    },
    async (req) => reopenFormAssignment(req.ctx, req.params.id),
  );

  app.put(
    '/form-assignments/:id/draft',
    {
      config: { access: 'application:write' },
      schema: {
        tags,
        summary: "Save draft answers on the client's behalf",
        params: IdParams,
        body: AnswersBody,
        response: { 200: DraftSavedView },
      },
    },
    async (req) => saveFormAnswers(req.ctx, { ...req.body, id: req.params.id }),
  );

  app.post(
    '/form-assignments/:id/submit',
    {
      config: { access: 'application:write' },
      schema: {
        tags,
        summary: "Submit answers on the client's behalf",
        params: IdParams,
        body: AnswersBody,
        response: { 200: AssignmentAnswersView },
      },
    },
    async (req) => submitFormAnswers(req.ctx, { ...req.body, id: req.params.id }),
  );
}
