/**
 * Roles and their assignment to staff users (right `role:manage`; every change needs a recent
 * second factor when made from a staff session), and the rights catalogue roles are composed from.
 */
import {
  CreateRoleBody,
  RightList,
  RoleList,
  RoleView,
  SetUserRolesBody,
  UpdateRoleBody,
  createRole,
  deleteRole,
  getRole,
  listRights,
  listRoles,
  listUserRoles,
  setUserRoles,
  updateRole,
} from '../../../modules/roles/index.ts';
import type { App } from '../../shared/create-http-app.ts';
import { IdParams } from './common.ts';

export async function rolesRoutes(app: App): Promise<void> {
  const tags = ['roles'];
  const manage = { access: 'role:manage', stepUp: true } as const;

  app.get(
    '/rights',
    {
      config: { access: 'authenticated' },
      schema: { tags, summary: 'The rights catalogue roles are composed from', response: { 200: RightList } },
    },
    async () => ({ items: listRights() }),
  );
  app.get(
    '/roles',
    {
      config: { access: 'role:manage' },
      schema: { tags, summary: 'Every role, by name', response: { 200: RoleList } },
    },
    async (req) => ({ items: await listRoles(req.ctx) }),
  );
  app.post(
    '/roles',
    {
      config: manage,
      schema: { tags, summary: 'Create a role', body: CreateRoleBody, response: { 201: RoleView } },
    },
    async (req, reply) => reply.code(201).send(await createRole(req.ctx, req.body)),
  );
  app.get(
    '/roles/:id',
    {
      config: { access: 'role:manage' },
      schema: { tags, params: IdParams, response: { 200: RoleView } },
    },
    async (req) => getRole(req.ctx, req.params.id),
  );
  app.patch(
    '/roles/:id',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Change a role (optimistic version)',
        params: IdParams,
        body: UpdateRoleBody,
        response: { 200: RoleView },
      },
    },
    async (req) => updateRole(req.ctx, { ...req.body, id: req.params.id }),
  );
  app.delete(
    '/roles/:id',
    {
      config: manage,
      schema: { tags, summary: 'Delete a role nobody holds', params: IdParams },
    },
    async (req, reply) => {
      await deleteRole(req.ctx, req.params.id);
      return reply.code(204).send();
    },
  );
  app.get(
    '/users/:id/roles',
    {
      config: { access: 'role:manage' },
      schema: { tags, summary: "A staff user's roles", params: IdParams, response: { 200: RoleList } },
    },
    async (req) => ({ items: await listUserRoles(req.ctx, req.params.id) }),
  );
  app.put(
    '/users/:id/roles',
    {
      config: manage,
      schema: {
        tags,
        summary: "Replace a staff user's roles",
        params: IdParams,
        body: SetUserRolesBody,
        response: { 200: RoleList },
      },
    },
    async (req) => ({ items: await setUserRoles(req.ctx, req.params.id, req.body.roleIds) }),
  );
}
