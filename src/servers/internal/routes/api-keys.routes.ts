import { Type } from 'typebox';
import {
  ApiKeyView,
  CreateApiKeyBody,
  CreatedApiKeyView,
  createApiKey,
  listApiKeys,
  revokeApiKey,
} from '../../../modules/api-keys/index.ts';
import type { App } from '../../shared/create-http-app.ts';
import { IdParams } from './common.ts';

export async function apiKeyRoutes(app: App): Promise<void> {
  app.get(
    '/api-keys',
    {
      config: { access: 'api-key:manage' },
      schema: { tags: ['api-keys'], response: { 200: Type.Object({ items: Type.Array(ApiKeyView) }) } },
    },
    async (req) => ({ items: await listApiKeys(req.ctx) }),
  );
  app.post(
    '/api-keys',
    {
      config: { access: 'api-key:manage', stepUp: true },
      schema: { tags: ['api-keys'], body: CreateApiKeyBody, response: { 201: CreatedApiKeyView } },
    },
    async (req, reply) => reply.code(201).send(await createApiKey(req.ctx, req.body)),
  );
  app.post(
    '/api-keys/:id/revoke',
    {
      config: { access: 'api-key:manage', stepUp: true },
      schema: { tags: ['api-keys'], params: IdParams, response: { 200: ApiKeyView } },
    },
    async (req) => revokeApiKey(req.ctx, req.params.id),
  );
}
