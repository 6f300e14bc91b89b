import { inTransaction } from '../../db/transaction.ts';
import type { Ctx } from '../../platform/context.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { findClientApplication } from '../clients/client-access.ts';
import type { ClientActor } from '../clients/client-session.ts';
import { isUpcoming } from './meeting.policy.ts';
import { commentContext, presentClientMeeting } from './meeting.presenter.ts';
import { findMeeting, listParticipants, setResponse } from './meeting.repository.ts';
import type { ClientMeetingView, MeetingResponseBody } from './meeting.schema.ts';

export type RespondToMeetingInput = MeetingResponseBody & { applicationId: string; meetingId: string };

/**
 * A client participant confirms or declines (and may change their mind until the start). The
 * application must be the organisation's and the meeting the application's (404 otherwise, so ids
 * of other organisations tell nothing). Only an invited client participant answers, for themselves
 * (403 `not_participant` for the organisation's other users); read-only users may answer too: it
 * is their attendance, not a change to the organisation's data. 409 `meeting_closed` once the
 * meeting started or was cancelled. The comment is encrypted at rest; the audit says only whether
 * there was one.
 */
export async function respondToMeeting(
  ctx: Ctx,
  actor: ClientActor,
  input: RespondToMeetingInput,
): Promise<ClientMeetingView> {
  const now = ctx.now();
  const app = await findClientApplication(ctx, actor, input.applicationId, 'read');
  await inTransaction(ctx.db, async (tx) => {
    const row = await findMeeting(tx, input.meetingId, 'update');
    if (!row || row.application_id !== app.id) throw notFound('meeting');
    const me = (await listParticipants(tx, [row.id])).find(
      (p) => p.user_id === actor.id && p.realm === 'client',
    );
    if (!me)
      throw new AppError('forbidden', 'only the invited participants answer', { reason: 'not_participant' });
    if (!isUpcoming(row, now))
      throw new AppError('conflict', 'the meeting has started, is over or was cancelled', {
        reason: 'meeting_closed',
      });
    const comment = input.comment?.trim();
    await setResponse(tx, {
      meetingId: row.id,
      userId: actor.id,
      response: input.response,
      commentEnc: comment ? ctx.keyring.encryptField(comment, commentContext(row.id, actor.id)) : null,
      at: now,
    });
    await appendAudit(
      tx,
      { ...ctx, actor },
      {
        type: input.response === 'confirmed' ? 'meeting.confirmed' : 'meeting.declined',
        target: { type: 'meeting', id: row.id },
        payload: { applicationId: app.id, comment: Boolean(comment) },
      },
    );
  });
  const row = (await findMeeting(ctx.db, input.meetingId))!;
  return presentClientMeeting(row, await listParticipants(ctx.db, [row.id]), actor.id, now, ctx.keyring);
}
