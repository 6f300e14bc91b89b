/**
 * Client organisations and their portal users, managed by staff (right `client:manage`): create and
 * list organisations, disable them, create users, send invitations (the link goes to the user by
 * e-mail only; the API says whether the mail was sent and never returns the token), disable users
 * (their sessions end at once). Changes that let someone in or shut them out need step-up.
 * Which organisation an application is for is set with `application:write`.
 */
import { Type } from 'typebox';
import {
  createClientOrganisation,
  createClientUser,
  disableClientUser,
  getClientOrganisation,
  listClientOrganisations,
  listClientUsers,
  sendInvitation,
  setApplicationClientOrganisation,
  setClientOrganisationStatus,
  type InvitationMailDeps,
} from '../../../modules/clients/index.ts';
import type { App } from '../../shared/create-http-app.ts';
import { IdParams } from './common.ts';

const Organisation = Type.Object({
  id: Type.String({ format: 'uuid' }),
  name: Type.String(),
  status: Type.Union([Type.Literal('active'), Type.Literal('disabled')]),
  users: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
  version: Type.Integer(),
});
const ClientRoleSchema = Type.Union([
  Type.Literal('owner'),
  Type.Literal('contributor'),
  Type.Literal('read_only'),
]);
const ClientUser = Type.Object({
  id: Type.String({ format: 'uuid' }),
  organisationId: Type.String({ format: 'uuid' }),
  username: Type.String(),
  email: Type.String(),
  displayName: Type.String(),
  role: ClientRoleSchema,
  status: Type.Union([Type.Literal('invited'), Type.Literal('active'), Type.Literal('disabled')]),
  mobile: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  version: Type.Integer(),
});
const InvitationBody = Type.Object(
  {
    /** The application the client is asked to complete (of the user's organisation). */
    applicationId: Type.Optional(Type.String({ format: 'uuid' })),
    /** Also tell the user by SMS that the invitation is in their e-mail (the SMS has no link). */
    sms: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
const CreateOrganisationBody = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);
const StatusBody = Type.Object(
  { status: Type.Union([Type.Literal('active'), Type.Literal('disabled')]) },
  { additionalProperties: false },
);
const CreateClientUserBody = Type.Object(
  {
    username: Type.String({ minLength: 3, maxLength: 64 }),
    email: Type.String({ minLength: 3, maxLength: 254 }),
    displayName: Type.String({ minLength: 1, maxLength: 200 }),
    role: ClientRoleSchema,
    mobile: Type.Optional(Type.String({ minLength: 4, maxLength: 32 })),
  },
  { additionalProperties: false },
);
const InvitationSent = Type.Object({
  invitationId: Type.String({ format: 'uuid' }),
  expiresAt: Type.String({ format: 'date-time' }),
  mailed: Type.Boolean(),
  smsSent: Type.Boolean(),
});
const ClientOrganisationBody = Type.Object(
  { organisationId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]) },
  { additionalProperties: false },
);

export async function clientsRoutes(app: App, opts: { invitations: InvitationMailDeps }): Promise<void> {
  const tags = ['clients'];
  const manage = { access: 'client:manage', stepUp: true } as const;

  app.get(
    '/client-organisations',
    {
      config: { access: 'client:manage' },
      schema: { tags, response: { 200: Type.Object({ items: Type.Array(Organisation) }) } },
    },
    async (req) => ({ items: await listClientOrganisations(req.ctx) }),
  );

  app.post(
    '/client-organisations',
    {
      config: { access: 'client:manage' },
      schema: { tags, body: CreateOrganisationBody, response: { 201: Organisation } },
    },
    async (req, reply) => reply.code(201).send(await createClientOrganisation(req.ctx, req.body)),
  );

  app.get(
    '/client-organisations/:id',
    {
      config: { access: 'client:manage' },
      schema: { tags, params: IdParams, response: { 200: Organisation } },
    },
    async (req) => getClientOrganisation(req.ctx, req.params.id),
  );

  app.post(
    '/client-organisations/:id/status',
    {
      config: manage,
      schema: { tags, params: IdParams, body: StatusBody, response: { 200: Organisation } },
    },
    async (req) => setClientOrganisationStatus(req.ctx, req.params.id, req.body.status),
  );

  app.get(
    '/client-organisations/:id/users',
    {
      config: { access: 'client:manage' },
      schema: { tags, params: IdParams, response: { 200: Type.Object({ items: Type.Array(ClientUser) }) } },
    },
    async (req) => ({ items: await listClientUsers(req.ctx, req.params.id) }),
  );

  app.post(
    '/client-organisations/:id/users',
    {
      config: manage,
      schema: { tags, params: IdParams, body: CreateClientUserBody, response: { 201: ClientUser } },
    },
    async (req, reply) =>
      reply.code(201).send(await createClientUser(req.ctx, { organisationId: req.params.id, ...req.body })),
  );

  app.post(
    '/client-users/:id/invitations',
    {
      // The body is optional: a bare POST sends the plain invitation.
      preValidation: async (req) => {
        req.body ??= {};
      },
      config: manage,
      schema: {
        tags,
        summary: 'Send a client user a new invitation (e-mailed; earlier open invitations are revoked)',
        params: IdParams,
        body: InvitationBody,
        response: { 201: InvitationSent },
      },
    },
    async (req, reply) =>
      reply.code(201).send(await sendInvitation(req.ctx, opts.invitations, req.params.id, req.body ?? {})),
  );

  app.post(
    '/client-users/:id/disable',
    { config: manage, schema: { tags, params: IdParams, response: { 200: ClientUser } } },
    async (req) => disableClientUser(req.ctx, req.params.id),
  );

  app.put(
    '/applications/:id/client-organisation',
    {
      config: { access: 'application:write' },
      schema: {
        tags,
        params: IdParams,
        body: ClientOrganisationBody,
        response: {
          200: Type.Object({
            applicationId: Type.String(),
            organisationId: Type.Union([Type.String(), Type.Null()]),
          }),
        },
      },
    },
    async (req) => setApplicationClientOrganisation(req.ctx, req.params.id, req.body.organisationId),
  );
}
