/**
 * The checks scheduling and rescheduling share, and the staff-side lookup of a meeting: visible
 * only through its application's programme (another programme's meeting is "not found").
 */
import type { Executor } from '../../db/transaction.ts';
import { validationError } from '../../platform/errors.ts';
import { canSeeProgramme, type Actor } from '../access/actor.ts';
import type { Keyring } from '../../platform/crypto/keyring.ts';
import { presentMeeting } from './meeting.presenter.ts';
import {
  activeProgrammeStaff,
  findMeeting,
  listEvidence,
  listParticipants,
  organisationClientUsers,
  type MeetingRow,
} from './meeting.repository.ts';
import type { MeetingView, Participants } from './meeting.schema.ts';

/** The meeting if the actor may see its application's programme; undefined otherwise (404). */
export async function findVisibleMeeting(
  db: Executor,
  actor: Actor,
  id: string,
  lock?: 'update',
): Promise<MeetingRow | undefined> {
  const row = await findMeeting(db, id, lock);
  return row && canSeeProgramme(actor, row.programme_id) ? row : undefined;
}

/** A start time in the future; 400 otherwise. */
export function futureStart(raw: string, now: Date, path = '/startsAt'): Date {
  const at = new Date(raw);
  if (Number.isNaN(at.getTime()) || at.getTime() <= now.getTime())
    throw validationError('the meeting must start in the future', [
      { path, message: 'is not in the future' },
    ]);
  return at;
}

/**
 * Staff participants must be active members of the application's programme (they could not see
 * the application otherwise); client participants must be users, not disabled, of the
 * application's organisation: a user of another organisation is refused (400) like an unknown id,
 * so the answer tells nothing about other organisations.
 */
export async function assertParticipants(
  db: Executor,
  app: { programme_id: string; client_organisation_id: string },
  participants: Participants,
): Promise<void> {
  const staff = await activeProgrammeStaff(db, app.programme_id, participants.staffUserIds);
  const clients = await organisationClientUsers(db, app.client_organisation_id, participants.clientUserIds);
  const errors = [
    ...participants.staffUserIds
      .map((id, i) => ({ id, path: `/participants/staffUserIds/${i}` }))
      .filter((p) => !staff.has(p.id))
      .map((p) => ({ path: p.path, message: 'is not an active member of the programme' })),
    ...participants.clientUserIds
      .map((id, i) => ({ id, path: `/participants/clientUserIds/${i}` }))
      .filter((p) => !clients.has(p.id))
      .map((p) => ({ path: p.path, message: "is not a user of the application's client organisation" })),
  ];
  if (errors.length) throw validationError('invalid participants', errors);
}

/** The staff view of one meeting, read through `db`. */
export async function loadMeetingView(db: Executor, keyring: Keyring, row: MeetingRow): Promise<MeetingView> {
  const participants = await listParticipants(db, [row.id]);
  const evidence = await listEvidence(db, [row.id]);
  return presentMeeting(row, participants, evidence, keyring);
}
