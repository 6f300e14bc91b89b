import { randomUUID } from 'node:crypto';
import { inTransaction } from '../../db/transaction.ts';
import type { Ctx } from '../../platform/context.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { actorRef } from '../access/actor.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { findVisibleApplication } from '../applications/find-visible-application.ts';
import { assertParticipants, futureStart, loadMeetingView } from './meeting.checks.ts';
import { notifyParticipants, type MeetingMailDeps } from './meeting.mail.ts';
import { assertPlace, normaliseVideoUrl } from './meeting.policy.ts';
import { findMeeting, insertMeeting, insertParticipants, listParticipants } from './meeting.repository.ts';
import type { MeetingView, ScheduleMeetingBody } from './meeting.schema.ts';

export type ScheduleMeetingInput = ScheduleMeetingBody & { applicationId: string };

/**
 * Schedules a meeting with the client organisation of an application the actor may see (404
 * otherwise; 409 `no_client_organisation` when the application is for none): in person with a
 * location, or by video with an https link; in the future; with staff members of the programme and
 * client users of that organisation (400 otherwise). Audited with ids only; then every participant
 * is told by e-mail (no details in the e-mail: they are on the portal).
 */
export async function scheduleMeeting(
  ctx: Ctx,
  mail: MeetingMailDeps,
  input: ScheduleMeetingInput,
): Promise<MeetingView> {
  const now = ctx.now();
  const id = randomUUID();
  await inTransaction(ctx.db, async (tx) => {
    const app = await findVisibleApplication(tx, ctx.actor, input.applicationId, 'update');
    if (!app) throw notFound('application');
    const organisationId = app.client_organisation_id;
    if (!organisationId)
      throw new AppError('conflict', 'the application is not for a client organisation', {
        reason: 'no_client_organisation',
      });
    assertPlace(input.mode, input.location, input.videoUrl);
    const videoUrl = input.videoUrl === undefined ? null : normaliseVideoUrl(input.videoUrl);
    const startsAt = futureStart(input.startsAt, now);
    await assertParticipants(tx, { ...app, client_organisation_id: organisationId }, input.participants);
    await insertMeeting(tx, {
      id,
      application_id: app.id,
      mode: input.mode,
      location: input.mode === 'in_person' ? input.location!.trim() : null,
      video_url: videoUrl,
      starts_at: startsAt,
      duration_minutes: input.durationMinutes,
      agenda: input.agenda ?? '',
      status: 'scheduled',
      created_by: actorRef(ctx.actor),
      created_at: now,
      updated_at: now,
    });
    await insertParticipants(tx, id, [
      ...input.participants.staffUserIds.map((userId) => ({ userId, realm: 'staff' as const })),
      ...input.participants.clientUserIds.map((userId) => ({ userId, realm: 'client' as const })),
    ]);
    await appendAudit(tx, ctx, {
      type: 'meeting.scheduled',
      target: { type: 'meeting', id },
      payload: {
        applicationId: app.id,
        mode: input.mode,
        startsAt: startsAt.toISOString(),
        staffUserIds: input.participants.staffUserIds,
        clientUserIds: input.participants.clientUserIds,
      },
    });
  });
  const row = (await findMeeting(ctx.db, id))!;
  const notifications = await notifyParticipants(
    mail,
    'scheduled',
    row,
    await listParticipants(ctx.db, [id]),
  );
  return { ...(await loadMeetingView(ctx.db, ctx.keyring, row)), notifications };
}
