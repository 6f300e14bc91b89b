/**
 * Trusted network ranges (right `trusted-network:manage`; changes need a recent second factor when
 * made from a staff session). Whether a range lets anyone skip the second factor is decided by the
 * users' roles and the `auth.trustedNetworkSkip` master switch.
 */
import {
  AddTrustedNetworkBody,
  TrustedNetworkList,
  TrustedNetworkView,
  addTrustedNetwork,
  listTrustedNetworks,
  removeTrustedNetwork,
} from '../../../modules/trusted-networks/index.ts';
import type { App } from '../../shared/create-http-app.ts';
import { IdParams } from './common.ts';

export async function trustedNetworksRoutes(app: App): Promise<void> {
  const tags = ['trusted-networks'];
  const manage = { access: 'trusted-network:manage', stepUp: true } as const;

  app.get(
    '/trusted-networks',
    {
      config: { access: 'trusted-network:manage' },
      schema: { tags, summary: 'Every trusted range', response: { 200: TrustedNetworkList } },
    },
    async (req) => ({ items: await listTrustedNetworks(req.ctx) }),
  );
  app.post(
    '/trusted-networks',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Trust a range (stored in canonical form: host bits cleared)',
        body: AddTrustedNetworkBody,
        response: { 201: TrustedNetworkView },
      },
    },
    async (req, reply) => reply.code(201).send(await addTrustedNetwork(req.ctx, req.body)),
  );
  app.delete(
    '/trusted-networks/:id',
    {
      config: manage,
      schema: { tags, summary: 'Stop trusting a range', params: IdParams },
    },
    async (req, reply) => {
      await removeTrustedNetwork(req.ctx, req.params.id);
      return reply.code(204).send();
    },
  );
}
