import {
  CreateProgrammeBody,
  ProgrammeListQuery,
  ProgrammeView,
  UpdateProgrammeBody,
  createProgramme,
  getProgramme,
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
}
