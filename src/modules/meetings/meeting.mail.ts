/**
 * E-mails to the participants when a meeting is scheduled, rescheduled or cancelled. They say when
 * and how (in person or by video) and point to the portal (clients) or to Dossier (staff) for the
 * rest: no names, no place, no video link, no agenda, so a forwarded or misdelivered e-mail gives
 * nothing away. Sent after the change has committed; a failed delivery is counted, never retried
 * here and never undoes the change.
 */
import type { Mailer } from '../../platform/mail/gateway.ts';

export interface MeetingMailDeps {
  mailer: Mailer;
  /** Base https URL of the portal (client participants). */
  portalUrl: string;
  /** Base https URL of the internal server as staff reach it (staff participants). */
  staffUrl: string;
  firmName: string;
}

export type MeetingNotice = 'scheduled' | 'rescheduled' | 'cancelled';

export interface MeetingRecipient {
  email: string;
  realm: 'staff' | 'client';
  /** Users who are disabled get nothing. */
  user_status: string;
}

const when = (d: Date) => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

export function meetingMail(
  deps: Pick<MeetingMailDeps, 'portalUrl' | 'staffUrl' | 'firmName'>,
  notice: MeetingNotice,
  meeting: { starts_at: Date; duration_minutes: number; mode: 'in_person' | 'video' },
  realm: 'staff' | 'client',
): { subject: string; text: string } {
  const product = deps.firmName || 'Dossier';
  const how = meeting.mode === 'video' ? 'by video' : 'in person';
  const at = `${when(meeting.starts_at)} (${meeting.duration_minutes} minutes, ${how})`;
  const what =
    notice === 'scheduled'
      ? `A meeting has been scheduled for ${at}.`
      : notice === 'rescheduled'
        ? `A meeting has been changed. It is now on ${at}.`
        : `The meeting of ${at} has been cancelled.`;
  const base = (realm === 'client' ? deps.portalUrl : deps.staffUrl).replace(/\/+$/, '');
  const next =
    realm === 'client'
      ? notice === 'cancelled'
        ? `See the client portal for details: ${base}/`
        : `Open the client portal to see the details and to confirm or decline: ${base}/`
      : `See the meeting in ${product}: ${base}/`;
  return {
    subject: `${product}: meeting ${notice}`,
    text: `Hello,\n\n${what}\n\n${next}\n\n-- ${product}`,
  };
}

/** Sends the notice to every participant who is not disabled; returns how many went and failed. */
export async function notifyParticipants(
  deps: MeetingMailDeps,
  notice: MeetingNotice,
  meeting: { starts_at: Date; duration_minutes: number; mode: 'in_person' | 'video' },
  recipients: readonly MeetingRecipient[],
): Promise<{ sent: number; failed: number }> {
  let sent = 0;
  let failed = 0;
  for (const r of recipients) {
    if (r.user_status === 'disabled') continue;
    const mail = meetingMail(deps, notice, meeting, r.realm);
    try {
      await deps.mailer.send({ to: r.email, ...mail });
      sent++;
    } catch {
      failed++;
    }
  }
  return { sent, failed };
}
