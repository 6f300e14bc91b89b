import type { Ctx } from '../../platform/context.ts';
import { notFound } from '../../platform/errors.ts';
import { findVisibleMeeting, loadMeetingView } from './meeting.checks.ts';
import type { MeetingView } from './meeting.schema.ts';

/** One meeting, with the outcome decrypted; another programme's meeting is "not found". */
export async function getMeeting(ctx: Ctx, id: string): Promise<MeetingView> {
  const row = await findVisibleMeeting(ctx.db, ctx.actor, id);
  if (!row) throw notFound('meeting');
  return loadMeetingView(ctx.db, ctx.keyring, row);
}
