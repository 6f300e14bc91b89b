/**
 * Who may do what to a meeting: small pure predicates, used by the use cases and by the views'
 * abilities so the portal never re-implements a rule.
 *
 * Answering (confirm or decline) is about one's own attendance, not a change to the organisation's
 * data: every invited client participant may answer, read-only users included. Users of the
 * organisation who are not invited see the meeting but may not answer for anyone.
 */
import { validationError } from '../../platform/errors.ts';
import type { MeetingRow, ParticipantRow } from './meeting.repository.ts';

type MeetingState = Pick<MeetingRow, 'status' | 'starts_at'>;

/** Still ahead and not cancelled: time, place and participants may change, answers may be given. */
export function isUpcoming(meeting: MeetingState, now: Date): boolean {
  return meeting.status === 'scheduled' && meeting.starts_at.getTime() > now.getTime();
}

/** A client user may answer: invited as a client participant, and the meeting is upcoming. */
export function mayRespond(
  meeting: MeetingState,
  participant: Pick<ParticipantRow, 'realm'> | undefined,
  now: Date,
): boolean {
  return participant?.realm === 'client' && isUpcoming(meeting, now);
}

/** The outcome is recorded once, after the start time, for a meeting that was not cancelled. */
export function mayRecordOutcome(meeting: MeetingState, now: Date): boolean {
  return meeting.status === 'scheduled' && meeting.starts_at.getTime() <= now.getTime();
}

/**
 * The video link as stored: an absolute https URL with a host, without user name or password
 * (credentials in a link end up in mail archives and browser histories). 400 otherwise.
 */
export function normaliseVideoUrl(raw: string, path = '/videoUrl'): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw validationError('invalid video link', [{ path, message: 'is not a URL' }]);
  }
  if (url.protocol !== 'https:')
    throw validationError('invalid video link', [{ path, message: 'must be an https URL' }]);
  if (!url.hostname) throw validationError('invalid video link', [{ path, message: 'has no host' }]);
  if (url.username || url.password)
    throw validationError('invalid video link', [
      { path, message: 'must not carry a user name or password' },
    ]);
  const href = url.href;
  if (href.length > 500) throw validationError('invalid video link', [{ path, message: 'is too long' }]);
  return href;
}

/** In person needs a location and no link; by video needs a link and no location. */
export function assertPlace(mode: 'in_person' | 'video', location: unknown, videoUrl: unknown): void {
  const errors: { path: string; message: string }[] = [];
  if (mode === 'in_person') {
    if (location == null) errors.push({ path: '/location', message: 'is required for a meeting in person' });
    if (videoUrl != null) errors.push({ path: '/videoUrl', message: 'is only for a meeting by video' });
  } else {
    if (videoUrl == null) errors.push({ path: '/videoUrl', message: 'is required for a meeting by video' });
    if (location != null) errors.push({ path: '/location', message: 'is only for a meeting in person' });
  }
  if (errors.length) throw validationError('the place does not match the mode', errors);
}
