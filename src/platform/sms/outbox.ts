/**
 * The development SMS transport (`sms.transport = console`): messages stay in memory, newest N, for
 * tests and the development UI; the log line says a message was kept but never shows its body,
 * which holds a login code. The production profile refuses this transport (platform/config.ts).
 */
import { randomUUID } from 'node:crypto';
import {
  assertValidSmsMessage,
  maskPhoneNumber,
  type SmsGateway,
  type SmsLogger,
  type SmsMessage,
} from './gateway.ts';

/** A message kept by the outbox. */
export interface OutboxMessage extends SmsMessage {
  providerId: string;
  sentAt: Date;
}

export interface DevOutboxOptions {
  /** How many messages to keep (the oldest go first); default 100. */
  capacity?: number;
  logger?: SmsLogger;
  /** Clock (tests); default the system clock. */
  now?: () => Date;
}

/** The outbox gateway: an {@link SmsGateway} whose messages can be read back. */
export interface DevOutboxGateway extends SmsGateway {
  /** Kept messages, oldest first; copies, so callers cannot alter the outbox. */
  messages(): OutboxMessage[];
  /** Forgets every kept message. */
  clear(): void;
}

export const DEFAULT_OUTBOX_CAPACITY = 100;

const outboxes = new WeakSet<SmsGateway>();

/**
 * Creates the development outbox; `createSmsGateway` maps `transport: 'console'` to it. It applies
 * the same message checks as the real adapters, so development refuses what production would.
 */
export function createDevOutboxGateway(opts: DevOutboxOptions = {}): DevOutboxGateway {
  const capacity = opts.capacity ?? DEFAULT_OUTBOX_CAPACITY;
  if (!Number.isInteger(capacity) || capacity < 1)
    throw new Error('outbox capacity must be a positive integer');
  const now = opts.now ?? (() => new Date());
  const kept: OutboxMessage[] = [];
  const copy = (m: OutboxMessage): OutboxMessage => ({ ...m, sentAt: new Date(m.sentAt) });

  const gateway: DevOutboxGateway = {
    async send(message) {
      assertValidSmsMessage(message);
      const entry: OutboxMessage = {
        to: message.to,
        body: message.body,
        reference: message.reference,
        providerId: `outbox-${randomUUID()}`,
        sentAt: now(),
      };
      kept.push(entry);
      if (kept.length > capacity) kept.splice(0, kept.length - capacity);
      opts.logger?.info(
        {
          transport: 'console',
          reference: entry.reference,
          providerId: entry.providerId,
          to: maskPhoneNumber(entry.to),
        },
        'SMS kept in the development outbox (body not logged)',
      );
      return { providerId: entry.providerId };
    },
    messages: () => kept.map(copy),
    clear: () => {
      kept.length = 0;
    },
  };
  outboxes.add(gateway);
  return gateway;
}

/** True for a gateway made by {@link createDevOutboxGateway} (e.g. to mount the development UI). */
export function isDevOutboxGateway(gateway: SmsGateway): gateway is DevOutboxGateway {
  return outboxes.has(gateway);
}
