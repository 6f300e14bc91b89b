import { inTransaction } from '../../db/transaction.ts';
import type { Ctx } from '../../platform/context.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { actorRef } from '../access/actor.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { findVisibleMeeting, loadMeetingView } from './meeting.checks.ts';
import { mayRecordOutcome } from './meeting.policy.ts';
import { outcomeContext } from './meeting.presenter.ts';
import { findMeeting, updateMeetingRow } from './meeting.repository.ts';
import type { MeetingView, RecordOutcomeBody } from './meeting.schema.ts';

export type RecordMeetingOutcomeInput = RecordOutcomeBody & { id: string };

/**
 * Records what happened, once, after the start time: 'held' or 'no_show', and the outcome text,
 * encrypted at rest with the key ring's field key (it is free text about people: what they said,
 * what was seen), bound to the meeting. 409 `meeting_not_started` before the start,
 * `meeting_closed` for a cancelled meeting or one whose outcome is recorded already. The audit
 * event carries the status and the text's length, never the text.
 */
export async function recordMeetingOutcome(ctx: Ctx, input: RecordMeetingOutcomeInput): Promise<MeetingView> {
  const now = ctx.now();
  await inTransaction(ctx.db, async (tx) => {
    const row = await findVisibleMeeting(tx, ctx.actor, input.id, 'update');
    if (!row) throw notFound('meeting');
    if (row.status !== 'scheduled')
      throw new AppError('conflict', 'the meeting was cancelled or its outcome is recorded already', {
        reason: 'meeting_closed',
      });
    if (!mayRecordOutcome(row, now))
      throw new AppError('conflict', 'the meeting has not started yet', { reason: 'meeting_not_started' });
    const text = input.outcome.trim();
    await updateMeetingRow(tx, row.id, {
      status: input.status,
      outcome_enc: ctx.keyring.encryptField(text, outcomeContext(row.id)),
      outcome_recorded_at: now,
      outcome_recorded_by: actorRef(ctx.actor),
      updated_at: now,
      version: row.version + 1,
    });
    await appendAudit(tx, ctx, {
      type: 'meeting.outcome_recorded',
      target: { type: 'meeting', id: row.id },
      payload: { applicationId: row.application_id, status: input.status, length: text.length },
    });
  });
  return loadMeetingView(ctx.db, ctx.keyring, (await findMeeting(ctx.db, input.id))!);
}
