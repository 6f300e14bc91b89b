import type { Row } from '../../db/types.ts';
import type { ApiKeyView } from './api-key.schema.ts';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function presentApiKey(row: Row<'api_keys'>): ApiKeyView {
  return {
    id: row.id,
    prefix: row.prefix,
    name: row.name,
    rights: row.rights,
    createdAt: row.created_at.toISOString(),
    createdBy: row.created_by,
    expiresAt: iso(row.expires_at),
    revokedAt: iso(row.revoked_at),
    lastUsedAt: iso(row.last_used_at),
    programmeIds: row.programme_ids ? [...row.programme_ids].sort() : null,
  };
}
