/**
 * Builds the configured SMS gateway from the `sms` settings. The production profile already
 * refuses `console` in platform/config.ts; this factory does not second-guess the profile.
 */
import { readFileSync } from 'node:fs';
import type { SmsGateway, SmsLogger } from './gateway.ts';
import { createDevOutboxGateway } from './outbox.ts';
import type { SmsSettings } from './sms.schema.ts';
import { createTwilioGateway } from './twilio.ts';
import { createWebhookGateway } from './webhook.ts';

export interface CreateSmsGatewayDeps {
  logger?: SmsLogger;
  /** Reads a CA file (tests); default readFileSync as UTF-8. */
  readFile?: (path: string) => string;
}

/**
 * Creates the gateway: `console` → the development outbox, `twilio` → the Twilio-style HTTPS
 * adapter, `webhook` → the signed webhook adapter. A `caFile` is read once, here. Throws on
 * unusable settings, naming the setting but never a secret.
 */
export function createSmsGateway(settings: SmsSettings, deps: CreateSmsGatewayDeps = {}): SmsGateway {
  const readFile = deps.readFile ?? ((path: string) => readFileSync(path, 'utf8'));
  const logger = deps.logger;
  switch (settings.transport) {
    case 'console':
      return createDevOutboxGateway({ capacity: settings.outboxCapacity, logger });
    case 'twilio':
      return createTwilioGateway({
        baseUrl: settings.baseUrl,
        accountSid: settings.accountSid,
        apiKeySid: settings.apiKeySid,
        authToken: settings.authToken,
        from: settings.from,
        messagingServiceSid: settings.messagingServiceSid,
        ca: settings.caFile ? readFile(settings.caFile) : undefined,
        timeoutMs: settings.timeoutMs,
        logger,
      });
    case 'webhook':
      return createWebhookGateway({
        url: settings.url,
        secret: settings.secret,
        ca: settings.caFile ? readFile(settings.caFile) : undefined,
        timeoutMs: settings.timeoutMs,
        logger,
      });
    default: {
      const unknown: never = settings;
      throw new Error(`unknown sms.transport: ${String((unknown as { transport?: unknown }).transport)}`);
    }
  }
}
