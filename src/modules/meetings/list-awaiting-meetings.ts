import type { Ctx } from '../../platform/context.ts';
import type { ClientActor } from '../clients/client-session.ts';
import { listAwaitingMeetingRows } from './meeting.repository.ts';

/** A meeting waiting for this client user's answer (for the portal's task list). */
export interface AwaitingMeeting {
  meetingId: string;
  applicationId: string;
  applicationReference: string;
  mode: 'in_person' | 'video';
  startsAt: string;
  durationMinutes: number;
}

/**
 * Upcoming scheduled meetings of the organisation's applications that invite this user and that
 * they have not answered yet, soonest first.
 */
export async function listAwaitingMeetings(
  ctx: Pick<Ctx, 'db' | 'now'>,
  actor: ClientActor,
): Promise<AwaitingMeeting[]> {
  const rows = await listAwaitingMeetingRows(ctx.db, {
    organisationId: actor.organisationId,
    userId: actor.id,
    now: ctx.now(),
  });
  return rows.map((r) => ({
    meetingId: r.id,
    applicationId: r.application_id,
    applicationReference: r.reference,
    mode: r.mode,
    startsAt: r.starts_at.toISOString(),
    durationMinutes: r.duration_minutes,
  }));
}
