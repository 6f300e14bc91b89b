/**
 * Requests from compliance, as the client user sees them over the link: the requests of one of
 * their organisation's applications with items and completion, one request, answering a 'fields'
 * item (owner and contributor only), the task list across the organisation's applications and
 * what is still missing on one application. Every use case checks the application against the
 * user's organisation first (another organisation's ids are 404), then the object against the
 * application; the session and, for the PUT, the CSRF token were checked before the handler runs.
 */
import { Type } from 'typebox';
import {
  AnswerFieldsBody,
  ClientRequestView,
  ClientTasksView,
  MissingView,
  answerFieldsItem,
  getClientRequest,
  getMissing,
  listClientRequests,
  listClientTasks,
} from '../../../modules/requests/index.ts';
import type { App } from '../../shared/create-http-app.ts';
import type { InternalDeps } from '../deps.ts';
import { requireClient } from './client-context.ts';

const Uuid = Type.String({ format: 'uuid' });
const closed = { additionalProperties: false } as const;
const AppParams = Type.Object({ id: Uuid }, closed);
const RequestParams = Type.Object({ id: Uuid, requestId: Uuid }, closed);
const ItemParams = Type.Object({ id: Uuid, requestId: Uuid, itemId: Uuid }, closed);

export async function linkClientRequestsRoutes(
  app: App,
  _deps: Pick<InternalDeps, 'database'>,
): Promise<void> {
  const session = { link: true, client: 'session' } as const;

  app.get(
    '/link/v1/applications/:id/requests',
    {
      config: session,
      schema: { params: AppParams, response: { 200: Type.Object({ items: Type.Array(ClientRequestView) }) } },
    },
    async (req) => {
      const { actor, ctx } = requireClient(req);
      return { items: await listClientRequests(ctx, actor, req.params.id) };
    },
  );

  app.get(
    '/link/v1/applications/:id/requests/:requestId',
    { config: session, schema: { params: RequestParams, response: { 200: ClientRequestView } } },
    async (req) => {
      const { actor, ctx } = requireClient(req);
      return getClientRequest(ctx, actor, { applicationId: req.params.id, requestId: req.params.requestId });
    },
  );

  app.put(
    '/link/v1/applications/:id/requests/:requestId/items/:itemId',
    {
      config: session,
      schema: { params: ItemParams, body: AnswerFieldsBody, response: { 200: ClientRequestView } },
    },
    async (req) => {
      const { actor, ctx } = requireClient(req);
      return answerFieldsItem(ctx, actor, {
        applicationId: req.params.id,
        requestId: req.params.requestId,
        itemId: req.params.itemId,
        values: req.body.values,
      });
    },
  );

  app.get(
    '/link/v1/tasks',
    { config: session, schema: { response: { 200: ClientTasksView } } },
    async (req) => {
      const { actor, ctx } = requireClient(req);
      return listClientTasks(ctx, actor);
    },
  );

  app.get(
    '/link/v1/applications/:id/missing',
    { config: session, schema: { params: AppParams, response: { 200: MissingView } } },
    async (req) => {
      const { actor, ctx } = requireClient(req);
      return getMissing(ctx, actor, req.params.id);
    },
  );
}
