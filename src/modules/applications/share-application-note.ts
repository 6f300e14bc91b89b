import { inTransaction } from '../../db/transaction.ts';
import type { Ctx } from '../../platform/context.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { actorRef } from '../access/actor.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { presentNote } from './application.presenter.ts';
import { findNote, setNoteSharing } from './application.repository.ts';
import { namesOf } from './actor-names.ts';
import { findVisibleApplication } from './find-visible-application.ts';
import type { NoteSharingBody, NoteView } from './application.schema.ts';

/** The application, the note, and whether the client organisation should see it. */
export type ShareApplicationNoteInput = NoteSharingBody & { id: string; noteId: string };

/**
 * Shares a staff note with the application's client organisation (they read it on the portal) or
 * stops sharing it. A note of another application, or an application the actor may not see, is a
 * 404. A client's own message is always visible to the client: changing it is a `conflict`. Setting
 * the state the note already has changes nothing and writes no event; a change is audited as
 * `application.note_sharing_changed` (ids and the flag, never the text).
 */
export async function shareApplicationNote(ctx: Ctx, input: ShareApplicationNoteInput): Promise<NoteView> {
  return inTransaction(ctx.db, async (tx) => {
    const app = await findVisibleApplication(tx, ctx.actor, input.id);
    if (!app) throw notFound('application');
    const note = await findNote(tx, app.id, input.noteId, 'update');
    if (!note) throw notFound('note');
    if (note.author_kind === 'client')
      throw new AppError('conflict', 'a message from the client is always visible to the client', {
        reason: 'client_message',
      });
    if (note.shared_with_client === input.shared)
      return presentNote(note, await namesOf(tx, [note.author, note.shared_by]));
    const updated = await setNoteSharing(tx, note.id, {
      shared: input.shared,
      at: ctx.now(),
      by: actorRef(ctx.actor),
    });
    await appendAudit(tx, ctx, {
      type: 'application.note_sharing_changed',
      target: { type: 'application', id: app.id },
      payload: { noteId: note.id, shared: input.shared },
    });
    return presentNote(updated, await namesOf(tx, [updated.author, updated.shared_by]));
  });
}
