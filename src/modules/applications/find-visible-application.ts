import type { Executor } from '../../db/transaction.ts';
import type { Row } from '../../db/types.ts';
import { canSeeProgramme, type Actor } from '../access/actor.ts';
import { findApplication } from './application.repository.ts';

/**
 * The application, if it exists and the actor is a member of its programme; undefined otherwise,
 * so that callers answer 404 alike for "missing" and "not yours".
 */
export async function findVisibleApplication(
  db: Executor,
  actor: Actor,
  id: string,
  lock?: 'update',
): Promise<Row<'applications'> | undefined> {
  const row = await findApplication(db, id, lock);
  return row && canSeeProgramme(actor, row.programme_id) ? row : undefined;
}
