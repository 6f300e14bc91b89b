import type { Ctx } from '../../platform/context.ts';
import { notFound } from '../../platform/errors.ts';
import { presentRole } from './role.presenter.ts';
import { findRole } from './role.repository.ts';
import type { RoleView } from './role.schema.ts';

/** One role by id; `not_found` when there is none. */
export async function getRole(ctx: Ctx, id: string): Promise<RoleView> {
  const row = await findRole(ctx.db, id);
  if (!row) throw notFound('role');
  return presentRole(row);
}
