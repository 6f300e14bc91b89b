/**
 * The Customer Outreach Tool over the link: the related parties of the client organisation's
 * applications (list, add, change, remove) and the notes staff shared with the client (read, and
 * post a message). Every route runs as the signed-in client user (`client: 'session'`; the session
 * check has verified the CSRF token of every change); the use cases check that the application is
 * the user's organisation's, that a party belongs to that application, and the user's role.
 */
import { Type } from 'typebox';
import {
  AddClientPartyBody,
  addClientParty,
  ClientMessageBody,
  ClientNoteList,
  ClientNoteView,
  ClientPartyList,
  ClientPartyView,
  listClientNotes,
  listClientParties,
  PartyParams,
  postClientMessage,
  removeClientParty,
  UpdateClientPartyBody,
  updateClientParty,
} from '../../../modules/clients/index.ts';
import type { App } from '../../shared/create-http-app.ts';
import type { InternalDeps } from '../deps.ts';
import { requireClient } from './client-context.ts';

const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) }, { additionalProperties: false });

export async function linkClientCotRoutes(app: App, _deps: Pick<InternalDeps, 'database'>): Promise<void> {
  const config = { link: true, client: 'session' } as const;

  app.get(
    '/link/v1/applications/:id/parties',
    { config, schema: { params: IdParams, response: { 200: ClientPartyList } } },
    async (req) => {
      const { actor, ctx } = requireClient(req);
      return listClientParties(ctx, actor, req.params.id);
    },
  );

  app.post(
    '/link/v1/applications/:id/parties',
    { config, schema: { params: IdParams, body: AddClientPartyBody, response: { 201: ClientPartyView } } },
    async (req, reply) => {
      const { actor, ctx } = requireClient(req);
      return reply
        .code(201)
        .send(await addClientParty(ctx, actor, { ...req.body, applicationId: req.params.id }));
    },
  );

  app.put(
    '/link/v1/applications/:id/parties/:subjectId',
    {
      config,
      schema: { params: PartyParams, body: UpdateClientPartyBody, response: { 200: ClientPartyView } },
    },
    async (req) => {
      const { actor, ctx } = requireClient(req);
      return updateClientParty(ctx, actor, {
        ...req.body,
        applicationId: req.params.id,
        subjectId: req.params.subjectId,
      });
    },
  );

  app.delete(
    '/link/v1/applications/:id/parties/:subjectId',
    { config, schema: { params: PartyParams, response: { 204: Type.Null() } } },
    async (req, reply) => {
      const { actor, ctx } = requireClient(req);
      await removeClientParty(ctx, actor, { applicationId: req.params.id, subjectId: req.params.subjectId });
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/link/v1/applications/:id/notes',
    { config, schema: { params: IdParams, response: { 200: ClientNoteList } } },
    async (req) => {
      const { actor, ctx } = requireClient(req);
      return listClientNotes(ctx, actor, req.params.id);
    },
  );

  app.post(
    '/link/v1/applications/:id/notes',
    { config, schema: { params: IdParams, body: ClientMessageBody, response: { 201: ClientNoteView } } },
    async (req, reply) => {
      const { actor, ctx } = requireClient(req);
      return reply
        .code(201)
        .send(await postClientMessage(ctx, actor, { ...req.body, applicationId: req.params.id }));
    },
  );
}
