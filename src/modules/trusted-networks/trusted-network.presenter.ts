import type { Row } from '../../db/types.ts';
import type { TrustedNetworkView } from './trusted-network.schema.ts';

export function presentTrustedNetwork(row: Row<'trusted_networks'>): TrustedNetworkView {
  return {
    id: row.id,
    cidr: row.cidr,
    label: row.label,
    createdAt: row.created_at.toISOString(),
    createdBy: row.created_by,
  };
}
