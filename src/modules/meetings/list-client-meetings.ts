import type { Ctx } from '../../platform/context.ts';
import { findClientApplication } from '../clients/client-access.ts';
import type { ClientActor } from '../clients/client-session.ts';
import { presentClientMeeting } from './meeting.presenter.ts';
import { listApplicationMeetingRows, listParticipants } from './meeting.repository.ts';
import type { ClientMeetingView } from './meeting.schema.ts';

/**
 * The meetings of an application of the client's organisation (any user of it may see them;
 * another organisation's application is "not found"), latest first.
 */
export async function listClientMeetings(
  ctx: Ctx,
  actor: ClientActor,
  applicationId: string,
): Promise<ClientMeetingView[]> {
  const app = await findClientApplication(ctx, actor, applicationId, 'read');
  const rows = await listApplicationMeetingRows(ctx.db, app.id);
  const participants = await listParticipants(
    ctx.db,
    rows.map((r) => r.id),
  );
  const now = ctx.now();
  return rows.map((r) => presentClientMeeting(r, participants, actor.id, now, ctx.keyring));
}
