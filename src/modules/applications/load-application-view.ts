/** Reads what the detail view needs around an application row; shared by every use case that returns one. */
import type { Executor } from '../../db/transaction.ts';
import type { Row } from '../../db/types.ts';
import type { Actor } from '../access/actor.ts';
import { findProgramme } from '../programmes/index.ts';
import { applicationAbilities } from './application.abilities.ts';
import { presentApplication } from './application.presenter.ts';
import { findPendingDecision, findStaffUser, listApplicationSubjects } from './application.repository.ts';
import type { ApplicationView } from './application.schema.ts';
import { namesOf } from './actor-names.ts';

/**
 * The detail view of `row`, read through `db` (pass the transaction to see its own changes); with
 * `actor`, also what that actor may do with it.
 */
export async function loadApplicationView(
  db: Executor,
  row: Row<'applications'>,
  actor?: Actor,
): Promise<ApplicationView> {
  const [programme, subjects, assignee, pendingDecision] = await Promise.all([
    findProgramme(db, row.programme_id),
    listApplicationSubjects(db, row.id),
    row.assignee_id ? findStaffUser(db, row.assignee_id) : Promise.resolve(undefined),
    findPendingDecision(db, row.id),
  ]);
  // The foreign key guarantees the programme exists.
  if (!programme) throw new Error(`application ${row.id}: programme ${row.programme_id} missing`);
  const nameOf = await namesOf(db, [
    ...subjects.map((s) => s.added_by),
    pendingDecision?.prepared_by,
    pendingDecision?.decided_by,
  ]);
  const view = presentApplication(row, {
    programme,
    subjects,
    assignee: assignee ?? null,
    pendingDecision: pendingDecision ?? null,
    nameOf,
  });
  return actor
    ? { ...view, abilities: applicationAbilities(actor, row, programme, pendingDecision ?? null) }
    : view;
}
