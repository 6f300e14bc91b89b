/**
 * The e-mails staff users receive: activation and reset links (the only way a token reaches the
 * user: administrators never see them) and security notifications after a password, phone number or
 * factor change (ASVS 6.3.7). Plain text, no personal data beyond the display name, and never a
 * password or code. Links carry the token in the URL fragment, which browsers do not send to the
 * server, so it does not end up in access logs.
 *
 * Sending happens after the change has committed. A failure does not undo the change; it is
 * audited (`staff_user.mail_failed`) and reported to the caller, who may retry (a new link).
 */
import type { Kysely } from 'kysely';
import type { DB } from '../../../db/types.ts';
import type { Ctx } from '../../../platform/context.ts';
import type { Mailer } from '../../../platform/mail/gateway.ts';
import { MailDeliveryError } from '../../../platform/mail/gateway.ts';
import type { StaffMailKind } from '../../audit/audit.events.ts';
import { recordAudit } from '../../audit/audit.repository.ts';
import type { StaffUserNotification, StaffUserNotifier } from '../users/index.ts';

export interface StaffMailDeps {
  db: Kysely<DB>;
  mailer: Mailer;
  /** Base URL of the internal server as staff reach it (https in production). */
  publicUrl: string;
  firmName: string;
}

export interface StaffMail {
  /** E-mails an activation link; returns whether the mail server accepted it. */
  sendActivation(ctx: AuditCtx, userId: string, token: string, expiresAt: string): Promise<boolean>;
  /** E-mails a password-reset link. */
  sendReset(ctx: AuditCtx, userId: string, token: string, expiresAt: string): Promise<boolean>;
  /** A notifier for the user use cases (after a change has committed). */
  notifier(ctx: AuditCtx): StaffUserNotifier;
}

type AuditCtx = Pick<Ctx, 'actor' | 'requestId' | 'now'>;

function when(iso: string): string {
  return `${iso.slice(0, 16).replace('T', ' ')} UTC`;
}

export function createStaffMail(deps: StaffMailDeps): StaffMail {
  const base = deps.publicUrl.replace(/\/+$/, '');
  const product = deps.firmName ? `Dossier (${deps.firmName})` : 'Dossier';
  const footer = `\n\nIf this was not you, tell your administrator at once.\n\n-- ${product}`;

  async function send(
    ctx: AuditCtx,
    userId: string,
    kind: StaffMailKind,
    compose: (name: string) => { subject: string; text: string },
  ): Promise<boolean> {
    const user = await deps.db
      .selectFrom('staff_users')
      .select(['email', 'display_name'])
      .where('id', '=', userId)
      .executeTakeFirst();
    if (!user) return false;
    const target = { type: 'staff_user' as const, id: userId };
    try {
      await deps.mailer.send({ to: user.email, ...compose(user.display_name) });
    } catch (err) {
      const reason = err instanceof MailDeliveryError ? err.reason : 'error';
      await recordAudit(deps.db, ctx, { type: 'staff_user.mail_failed', target, payload: { kind, reason } });
      return false;
    }
    await recordAudit(deps.db, ctx, { type: 'staff_user.mail_sent', target, payload: { kind } });
    return true;
  }

  return {
    sendActivation: (ctx, userId, token, expiresAt) =>
      send(ctx, userId, 'activation', (name) => ({
        subject: `${product}: activate your account`,
        text:
          `Hello ${name},\n\nAn administrator created a ${product} account for you. Choose your password here:\n\n` +
          `${base}/activate#token=${token}\n\nThe link works once and expires at ${when(expiresAt)}.` +
          footer,
      })),
    sendReset: (ctx, userId, token, expiresAt) =>
      send(ctx, userId, 'password_reset', (name) => ({
        subject: `${product}: reset your password`,
        text:
          `Hello ${name},\n\nAn administrator started a password reset for your ${product} account. Choose a new password here:\n\n` +
          `${base}/reset-password#token=${token}\n\nThe link works once and expires at ${when(expiresAt)}. ` +
          `Your current password keeps working until then.` +
          footer,
      })),
    notifier: (ctx) => async (event: StaffUserNotification) => {
      const at = when(ctx.now().toISOString());
      const line = notificationLine(event);
      await send(ctx, event.userId, event.type, (name) => ({
        subject: `${product}: ${line.subject}`,
        text: `Hello ${name},\n\n${line.text} (${at}).` + footer,
      }));
    },
  };
}

function notificationLine(event: StaffUserNotification): { subject: string; text: string } {
  switch (event.type) {
    case 'password_changed':
      return {
        subject: 'your password was changed',
        text:
          event.via === 'reset'
            ? 'Your password was set through a reset link; your other sessions were ended'
            : 'Your password was changed; your other sessions were ended',
      };
    case 'mobile_changed':
      return {
        subject: 'your mobile number was changed',
        text: 'The mobile number of your account was changed',
      };
    case 'factor_enrolled':
      return {
        subject: 'a new authenticator app was set up',
        text: 'An authenticator app was set up as the second factor of your account',
      };
    case 'factor_removed':
      return {
        subject: 'your authenticator app was removed',
        text:
          event.by === 'administrator'
            ? 'An administrator removed the authenticator app of your account'
            : 'The authenticator app of your account was removed',
      };
    case 'passkey_added':
      return { subject: 'a passkey was added', text: 'A passkey was added to your account' };
    case 'passkey_removed':
      return {
        subject: 'a passkey was removed',
        text:
          event.by === 'administrator'
            ? 'An administrator removed a passkey from your account'
            : 'A passkey was removed from your account',
      };
    case 'recovery_codes_regenerated':
      return {
        subject: 'new recovery codes',
        text: 'A new set of recovery codes was made for your account; the old codes no longer work',
      };
  }
}
