import { randomUUID } from 'node:crypto';
import { inTransaction } from '../../db/transaction.ts';
import type { Ctx } from '../../platform/context.ts';
import { notFound } from '../../platform/errors.ts';
import { actorRef } from '../access/actor.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { presentNote } from './application.presenter.ts';
import { insertNote } from './application.repository.ts';
import { findVisibleApplication } from './find-visible-application.ts';
import type { NoteBody, NoteView } from './application.schema.ts';

/** The application, and the note text. */
export type AddApplicationNoteInput = NoteBody & { id: string };

/**
 * Adds a note to an application. Notes are append-only; the audit event records the note id and
 * length, not the text, which may hold personal data the audit trail should not copy.
 */
export async function addApplicationNote(ctx: Ctx, input: AddApplicationNoteInput): Promise<NoteView> {
  return inTransaction(ctx.db, async (tx) => {
    const app = await findVisibleApplication(tx, ctx.actor, input.id);
    if (!app) throw notFound('application');
    const note = await insertNote(tx, {
      id: randomUUID(),
      application_id: app.id,
      body: input.body,
      author: actorRef(ctx.actor),
      created_at: ctx.now(),
    });
    await appendAudit(tx, ctx, {
      type: 'application.note_added',
      target: { type: 'application', id: app.id },
      payload: { noteId: note.id, length: note.body.length },
    });
    return presentNote(note);
  });
}
