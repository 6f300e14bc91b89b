/**
 * A directory user's password is the directory's: Dossier neither resets nor changes it (it has no
 * hash to change, and a local password would be a second way in that the directory cannot disable).
 */
import type { Executor } from '../../../db/transaction.ts';
import { AppError } from '../../../platform/errors.ts';

export function managedByDirectory(): AppError {
  return new AppError(
    'conflict',
    'This password is managed by the directory: change or reset it there (e.g. Active Directory).',
    { reason: 'managed_by_directory' },
  );
}

/** Refuses (409 `managed_by_directory`) when the staff user's password lives in the directory. */
export async function assertLocallyManaged(db: Executor, userId: string): Promise<void> {
  const row = await db.selectFrom('staff_users').select('source').where('id', '=', userId).executeTakeFirst();
  if (row?.source === 'directory') throw managedByDirectory();
}
