import type { Executor } from '../../db/transaction.ts';
import type { Right } from '../access/rights.ts';
import { knownRights } from './role.policy.ts';
import { listRolesOfUser } from './role.repository.ts';

/**
 * A staff user's rights: the union of the rights of the roles they hold, read fresh from the
 * database (so a role change counts from the next request). Strings no longer in the catalogue are
 * dropped. An unknown user, or one without roles, has no rights.
 */
export async function loadStaffRights(db: Executor, userId: string): Promise<Set<Right>> {
  const roles = await listRolesOfUser(db, userId);
  return new Set(knownRights(roles.flatMap((r) => r.rights)));
}
