import type { Row } from '../../db/types.ts';
import { ADMINISTRATIVE_RIGHTS, ALL_RIGHTS, RIGHTS } from '../access/rights.ts';
import { holdsAdministrativeRight, knownRights } from './role.policy.ts';
import type { RightView, RoleView } from './role.schema.ts';

/** Role row → view; rights no longer in the catalogue are left out, as they no longer count. */
export function presentRole(row: Row<'roles'>): RoleView {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    rights: knownRights(row.rights),
    trustedNetworkSkip: row.trusted_network_skip,
    administrative: holdsAdministrativeRight(row.rights),
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    createdBy: row.created_by,
  };
}

/** The rights catalogue in its declared order, with descriptions. */
export function presentRights(): RightView[] {
  return ALL_RIGHTS.map((r) => ({
    right: r,
    description: RIGHTS[r],
    administrative: ADMINISTRATIVE_RIGHTS.has(r),
  }));
}
