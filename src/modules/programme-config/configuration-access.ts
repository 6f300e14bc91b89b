/** The programme a configuration belongs to, as the actor may see it, and its context for the engines. */
import type { Executor } from '../../db/transaction.ts';
import type { Row } from '../../db/types.ts';
import { notFound } from '../../platform/errors.ts';
import { canSeeProgramme, type Actor } from '../access/actor.ts';
import type { RequirementsContext } from '../completeness/engine/index.ts';
import { findProgramme, machineOf } from '../programmes/programme.repository.ts';
import { initialStatus } from '../programmes/status-machine.ts';
import { formKeysOf } from './configuration.repository.ts';

/**
 * The programme, or `not_found` when there is none or the actor is not a member (never revealing
 * that it exists). Writers pass `lock: 'update'`: every change to a programme's configuration is
 * serialised on its programme row.
 */
export async function visibleProgramme(
  db: Executor,
  actor: Actor,
  id: string,
  lock?: 'update',
): Promise<Row<'programmes'>> {
  const row = await findProgramme(db, id, lock);
  if (!row || !canSeeProgramme(actor, row.id)) throw notFound('programme');
  return row;
}

/** What the requirements are checked against: the programme's statuses, document types and forms. */
export async function requirementsContext(
  db: Executor,
  row: Row<'programmes'>,
): Promise<RequirementsContext> {
  const machine = machineOf(row);
  return {
    statuses: machine.statuses.map((s) => s.key),
    initialStatus: initialStatus(machine),
    documentTypes: row.document_types.map((t) => ({ code: t.code, appliesTo: t.appliesTo })),
    formKeys: await formKeysOf(db, row.id),
  };
}
