/**
 * Questionnaires on the portal: a client user lists the questionnaires of one of their
 * organisation's applications, reads one with the definition it is answered against and their
 * draft, saves a draft and submits. Each operation is authorised as that user by the forms use
 * cases (the application must be their organisation's, the questionnaire that application's; a
 * read-only user may read but not save or submit); the answers are validated on this side, never
 * trusted from the portal, and drafts live here, so they survive the portal.
 */
import { Type } from 'typebox';
import {
  AnswersBody,
  ClientAssignmentSummary,
  ClientAssignmentView,
  DraftSavedView,
  getClientForm,
  listClientForms,
  saveClientFormDraft,
  submitClientForm,
} from '../../../modules/forms/index.ts';
import type { App } from '../../shared/create-http-app.ts';
import type { InternalDeps } from '../deps.ts';
import { requireClient } from './client-context.ts';

const ApplicationParams = Type.Object(
  { id: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);
const AssignmentParams = Type.Object(
  { id: Type.String({ format: 'uuid' }), assignmentId: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);

export async function linkClientFormsRoutes(app: App, _deps: Pick<InternalDeps, 'database'>): Promise<void> {
  const session = { link: true, client: 'session' } as const;

  app.get(
    '/link/v1/applications/:id/forms',
    {
      config: session,
      schema: {
        params: ApplicationParams,
        response: { 200: Type.Object({ items: Type.Array(ClientAssignmentSummary) }) },
      },
    },
    async (req) => {
      const { actor, ctx } = requireClient(req);
      return { items: await listClientForms(ctx, actor, req.params.id) };
    },
  );

  app.get(
    '/link/v1/applications/:id/forms/:assignmentId',
    { config: session, schema: { params: AssignmentParams, response: { 200: ClientAssignmentView } } },
    async (req) => {
      const { actor, ctx } = requireClient(req);
      return getClientForm(ctx, actor, {
        applicationId: req.params.id,
        assignmentId: req.params.assignmentId,
      });
    },
  );

  app.put(
    '/link/v1/applications/:id/forms/:assignmentId/draft',
    {
      config: session,
      schema: { params: AssignmentParams, body: AnswersBody, response: { 200: DraftSavedView } },
    },
    async (req) => {
      const { actor, ctx } = requireClient(req);
      return saveClientFormDraft(ctx, actor, {
        applicationId: req.params.id,
        assignmentId: req.params.assignmentId,
        answers: req.body.answers,
      });
    },
  );

  app.post(
    '/link/v1/applications/:id/forms/:assignmentId/submit',
    {
      config: session,
      schema: { params: AssignmentParams, body: AnswersBody, response: { 200: ClientAssignmentView } },
    },
    async (req) => {
      const { actor, ctx } = requireClient(req);
      return submitClientForm(ctx, actor, {
        applicationId: req.params.id,
        assignmentId: req.params.assignmentId,
        answers: req.body.answers,
      });
    },
  );
}
