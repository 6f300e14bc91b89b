import { Type } from 'typebox';
import {
  CreateProgrammeBody,
  ProgrammeListQuery,
  ProgrammeView,
  UpdateProgrammeBody,
  createProgramme,
  getProgramme,
  listProgrammeMembers,
  ProgrammeMemberView,
  SetProgrammeMembersBody,
  setProgrammeMembers,
  listProgrammes,
  updateProgramme,
} from '../../../modules/programmes/index.ts';
import { Page } from '../../../platform/pagination.ts';
import type { App } from '../../shared/create-http-app.ts';
import { IdParams } from './common.ts';

export async function programmesRoutes(app: App): Promise<void> {
  app.get(
    '/programmes',
    {
      config: { access: 'programme:read' },
      schema: {
        tags: ['programmes'],
        querystring: ProgrammeListQuery,
        response: { 200: Page(ProgrammeView) },
      },
    },
    async (req) => listProgrammes(req.ctx, req.query),
  );
  app.post(
    '/programmes',
    {
      config: { access: 'programme:manage' },
      schema: { tags: ['programmes'], body: CreateProgrammeBody, response: { 201: ProgrammeView } },
    },
    async (req, reply) => reply.code(201).send(await createProgramme(req.ctx, req.body)),
  );
  app.get(
    '/programmes/:id',
    {
      config: { access: 'programme:read' },
      schema: { tags: ['programmes'], params: IdParams, response: { 200: ProgrammeView } },
    },
    async (req) => getProgramme(req.ctx, req.params.id),
  );
  app.patch(
    '/programmes/:id',
    {
      config: { access: 'programme:manage' },
      schema: {
        tags: ['programmes'],
        params: IdParams,
        body: UpdateProgrammeBody,
        response: { 200: ProgrammeView },
      },
    },
    async (req) => updateProgramme(req.ctx, { ...req.body, id: req.params.id }),
  );
  app.get(
    '/programmes/:id/members',
    {
      config: { access: 'programme:members' },
      schema: {
        tags: ['programmes'],
        summary: 'Staff users who may see this programme’s data',
        params: IdParams,
        response: { 200: Type.Object({ items: Type.Array(ProgrammeMemberView) }) },
      },
    },
    async (req) => ({ items: await listProgrammeMembers(req.ctx, req.params.id) }),
  );
  app.put(
    '/programmes/:id/members',
    {
      config: { access: 'programme:members', stepUp: true },
      schema: {
        tags: ['programmes'],
        summary: 'Replace the members of a programme (applies on their next request)',
        params: IdParams,
        body: SetProgrammeMembersBody,
        response: { 200: Type.Object({ items: Type.Array(ProgrammeMemberView) }) },
      },
    },
    async (req) => ({ items: await setProgrammeMembers(req.ctx, req.params.id, req.body.userIds) }),
  );
}
