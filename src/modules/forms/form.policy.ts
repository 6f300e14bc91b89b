/**
 * Who may do what to forms and assignments, as small predicates and the refusals built on them.
 * Rights are checked by the route gate; these rules are about the objects' state and scope.
 */
import type { FormAssignmentStatus } from '../../db/types.ts';
import { AppError } from '../../platform/errors.ts';
import { canSeeProgramme, type Actor } from '../access/actor.ts';

/** Staff, API keys and system actors act on forms; a client user never reaches a staff use case. */
export function mayActAsStaff(actor: Actor, programmeId: string): boolean {
  return actor.kind !== 'client' && canSeeProgramme(actor, programmeId);
}

export function isRetired(form: { retired_at: Date | null }): boolean {
  return form.retired_at !== null;
}

/** A retired form takes no new draft, publication or assignment. */
export function assertFormActive(form: { retired_at: Date | null }): void {
  if (isRetired(form)) throw new AppError('conflict', 'the form is retired', { reason: 'form_retired' });
}

/** Only an open assignment takes answers, and only an open one can be cancelled. */
export function acceptsAnswers(status: FormAssignmentStatus): boolean {
  return status === 'open';
}

export function assertAssignmentOpen(a: { status: FormAssignmentStatus }): void {
  if (!acceptsAnswers(a.status))
    throw new AppError(
      'conflict',
      a.status === 'submitted' ? 'the answers were submitted already' : 'the questionnaire was cancelled',
      { reason: a.status === 'submitted' ? 'form_submitted' : 'form_cancelled' },
    );
}
