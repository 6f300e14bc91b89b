import { inTransaction } from '../../db/transaction.ts';
import type { Ctx } from '../../platform/context.ts';
import { AppError, notFound, validationError } from '../../platform/errors.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { assertParticipants, findVisibleMeeting, futureStart, loadMeetingView } from './meeting.checks.ts';
import { notifyParticipants, type MeetingMailDeps } from './meeting.mail.ts';
import { assertPlace, isUpcoming, normaliseVideoUrl } from './meeting.policy.ts';
import {
  deleteParticipants,
  findMeeting,
  insertParticipants,
  listParticipants,
  resetResponses,
  updateMeetingRow,
  type ParticipantRow,
} from './meeting.repository.ts';
import type { MeetingView, UpdateMeetingBody } from './meeting.schema.ts';

export type RescheduleMeetingInput = UpdateMeetingBody & { id: string };

/** The fields whose change makes earlier answers meaningless: the client confirmed another meeting. */
const TIME_AND_PLACE = new Set(['startsAt', 'durationMinutes', 'mode', 'location', 'videoUrl']);

/**
 * Changes an upcoming meeting (409 `meeting_closed` once it started or was cancelled) under
 * optimistic locking: time, duration, place, agenda, participants. A change of time or place sets
 * every client's answer back to pending. Audited with the changed field names and the participant
 * ids added and removed; then the participants are told: the ones kept of a new time or place, the
 * ones added that they are invited, the ones removed that it is cancelled for them. A change that
 * changes nothing returns the meeting as it is, without a new version or event.
 */
export async function rescheduleMeeting(
  ctx: Ctx,
  mail: MeetingMailDeps,
  input: RescheduleMeetingInput,
): Promise<MeetingView> {
  const now = ctx.now();
  const outcome = await inTransaction(ctx.db, async (tx) => {
    const row = await findVisibleMeeting(tx, ctx.actor, input.id, 'update');
    if (!row) throw notFound('meeting');
    if (row.version !== input.version)
      throw new AppError('version_conflict', 'the meeting was changed by someone else; reload and retry', {
        currentVersion: row.version,
      });
    if (!isUpcoming(row, now))
      throw new AppError('conflict', 'the meeting has started, is over or was cancelled', {
        reason: 'meeting_closed',
      });

    const mode = input.mode ?? row.mode;
    const location =
      mode === 'in_person'
        ? (input.location?.trim() ?? (row.mode === 'in_person' ? row.location : null))
        : null;
    if (mode === 'video' && input.location !== undefined)
      throw validationError('the place does not match the mode', [
        { path: '/location', message: 'is only for a meeting in person' },
      ]);
    if (mode === 'in_person' && input.videoUrl !== undefined)
      throw validationError('the place does not match the mode', [
        { path: '/videoUrl', message: 'is only for a meeting by video' },
      ]);
    const videoUrl =
      mode === 'video'
        ? input.videoUrl !== undefined
          ? normaliseVideoUrl(input.videoUrl)
          : row.mode === 'video'
            ? row.video_url
            : null
        : null;
    assertPlace(mode, location, videoUrl);
    const startsAt = input.startsAt === undefined ? row.starts_at : futureStart(input.startsAt, now);
    const durationMinutes = input.durationMinutes ?? row.duration_minutes;
    const agenda = input.agenda ?? row.agenda;

    const before = await listParticipants(tx, [row.id]);
    let added: { userId: string; realm: 'staff' | 'client' }[] = [];
    let removed: ParticipantRow[] = [];
    if (input.participants) {
      if (!row.client_organisation_id)
        throw new AppError('conflict', 'the application is not for a client organisation', {
          reason: 'no_client_organisation',
        });
      await assertParticipants(
        tx,
        { programme_id: row.programme_id, client_organisation_id: row.client_organisation_id },
        input.participants,
      );
      const wanted = [
        ...input.participants.staffUserIds.map((userId) => ({ userId, realm: 'staff' as const })),
        ...input.participants.clientUserIds.map((userId) => ({ userId, realm: 'client' as const })),
      ];
      const had = new Set(before.map((p) => p.user_id));
      const keep = new Set(wanted.map((p) => p.userId));
      added = wanted.filter((p) => !had.has(p.userId));
      removed = before.filter((p) => !keep.has(p.user_id));
    }

    const changed = [
      ...(startsAt.getTime() !== row.starts_at.getTime() ? ['startsAt'] : []),
      ...(durationMinutes !== row.duration_minutes ? ['durationMinutes'] : []),
      ...(mode !== row.mode ? ['mode'] : []),
      ...(location !== row.location ? ['location'] : []),
      ...(videoUrl !== row.video_url ? ['videoUrl'] : []),
      ...(agenda !== row.agenda ? ['agenda'] : []),
      ...(added.length || removed.length ? ['participants'] : []),
    ];
    if (changed.length === 0) return null;
    const timeOrPlace = changed.some((f) => TIME_AND_PLACE.has(f));

    await deleteParticipants(
      tx,
      row.id,
      removed.map((p) => p.user_id),
    );
    await insertParticipants(tx, row.id, added);
    if (timeOrPlace) await resetResponses(tx, row.id);
    await updateMeetingRow(tx, row.id, {
      mode,
      location,
      video_url: videoUrl,
      starts_at: startsAt,
      duration_minutes: durationMinutes,
      agenda,
      updated_at: now,
      version: row.version + 1,
    });
    await appendAudit(tx, ctx, {
      type: 'meeting.rescheduled',
      target: { type: 'meeting', id: row.id },
      payload: {
        applicationId: row.application_id,
        fields: changed,
        version: row.version + 1,
        responsesReset: timeOrPlace,
        added: added.map((p) => p.userId),
        removed: removed.map((p) => p.user_id),
      },
    });
    return { timeOrPlace, added: new Set(added.map((p) => p.userId)), removed, before: row };
  });

  const row = (await findMeeting(ctx.db, input.id))!;
  if (!outcome) return loadMeetingView(ctx.db, ctx.keyring, row);
  const current = await listParticipants(ctx.db, [row.id]);
  const invited = await notifyParticipants(
    mail,
    'scheduled',
    row,
    current.filter((p) => outcome.added.has(p.user_id)),
  );
  const moved = outcome.timeOrPlace
    ? await notifyParticipants(
        mail,
        'rescheduled',
        row,
        current.filter((p) => !outcome.added.has(p.user_id)),
      )
    : { sent: 0, failed: 0 };
  // Those removed are told that the meeting (as they knew it) is off.
  const dropped = await notifyParticipants(mail, 'cancelled', outcome.before, outcome.removed);
  return {
    ...(await loadMeetingView(ctx.db, ctx.keyring, row)),
    notifications: {
      sent: invited.sent + moved.sent + dropped.sent,
      failed: invited.failed + moved.failed + dropped.failed,
    },
  };
}
