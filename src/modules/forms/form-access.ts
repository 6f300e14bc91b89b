/**
 * Loading forms and assignments for staff use cases: the object if it exists and the actor may see
 * its programme (staff, API keys and system actors only), otherwise undefined, so that callers answer
 * 404 alike for "missing" and "not yours".
 */
import type { Executor } from '../../db/transaction.ts';
import type { Actor } from '../access/actor.ts';
import { findAssignment, type AssignmentRow } from './assignment.repository.ts';
import { mayActAsStaff } from './form.policy.ts';
import { findForm, type FormRow } from './form.repository.ts';

export async function findVisibleForm(
  db: Executor,
  actor: Actor,
  id: string,
  lock?: 'update' | 'share',
): Promise<FormRow | undefined> {
  const row = await findForm(db, id, lock);
  return row && mayActAsStaff(actor, row.programme_id) ? row : undefined;
}

/** An assignment is visible with its application: the actor must see the application's programme. */
export async function findVisibleAssignment(
  db: Executor,
  actor: Actor,
  id: string,
): Promise<AssignmentRow | undefined> {
  const row = await findAssignment(db, id);
  return row && mayActAsStaff(actor, row.programme_id) ? row : undefined;
}
