/**
 * The development e-mail transport (`mail.transport = outbox`): messages stay in memory, newest N,
 * for tests and the development UI, and each one is announced by a one-line log notice (recipient
 * masked, subject). The text, which holds single-use links, is logged only when `logText` is set,
 * for a developer who wants to follow an activation link from the console. The production profile
 * refuses this transport (platform/config.ts).
 */
import { randomUUID } from 'node:crypto';
import {
  assertValidMailMessage,
  maskEmail,
  type Mailer,
  type MailLogger,
  type MailMessage,
} from './gateway.ts';

/** A message kept by the outbox. */
export interface OutboxMail extends MailMessage {
  id: string;
  sentAt: Date;
}

export interface DevOutboxMailerOptions {
  /** How many messages to keep (the oldest go first); default 100. */
  capacity?: number;
  logger?: MailLogger;
  /** Also put the text (with its links) in the log line; default false. Development only. */
  logText?: boolean;
  /** Clock (tests); default the system clock. */
  now?: () => Date;
}

/** The outbox transport: a {@link Mailer} whose messages can be read back. */
export interface DevOutboxMailer extends Mailer {
  /** Kept messages, oldest first; copies, so callers cannot alter the outbox. */
  messages(): OutboxMail[];
  /** Forgets every kept message. */
  clear(): void;
}

export const DEFAULT_MAIL_OUTBOX_CAPACITY = 100;

const outboxes = new WeakSet<Mailer>();

/**
 * Creates the development outbox; `createMailer` maps `transport: 'outbox'` to it. It applies the
 * same message checks as the SMTP adapter, so development refuses what production would.
 */
export function createDevOutboxMailer(opts: DevOutboxMailerOptions = {}): DevOutboxMailer {
  const capacity = opts.capacity ?? DEFAULT_MAIL_OUTBOX_CAPACITY;
  if (!Number.isInteger(capacity) || capacity < 1)
    throw new Error('outbox capacity must be a positive integer');
  const now = opts.now ?? (() => new Date());
  const kept: OutboxMail[] = [];
  const copy = (m: OutboxMail): OutboxMail => ({ ...m, sentAt: new Date(m.sentAt) });

  const mailer: DevOutboxMailer = {
    async send(message) {
      assertValidMailMessage(message);
      const entry: OutboxMail = {
        to: message.to,
        subject: message.subject,
        text: message.text,
        id: `outbox-${randomUUID()}`,
        sentAt: now(),
      };
      kept.push(entry);
      if (kept.length > capacity) kept.splice(0, kept.length - capacity);
      opts.logger?.info(
        {
          transport: 'outbox',
          id: entry.id,
          to: maskEmail(entry.to),
          subject: entry.subject,
          ...(opts.logText ? { text: entry.text } : {}),
        },
        opts.logText
          ? 'E-mail kept in the development outbox'
          : 'E-mail kept in the development outbox (text not logged)',
      );
    },
    messages: () => kept.map(copy),
    clear: () => {
      kept.length = 0;
    },
  };
  outboxes.add(mailer);
  return mailer;
}

/** True for a mailer made by {@link createDevOutboxMailer} (e.g. to mount the development UI). */
export function isDevOutboxMailer(mailer: Mailer): mailer is DevOutboxMailer {
  return outboxes.has(mailer);
}
