import { inTransaction } from '../../db/transaction.ts';
import type { Ctx } from '../../platform/context.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { actorRef } from '../access/actor.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { findVisibleMeeting, loadMeetingView } from './meeting.checks.ts';
import { notifyParticipants, type MeetingMailDeps } from './meeting.mail.ts';
import { findMeeting, listParticipants, updateMeetingRow } from './meeting.repository.ts';
import type { CancelMeetingBody, MeetingView } from './meeting.schema.ts';

export type CancelMeetingInput = CancelMeetingBody & { id: string };

/**
 * Cancels a scheduled meeting (409 `meeting_closed` when it was cancelled already or its outcome
 * is recorded). A meeting that has started but has no outcome yet can still be cancelled (it did not
 * take place). The reason stays with the meeting, not in the audit trail; the participants are told.
 */
export async function cancelMeeting(
  ctx: Ctx,
  mail: MeetingMailDeps,
  input: CancelMeetingInput,
): Promise<MeetingView> {
  const now = ctx.now();
  await inTransaction(ctx.db, async (tx) => {
    const row = await findVisibleMeeting(tx, ctx.actor, input.id, 'update');
    if (!row) throw notFound('meeting');
    if (row.status !== 'scheduled')
      throw new AppError('conflict', 'the meeting was cancelled already or has its outcome recorded', {
        reason: 'meeting_closed',
      });
    await updateMeetingRow(tx, row.id, {
      status: 'cancelled',
      cancelled_at: now,
      cancelled_by: actorRef(ctx.actor),
      cancel_reason: input.reason?.trim() ?? null,
      updated_at: now,
      version: row.version + 1,
    });
    await appendAudit(tx, ctx, {
      type: 'meeting.cancelled',
      target: { type: 'meeting', id: row.id },
      payload: { applicationId: row.application_id, version: row.version + 1 },
    });
  });
  const row = (await findMeeting(ctx.db, input.id))!;
  const notifications = await notifyParticipants(
    mail,
    'cancelled',
    row,
    await listParticipants(ctx.db, [row.id]),
  );
  return { ...(await loadMeetingView(ctx.db, ctx.keyring, row)), notifications };
}
