/**
 * The periodic task of requests (the internal server runs it with its housekeeping): settle open
 * requests (so completed ones get nothing), flag those that became overdue (recorded and audited
 * once, `client_request.overdue`), and e-mail reminders to the active users of the application's
 * organisation: before the due date (by default 7 days and 1 day before) and one overdue notice.
 *
 * Each stage of each request is sent at most once: the stage is claimed (a row keyed on request and
 * stage, audited `client_request.reminder_sent`) before any e-mail goes out, so two servers running
 * the task at once cannot both send it; a crash after the claim loses that reminder rather than
 * repeating it. Only the latest due stage is sent (see `reminderStage`).
 *
 * The e-mails carry the request's title and due date and a link to the portal, nothing else: no
 * names, no application reference, no subject, no message text.
 */
import type { Kysely } from 'kysely';
import { inTransaction } from '../../db/transaction.ts';
import type { DB } from '../../db/types.ts';
import type { Mailer } from '../../platform/mail/gateway.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { DEFAULT_REMINDER_DAYS, reminderStage } from './request.policy.ts';
import {
  activeOrganisationEmails,
  claimReminder,
  flagOverdue,
  listOpenForReminders,
  setReminderDelivered,
} from './request.repository.ts';
import { SETTLE_ACTOR, settleRequests } from './settle-requests.ts';

export interface RequestReminderDeps {
  db: Kysely<DB>;
  mailer: Mailer;
  /** Base https URL of the portal (config `auth.portalUrl`). */
  portalUrl: string;
  firmName: string;
  /** Days before the due date at which reminders go out; default {@link DEFAULT_REMINDER_DAYS}. */
  reminderDays?: readonly number[];
}

export interface RequestReminderResult {
  /** Requests found complete and closed. */
  completed: number;
  /** Requests flagged overdue by this run. */
  flaggedOverdue: number;
  /** Reminder stages claimed by this run. */
  reminders: number;
  /** E-mails accepted by the mail server, and refused or failed. */
  sent: number;
  failed: number;
}

const DAY_MS = 86_400_000;
const when = (d: Date) => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** The reminder e-mail: the title, the due date and the portal link only. */
export function reminderMail(
  deps: Pick<RequestReminderDeps, 'portalUrl' | 'firmName'>,
  stage: string,
  request: { title: string; due_at: Date },
): { subject: string; text: string } {
  const product = deps.firmName || 'Dossier';
  const base = deps.portalUrl.replace(/\/+$/, '');
  const overdue = stage === 'overdue';
  return {
    subject: overdue ? `${product}: a request is overdue` : `${product}: reminder of a request due soon`,
    text:
      `Hello,\n\n` +
      (overdue
        ? `The request "${request.title}" was due on ${when(request.due_at)} and is not complete yet.`
        : `The request "${request.title}" is due on ${when(request.due_at)}.`) +
      `\n\nOpen the client portal to see what is still needed: ${base}/\n\n-- ${product}`,
  };
}

/** Runs the task once, as of `now` (tests pass a controlled clock). */
export async function sendRequestReminders(
  deps: RequestReminderDeps,
  opts: { now: Date },
): Promise<RequestReminderResult> {
  const now = opts.now;
  const days = deps.reminderDays ?? DEFAULT_REMINDER_DAYS;
  const ctx = { db: deps.db, actor: SETTLE_ACTOR, requestId: null, now: () => now };
  const completed = (await settleRequests(ctx, {})).length;

  const flagged = await inTransaction(deps.db, async (tx) => {
    const rows = await flagOverdue(tx, now);
    for (const r of rows)
      await appendAudit(tx, ctx, {
        type: 'client_request.overdue',
        target: { type: 'client_request', id: r.id },
        payload: { applicationId: r.application_id, dueAt: r.due_at.toISOString() },
      });
    return rows.length;
  });

  const horizon = new Date(now.getTime() + Math.max(0, ...days) * DAY_MS);
  let reminders = 0;
  let sent = 0;
  let failed = 0;
  const due: Awaited<ReturnType<typeof listOpenForReminders>> = [];
  for (let after: string | null = null; ;) {
    const page = await listOpenForReminders(deps.db, horizon, { after, limit: 500 });
    due.push(...page);
    if (page.length < 500) break;
    after = page.at(-1)!.id;
  }
  for (const r of due) {
    const stage = reminderStage(r.due_at, now, days);
    if (!stage) continue;
    const emails = r.client_organisation_id
      ? await activeOrganisationEmails(deps.db, r.client_organisation_id)
      : [];
    const claimed = await inTransaction(deps.db, async (tx) => {
      if (!(await claimReminder(tx, { requestId: r.id, stage, at: now, recipients: emails.length })))
        return false;
      await appendAudit(tx, ctx, {
        type: 'client_request.reminder_sent',
        target: { type: 'client_request', id: r.id },
        payload: { stage, recipients: emails.length },
      });
      return true;
    });
    if (!claimed) continue;
    reminders++;
    const mail = reminderMail(deps, stage, r);
    let delivered = 0;
    for (const to of emails) {
      try {
        await deps.mailer.send({ to, ...mail });
        delivered++;
      } catch {
        failed++;
      }
    }
    sent += delivered;
    await setReminderDelivered(deps.db, { requestId: r.id, stage, delivered });
  }
  return { completed, flaggedOverdue: flagged, reminders, sent, failed };
}
