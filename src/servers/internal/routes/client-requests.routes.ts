/**
 * Requests from compliance to a client, as staff run them: create one on an application (right
 * `application:write`, and the application's programme), cancel it; list them (by application,
 * status, overdue) and follow per-item progress with `application:read`. The client answers on the
 * portal (link/client-requests-routes.ts); reminders go out from the periodic housekeeping.
 */
import {
  CancelRequestBody,
  CreateRequestBody,
  RequestListQuery,
  RequestView,
  cancelRequest,
  createRequest,
  getRequest,
  listRequests,
} from '../../../modules/requests/index.ts';
import { Page } from '../../../platform/pagination.ts';
import type { App } from '../../shared/create-http-app.ts';
import { IdParams } from './common.ts';

const tags = ['client requests'];

export async function clientRequestsRoutes(app: App): Promise<void> {
  app.post(
    '/applications/:id/client-requests',
    {
      config: { access: 'application:write' },
      schema: {
        tags,
        summary:
          "Ask the application's client organisation for documents, field values and questionnaires by a due date",
        params: IdParams,
        body: CreateRequestBody,
        response: { 201: RequestView },
      },
    },
    async (req, reply) =>
      reply.code(201).send(await createRequest(req.ctx, { ...req.body, applicationId: req.params.id })),
  );

  app.get(
    '/client-requests',
    {
      config: { access: 'application:read' },
      schema: { tags, querystring: RequestListQuery, response: { 200: Page(RequestView) } },
    },
    async (req) => listRequests(req.ctx, req.query),
  );

  app.get(
    '/client-requests/:id',
    {
      config: { access: 'application:read' },
      schema: { tags, params: IdParams, response: { 200: RequestView } },
    },
    async (req) => getRequest(req.ctx, req.params.id),
  );

  app.post(
    '/client-requests/:id/cancel',
    {
      config: { access: 'application:write' },
      schema: { tags, params: IdParams, body: CancelRequestBody, response: { 200: RequestView } },
    },
    async (req) => cancelRequest(req.ctx, { ...req.body, id: req.params.id }),
  );
}
