import { inTransaction } from '../../db/transaction.ts';
import type { Ctx } from '../../platform/context.ts';
import { AppError, notFound, validationError } from '../../platform/errors.ts';
import { actorRef, programmeFilter } from '../access/actor.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { findVisibleMeeting, loadMeetingView } from './meeting.checks.ts';
import { applicationDocumentIds, findMeeting, insertEvidence } from './meeting.repository.ts';
import type { AttachEvidenceBody, MeetingView } from './meeting.schema.ts';

export type AttachMeetingEvidenceInput = AttachEvidenceBody & { id: string };

/**
 * Attaches documents as evidence of a meeting that has started (409 `meeting_not_started` before,
 * `meeting_closed` when cancelled). Each document must already be linked to the meeting's
 * application (uploaded through the documents API), not deleted, and visible to the actor; any other
 * id, another application's document included, is a 400 naming it, and nothing is attached.
 * Attaching one again changes nothing; the audit event lists the ids newly attached.
 */
export async function attachMeetingEvidence(
  ctx: Ctx,
  input: AttachMeetingEvidenceInput,
): Promise<MeetingView> {
  const now = ctx.now();
  await inTransaction(ctx.db, async (tx) => {
    const row = await findVisibleMeeting(tx, ctx.actor, input.id, 'update');
    if (!row) throw notFound('meeting');
    if (row.status === 'cancelled')
      throw new AppError('conflict', 'the meeting was cancelled', { reason: 'meeting_closed' });
    if (row.starts_at.getTime() > now.getTime())
      throw new AppError('conflict', 'the meeting has not started yet', { reason: 'meeting_not_started' });
    const linked = await applicationDocumentIds(
      tx,
      row.application_id,
      input.documentIds,
      programmeFilter(ctx.actor),
    );
    const errors = input.documentIds
      .map((id, i) => ({ id, path: `/documentIds/${i}` }))
      .filter((d) => !linked.has(d.id))
      .map((d) => ({ path: d.path, message: "is not a document of the meeting's application" }));
    if (errors.length) throw validationError('invalid evidence', errors);
    const added = await insertEvidence(tx, {
      meetingId: row.id,
      documentIds: input.documentIds,
      addedBy: actorRef(ctx.actor),
      at: now,
    });
    if (added.length)
      await appendAudit(tx, ctx, {
        type: 'meeting.evidence_attached',
        target: { type: 'meeting', id: row.id },
        payload: { applicationId: row.application_id, documentIds: added },
      });
  });
  return loadMeetingView(ctx.db, ctx.keyring, (await findMeeting(ctx.db, input.id))!);
}
