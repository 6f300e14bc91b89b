/**
 * The checks before any change of an application's parties from the portal, inside the change's
 * transaction: the application is the client organisation's (else 404), the user's role may change
 * things (else 403 `read_only`), and the application is open to client changes (else 409, see
 * `partyChangeRefusal`). The application row stays locked until the transaction ends, so changes to
 * one application's parties are serialised.
 */
import type { Executor, Tx } from '../../../db/transaction.ts';
import type { Row } from '../../../db/types.ts';
import { AppError, notFound } from '../../../platform/errors.ts';
import { findClientApplication } from '../client-access.ts';
import type { ClientActor } from '../client-session.ts';
import { applicationState, lockClientApplication } from './cot.repository.ts';
import { partyChangeRefusal, type ChangeRefusal } from './party.rules.ts';

const REFUSAL_TEXT: Record<ChangeRefusal, string> = {
  application_closed: 'this application is closed: its parties can no longer be changed on the portal',
  decision_pending: 'a decision on this application is pending: its parties cannot be changed now',
};

/** Why the application's parties cannot be changed from the portal now (null: they can). */
export async function changeRefusalOf(db: Executor, applicationId: string): Promise<ChangeRefusal | null> {
  const state = await applicationState(db, applicationId);
  return partyChangeRefusal(state.status, state.statuses, state.pendingDecision);
}

export async function lockApplicationForPartyChange(
  tx: Tx,
  actor: ClientActor,
  applicationId: string,
): Promise<Row<'applications'>> {
  await findClientApplication({ db: tx }, actor, applicationId, 'change');
  const row = await lockClientApplication(tx, applicationId, actor.organisationId);
  if (!row) throw notFound('application');
  const refusal = await changeRefusalOf(tx, row.id);
  if (refusal) throw new AppError('conflict', REFUSAL_TEXT[refusal], { reason: refusal });
  return row;
}

/** The answer when a client tries to change a party the firm's staff added. */
export function staffPartyError(): AppError {
  return new AppError(
    'forbidden',
    'this party was added by the firm: it can only be changed by your case officer (they may send you a request)',
    { reason: 'staff_added' },
  );
}
