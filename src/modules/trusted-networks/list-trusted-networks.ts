import type { Ctx } from '../../platform/context.ts';
import { presentTrustedNetwork } from './trusted-network.presenter.ts';
import { listTrustedNetworkRows } from './trusted-network.repository.ts';
import type { TrustedNetworkView } from './trusted-network.schema.ts';

/** Every trusted range, oldest first. Not paginated: there are few. */
export async function listTrustedNetworks(ctx: Ctx): Promise<TrustedNetworkView[]> {
  return (await listTrustedNetworkRows(ctx.db)).map(presentTrustedNetwork);
}
