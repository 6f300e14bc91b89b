/** Meeting rows → views: explicit allow-lists; the outcome and comments are decrypted here only. */
import type { Row } from '../../db/types.ts';
import type { Keyring } from '../../platform/crypto/keyring.ts';
import { mayRespond } from './meeting.policy.ts';
import type { MeetingRow, ParticipantRow } from './meeting.repository.ts';
import type { ClientMeetingView, MeetingView } from './meeting.schema.ts';

/** Encryption contexts: a ciphertext only opens for the meeting (and participant) it was made for. */
export const outcomeContext = (meetingId: string) => `meetings.outcome:${meetingId}`;
export const commentContext = (meetingId: string, userId: string) =>
  `meeting_participants.comment:${meetingId}:${userId}`;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** What staff and clients both see of a meeting (each view adds its own allow-listed fields). */
function sharedFields(row: MeetingRow) {
  return {
    id: row.id,
    applicationId: row.application_id,
    mode: row.mode,
    location: row.location,
    videoUrl: row.video_url,
    startsAt: row.starts_at.toISOString(),
    durationMinutes: row.duration_minutes,
    agenda: row.agenda,
    status: row.status,
  };
}

export function presentMeeting(
  row: MeetingRow,
  participants: readonly ParticipantRow[],
  evidence: readonly Row<'meeting_evidence'>[],
  keyring: Keyring,
): MeetingView {
  return {
    ...sharedFields(row),
    participants: participants
      .filter((p) => p.meeting_id === row.id)
      .map((p) => ({
        userId: p.user_id,
        kind: p.realm,
        displayName: p.display_name,
        response: p.response,
        respondedAt: iso(p.responded_at),
        comment: p.comment_enc
          ? keyring.decryptField(p.comment_enc, commentContext(row.id, p.user_id))
          : null,
      })),
    outcome:
      row.outcome_enc && (row.status === 'held' || row.status === 'no_show')
        ? {
            status: row.status,
            text: keyring.decryptField(row.outcome_enc, outcomeContext(row.id)),
            recordedAt: row.outcome_recorded_at!.toISOString(),
            recordedBy: row.outcome_recorded_by!,
          }
        : null,
    evidence: evidence
      .filter((e) => e.meeting_id === row.id)
      .map((e) => ({ documentId: e.document_id, addedAt: e.added_at.toISOString(), addedBy: e.added_by })),
    cancelledAt: iso(row.cancelled_at),
    cancelReason: row.cancel_reason,
    createdAt: row.created_at.toISOString(),
    createdBy: row.created_by,
    updatedAt: row.updated_at.toISOString(),
    version: row.version,
  };
}

/**
 * What a client user of the organisation sees: the meeting, who takes part and their answers, and
 * their own comment; never the outcome, the evidence or another participant's comment.
 */
export function presentClientMeeting(
  row: MeetingRow,
  participants: readonly ParticipantRow[],
  userId: string,
  now: Date,
  keyring: Keyring,
): ClientMeetingView {
  const mine = participants.filter((p) => p.meeting_id === row.id);
  const me = mine.find((p) => p.user_id === userId && p.realm === 'client');
  return {
    ...sharedFields(row),
    participants: mine.map((p) => ({
      kind: p.realm,
      displayName: p.display_name,
      response: p.response,
      me: p === me,
    })),
    myResponse: me
      ? {
          response: me.response ?? 'pending',
          comment: me.comment_enc
            ? keyring.decryptField(me.comment_enc, commentContext(row.id, userId))
            : null,
          respondedAt: iso(me.responded_at),
        }
      : null,
    abilities: { respond: mayRespond(row, me, now) },
  };
}
