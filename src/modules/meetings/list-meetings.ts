import type { Ctx } from '../../platform/context.ts';
import { decodeCursor, encodeCursor } from '../../platform/pagination.ts';
import { programmeFilter } from '../access/actor.ts';
import { presentMeeting } from './meeting.presenter.ts';
import { listEvidence, listMeetingRows, listParticipants } from './meeting.repository.ts';
import type { MeetingListQuery, MeetingView } from './meeting.schema.ts';

/**
 * Meetings of the actor's programmes by start time, filtered by application, status and a time
 * window, keyset-paginated on (starts_at, id).
 */
export async function listMeetings(
  ctx: Ctx,
  query: MeetingListQuery,
): Promise<{ items: MeetingView[]; nextCursor: string | null }> {
  const rows = await listMeetingRows(
    ctx.db,
    {
      visibleProgrammes: programmeFilter(ctx.actor),
      applicationId: query.applicationId,
      status: query.status,
      from: query.from,
      to: query.to,
    },
    { limit: query.limit, after: decodeCursor(query.cursor) },
  );
  const page = rows.slice(0, query.limit);
  const ids = page.map((r) => r.id);
  const participants = await listParticipants(ctx.db, ids);
  const evidence = await listEvidence(ctx.db, ids);
  const last = page.at(-1);
  return {
    items: page.map((r) => presentMeeting(r, participants, evidence, ctx.keyring)),
    // The cursor's time is the start time: meetings are ordered by (starts_at, id).
    nextCursor:
      rows.length > query.limit && last ? encodeCursor({ created_at: last.starts_at, id: last.id }) : null,
  };
}
