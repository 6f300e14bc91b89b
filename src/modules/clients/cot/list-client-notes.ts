import type { Ctx } from '../../../platform/context.ts';
import { findClientApplication } from '../client-access.ts';
import type { ClientActor } from '../client-session.ts';
import { clientUserNames, listSharedNotes } from './cot.repository.ts';
import type { ClientNoteList } from './cot.schema.ts';
import { presentClientNote } from './client-notes.presenter.ts';

/** How many of the latest notes and messages the portal shows. */
export const CLIENT_NOTES_MAX = 200;

/**
 * The notes of one of the organisation's applications that staff shared with the client, and the
 * messages the organisation's users posted, oldest first (the latest CLIENT_NOTES_MAX). Unshared
 * notes do not exist here. Read-only users may read.
 */
export async function listClientNotes(
  ctx: Ctx,
  actor: ClientActor,
  applicationId: string,
): Promise<ClientNoteList> {
  const app = await findClientApplication(ctx, actor, applicationId, 'read');
  const rows = await listSharedNotes(ctx.db, app.id, CLIENT_NOTES_MAX);
  const page = rows.slice(0, CLIENT_NOTES_MAX).reverse();
  const clientIds = page
    .filter((r) => r.author_kind === 'client' && r.author.startsWith('client:'))
    .map((r) => r.author.slice('client:'.length));
  const names = await clientUserNames(ctx.db, actor.organisationId, clientIds);
  return { items: page.map((r) => presentClientNote(r, names)), truncated: rows.length > CLIENT_NOTES_MAX };
}
