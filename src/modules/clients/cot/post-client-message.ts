import { randomUUID } from 'node:crypto';
import { inTransaction } from '../../../db/transaction.ts';
import type { Ctx } from '../../../platform/context.ts';
import { validationError } from '../../../platform/errors.ts';
import { actorRef } from '../../access/actor.ts';
import { appendAudit } from '../../audit/audit.repository.ts';
import { findClientApplication } from '../client-access.ts';
import type { ClientActor } from '../client-session.ts';
import { clientUserNames, insertClientMessage } from './cot.repository.ts';
import type { ClientMessageBody, ClientNoteView } from './cot.schema.ts';
import { presentClientNote } from './client-notes.presenter.ts';
import { hasForbiddenCharacters } from './party.rules.ts';

/**
 * A client user (not read-only) posts a message on one of the organisation's applications, in any
 * status: stored as a note from the client (staff see it among the application's notes, marked
 * `authorKind: 'client'`), visible to the organisation, audited as
 * `application.client_message_added` (id and length, never the text). Control and bidirectional
 * formatting characters are refused (400).
 */
export async function postClientMessage(
  ctx: Ctx,
  actor: ClientActor,
  input: ClientMessageBody & { applicationId: string },
): Promise<ClientNoteView> {
  if (hasForbiddenCharacters(input.body))
    throw validationError('invalid message', [{ path: 'body', message: 'control or formatting characters' }]);
  return inTransaction(ctx.db, async (tx) => {
    const app = await findClientApplication({ db: tx }, actor, input.applicationId, 'change');
    const note = await insertClientMessage(tx, {
      id: randomUUID(),
      application_id: app.id,
      body: input.body,
      author: actorRef(actor),
      created_at: ctx.now(),
    });
    await appendAudit(tx, ctx, {
      type: 'application.client_message_added',
      target: { type: 'application', id: app.id },
      payload: { noteId: note.id, length: note.body.length },
    });
    return presentClientNote(note, await clientUserNames(tx, actor.organisationId, [actor.id]));
  });
}
