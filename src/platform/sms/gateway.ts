/**
 * The SMS gateway interface every transport implements, its one error type, and the checks every
 * transport applies to a message before it leaves (so the development outbox refuses exactly what
 * a real gateway would).
 */

/** One text message. The body usually carries a one-time code: it is never logged. */
export interface SmsMessage {
  /** Recipient in E.164 form, e.g. +447700900123. */
  to: string;
  /** The text; at most {@link MAX_BODY_LENGTH} characters. */
  body: string;
  /** Our correlation id (e.g. the login attempt id): logged and, where the protocol allows, sent. */
  reference: string;
}

/** Sends one message; resolves with the gateway's id for it, or rejects with {@link SmsDeliveryError}. */
export interface SmsGateway {
  send(message: SmsMessage): Promise<{ providerId: string }>;
}

/** The subset of pino's logger the transports use; pino's `Logger` fits. */
export interface SmsLogger {
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
}

/**
 * Why a message was not delivered to the gateway. Stable: callers branch on it.
 * - `rejected`: the gateway (or our own check) refused this message, e.g. an invalid number;
 *   sending it again will not help.
 * - `unavailable`: the gateway could not be reached or is failing or throttling us (connection or
 *   TLS failure, 408/429/5xx); a later attempt may work.
 * - `timeout`: no complete answer within the deadline. The message may still have been sent.
 * - `bad_response`: the gateway answered something this adapter does not understand.
 * - `auth`: the gateway refused our credentials or does not know our account or endpoint
 *   (401/403/404): an operator must fix the configuration.
 */
export type SmsDeliveryReason = 'rejected' | 'unavailable' | 'timeout' | 'bad_response' | 'auth';

export interface SmsDeliveryErrorDetails {
  /** HTTP status of the gateway's answer, when there was one. */
  httpStatus?: number;
  /** The gateway's own error code (e.g. Twilio 21211), when it gave one. */
  providerCode?: string | number;
  /** A short machine code for logs: a Node error code (ECONNREFUSED, UNABLE_TO_VERIFY_LEAF_SIGNATURE...) or ours. */
  detail?: string;
  /** From a Retry-After header given in seconds. */
  retryAfterSeconds?: number;
}

/**
 * A failed delivery. It carries only the reason and short codes: never the message body, the
 * recipient, the URL or any credential, and deliberately no `cause` (a Node error object can
 * reference the request and its headers, and loggers serialise causes).
 */
export class SmsDeliveryError extends Error {
  readonly reason: SmsDeliveryReason;
  readonly httpStatus: number | undefined;
  readonly providerCode: string | number | undefined;
  readonly detail: string | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(reason: SmsDeliveryReason, details: SmsDeliveryErrorDetails = {}) {
    const parts = [
      details.httpStatus !== undefined ? `HTTP ${details.httpStatus}` : '',
      details.providerCode !== undefined ? `provider code ${details.providerCode}` : '',
      details.detail ?? '',
    ].filter(Boolean);
    super(`SMS delivery failed: ${reason}${parts.length ? ` (${parts.join(', ')})` : ''}`);
    this.name = 'SmsDeliveryError';
    this.reason = reason;
    this.httpStatus = details.httpStatus;
    this.providerCode = details.providerCode;
    this.detail = details.detail;
    this.retryAfterSeconds = details.retryAfterSeconds;
  }

  /** Fields for a log line. */
  toLog(): Record<string, unknown> {
    return {
      reason: this.reason,
      httpStatus: this.httpStatus,
      providerCode: this.providerCode,
      detail: this.detail,
    };
  }
}

/** Twilio's limit for one message (it splits into segments itself); a sane bound for any gateway. */
export const MAX_BODY_LENGTH = 1600;
const E164 = /^\+[1-9][0-9]{1,14}$/;
/** Printable, no separators a protocol or a log line could misread. */
const REFERENCE = /^[A-Za-z0-9._:-]{1,128}$/;
// Control characters other than line breaks have no place in a text message and could smuggle
// terminal escapes into a dev console or a gateway's logs.
// eslint-disable-next-line no-control-regex
const FORBIDDEN_BODY_CHARS = /[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f]/;

/**
 * Refuses a malformed message before any network traffic, with reason `rejected`. Exported for
 * custom transports; the built-in ones call it.
 */
export function assertValidSmsMessage(message: SmsMessage): void {
  if (typeof message?.to !== 'string' || !E164.test(message.to))
    throw new SmsDeliveryError('rejected', { detail: 'invalid_recipient' });
  if (
    typeof message.body !== 'string' ||
    message.body.length === 0 ||
    message.body.length > MAX_BODY_LENGTH ||
    FORBIDDEN_BODY_CHARS.test(message.body)
  )
    throw new SmsDeliveryError('rejected', { detail: 'invalid_body' });
  if (typeof message.reference !== 'string' || !REFERENCE.test(message.reference))
    throw new SmsDeliveryError('rejected', { detail: 'invalid_reference' });
}

/** +447700900123 → +*********123: enough to tell numbers apart in logs without recording them. */
export function maskPhoneNumber(e164: string): string {
  const digits = e164.replace(/^\+/, '');
  if (digits.length <= 3) return '+***';
  return `+${'*'.repeat(digits.length - 3)}${digits.slice(-3)}`;
}
