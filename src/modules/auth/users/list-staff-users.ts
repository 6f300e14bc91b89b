import type { Ctx } from '../../../platform/context.ts';
import { decodeCursor, encodeCursor } from '../../../platform/pagination.ts';
import { presentStaffUser } from './staff-user.presenter.ts';
import { listStaffUserRows } from './staff-user.repository.ts';
import type { StaffUserPage, StaffUserStatus } from './staff-user.schema.ts';

/** Filters and page of {@link listStaffUsers}. */
export interface ListStaffUsersInput {
  /** Page size, 1–200. Default 50. */
  limit?: number | undefined;
  /** `nextCursor` of the previous page. */
  cursor?: string | undefined;
  status?: StaffUserStatus | undefined;
  /** Case-insensitive substring of the username or display name (taken literally, no wildcards). */
  q?: string | undefined;
}

/**
 * Staff users in creation order, keyset-paginated over (created_at, id): stable under inserts and
 * cheap at any depth.
 * @throws AppError validation for a malformed cursor.
 */
export async function listStaffUsers(
  ctx: Pick<Ctx, 'db'>,
  input: ListStaffUsersInput = {},
): Promise<StaffUserPage> {
  const limit = Math.min(Math.max(Math.trunc(input.limit ?? 50), 1), 200);
  const rows = await listStaffUserRows(
    ctx.db,
    { status: input.status, q: input.q?.trim() || undefined },
    decodeCursor(input.cursor),
    limit,
  );
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(presentStaffUser),
    nextCursor: rows.length > limit && last ? encodeCursor(last) : null,
  };
}
