import type { Ctx } from '../../../platform/context.ts';
import { notFound } from '../../../platform/errors.ts';
import { presentStaffUser } from './staff-user.presenter.ts';
import { findStaffUser } from './staff-user.repository.ts';
import type { StaffUserView } from './staff-user.schema.ts';

/** One staff user's view. @throws AppError not_found */
export async function getStaffUser(ctx: Pick<Ctx, 'db'>, id: string): Promise<StaffUserView> {
  const row = await findStaffUser(ctx.db, id);
  if (!row) throw notFound('staff user');
  return presentStaffUser(row);
}
