/**
 * Builds the configured mailer from the `mail` settings. The production profile refuses `outbox`
 * and `security: 'none'` in platform/config.ts; this factory does not second-guess the profile.
 */
import { readFileSync } from 'node:fs';
import type { Mailer, MailLogger } from './gateway.ts';
import type { MailSettings } from './mail.schema.ts';
import { createDevOutboxMailer } from './outbox.ts';
import { createSmtpMailer } from './smtp.ts';

export interface CreateMailerDeps {
  logger?: MailLogger;
  /** Reads a CA file (tests); default readFileSync as UTF-8. */
  readFile?: (path: string) => string;
}

/**
 * Creates the mailer: `outbox` → the development outbox, `smtp` → the SMTP adapter. A `caFile` is
 * read once, here. Throws on unusable settings, naming the setting but never a secret.
 */
export function createMailer(settings: MailSettings, deps: CreateMailerDeps = {}): Mailer {
  const readFile = deps.readFile ?? ((path: string) => readFileSync(path, 'utf8'));
  const logger = deps.logger;
  switch (settings.transport) {
    case 'outbox':
      return createDevOutboxMailer({ capacity: settings.outboxCapacity, logText: settings.logText, logger });
    case 'smtp':
      return createSmtpMailer({
        host: settings.host,
        port: settings.port,
        security: settings.security,
        username: settings.username,
        password: settings.password,
        from: settings.from,
        ca: settings.caFile ? readFile(settings.caFile) : undefined,
        timeoutMs: settings.timeoutMs,
        logger,
      });
    default: {
      const unknown: never = settings;
      throw new Error(`unknown mail.transport: ${String((unknown as { transport?: unknown }).transport)}`);
    }
  }
}
