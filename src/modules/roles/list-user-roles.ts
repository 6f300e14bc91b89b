import type { Ctx } from '../../platform/context.ts';
import { notFound } from '../../platform/errors.ts';
import { presentRole } from './role.presenter.ts';
import { listRolesOfUser, staffUserExists } from './role.repository.ts';
import type { RoleView } from './role.schema.ts';

/** The roles a staff user holds, by name; `not_found` for an unknown user. */
export async function listUserRoles(ctx: Ctx, userId: string): Promise<RoleView[]> {
  if (!(await staffUserExists(ctx.db, userId))) throw notFound('staff user');
  return (await listRolesOfUser(ctx.db, userId)).map(presentRole);
}
