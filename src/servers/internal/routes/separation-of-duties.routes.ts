/**
 * Separation of duties: pairs of rights one staff user may not hold together (right `role:manage`;
 * changes need a recent second factor when made from a staff session). Role assignments and role
 * changes that would break a rule are refused by the roles use cases (409, `reason:
 * 'separation_of_duties'`); adding a rule someone already breaks is refused the same way, listing
 * who, so the administrator can fix their roles first.
 */
import {
  CreateSodRuleBody,
  SodRuleList,
  SodRuleView,
  addSeparationOfDutiesRule,
  listSeparationOfDuties,
  removeSeparationOfDutiesRule,
} from '../../../modules/roles/index.ts';
import type { App } from '../../shared/create-http-app.ts';
import { IdParams } from './common.ts';

export async function separationOfDutiesRoutes(app: App): Promise<void> {
  const tags = ['roles'];
  const manage = { access: 'role:manage', stepUp: true } as const;

  app.get(
    '/separation-of-duties',
    {
      config: { access: 'role:manage' },
      schema: {
        tags,
        summary: 'Every separation-of-duties rule, with who breaks it now (normally nobody)',
        response: { 200: SodRuleList },
      },
    },
    async (req) => ({ items: await listSeparationOfDuties(req.ctx) }),
  );
  app.post(
    '/separation-of-duties',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Forbid one staff user to hold two rights together (refused while someone does)',
        body: CreateSodRuleBody,
        response: { 201: SodRuleView },
      },
    },
    async (req, reply) => reply.code(201).send(await addSeparationOfDutiesRule(req.ctx, req.body)),
  );
  app.delete(
    '/separation-of-duties/:id',
    {
      config: manage,
      schema: { tags, summary: 'Remove a separation-of-duties rule', params: IdParams },
    },
    async (req, reply) => {
      await removeSeparationOfDutiesRule(req.ctx, req.params.id);
      return reply.code(204).send();
    },
  );
}
