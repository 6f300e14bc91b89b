import type { Ctx } from '../../platform/context.ts';
import { presentRole } from './role.presenter.ts';
import { listRoleRows } from './role.repository.ts';
import type { RoleView } from './role.schema.ts';

/** Every role, by name. Not paginated: a firm has tens of roles, not thousands. */
export async function listRoles(ctx: Ctx): Promise<RoleView[]> {
  return (await listRoleRows(ctx.db)).map(presentRole);
}
