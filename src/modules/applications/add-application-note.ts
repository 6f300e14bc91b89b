import { randomUUID } from 'node:crypto';
import { inTransaction } from '../../db/transaction.ts';
import type { Ctx } from '../../platform/context.ts';
import { notFound } from '../../platform/errors.ts';
import { actorRef } from '../access/actor.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { presentNote } from './application.presenter.ts';
import { insertNote } from './application.repository.ts';
import { namesOf } from './actor-names.ts';
import { findVisibleApplication } from './find-visible-application.ts';
import type { NoteBody, NoteView } from './application.schema.ts';

/** The application, and the note text (and whether the client organisation sees it). */
export type AddApplicationNoteInput = NoteBody & { id: string };

/**
 * Adds a note to an application. Notes are append-only; the audit event records the note id and
 * length, not the text, which may hold personal data the audit trail should not copy. With
 * `shared: true` the application's client organisation reads it on the portal (the event says so).
 */
export async function addApplicationNote(ctx: Ctx, input: AddApplicationNoteInput): Promise<NoteView> {
  return inTransaction(ctx.db, async (tx) => {
    const app = await findVisibleApplication(tx, ctx.actor, input.id);
    if (!app) throw notFound('application');
    const now = ctx.now();
    const shared = input.shared === true;
    const note = await insertNote(tx, {
      id: randomUUID(),
      application_id: app.id,
      body: input.body,
      author: actorRef(ctx.actor),
      created_at: now,
      ...(shared ? { shared_with_client: true, shared_at: now, shared_by: actorRef(ctx.actor) } : {}),
    });
    await appendAudit(tx, ctx, {
      type: 'application.note_added',
      target: { type: 'application', id: app.id },
      payload: { noteId: note.id, length: note.body.length, ...(shared ? { shared: true } : {}) },
    });
    return presentNote(note, await namesOf(tx, [note.author]));
  });
}
