import { inTransaction } from '../../db/transaction.ts';
import type { Ctx } from '../../platform/context.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { isForeignKeyViolation } from '../../db/errors.ts';
import { countRoleHolders, deleteRoleRow, findRole } from './role.repository.ts';

/**
 * Deletes a role that nobody holds. While staff users hold it the answer is a `conflict` giving
 * their number: an administrator first moves them to other roles, a deliberate act that is audited
 * per user. The role row is locked, so an assignment racing the deletion either finishes first
 * (then the count sees it) or finds the role gone (404); the foreign key is the last guard.
 * @throws AppError not_found, conflict.
 */
export async function deleteRole(ctx: Ctx, id: string): Promise<void> {
  try {
    await inTransaction(ctx.db, async (tx) => {
      const row = await findRole(tx, id, 'update');
      if (!row) throw notFound('role');
      const holders = await countRoleHolders(tx, id);
      if (holders > 0) throw roleInUse(holders);
      await deleteRoleRow(tx, id);
      await appendAudit(tx, ctx, {
        type: 'role.deleted',
        target: { type: 'role', id },
        payload: { name: row.name, rights: row.rights, version: row.version },
      });
    });
  } catch (err) {
    if (isForeignKeyViolation(err)) throw roleInUse(null);
    throw err;
  }
}

function roleInUse(holders: number | null): AppError {
  return new AppError(
    'conflict',
    holders === null
      ? 'the role is held by staff users; remove it from them first'
      : `the role is held by ${holders} staff user${holders === 1 ? '' : 's'}; remove it from them first`,
    holders === null ? undefined : { holders },
  );
}
