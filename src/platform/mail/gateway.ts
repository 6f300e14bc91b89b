/**
 * The e-mail delivery interface every transport implements, its one error type, and the checks
 * every transport applies to a message before it leaves (so the development outbox refuses exactly
 * what the SMTP adapter would).
 */

/**
 * One plain-text e-mail to one staff user. The text usually carries a single-use link (activation,
 * password reset): it is never logged and never part of an error.
 */
export interface MailMessage {
  /** One bare address, e.g. alice@bank.example (no display name, no list). */
  to: string;
  /** One line, at most {@link MAX_SUBJECT_LENGTH} characters. */
  subject: string;
  /** Plain text, at most {@link MAX_TEXT_LENGTH} characters. */
  text: string;
}

/** Sends one message; resolves once the server accepted it, or rejects with {@link MailDeliveryError}. */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
  /** Releases connections; later sends fail. Optional: the outbox holds none. */
  close?(): Promise<void>;
}

/** The subset of pino's logger the transports use; pino's `Logger` fits. */
export interface MailLogger {
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
}

/**
 * Why a message was not delivered to the mail server. Stable: callers branch on it.
 * - `invalid`: our own checks refused the message before any connection (malformed or listed
 *   recipient, line break in the subject, text too long...): the caller must fix it.
 * - `unreachable`: no working SMTP service was reached (connection refused or reset, DNS failure,
 *   not an SMTP server, 421 "closing"): a later attempt may work.
 * - `timeout`: no complete answer within the deadline. The message may still have been accepted.
 * - `tls`: TLS could not be set up or verified (STARTTLS not offered or failed, certificate from an
 *   untrusted CA or for another name, protocol refused). Nothing was sent in clear; an operator
 *   must fix the server or the configuration.
 * - `rejected`: the server refused our credentials, the sender, the recipient or the message
 *   (`smtpCode` says which reply; a 4xx code means a later attempt may work).
 */
export type MailDeliveryReason = 'unreachable' | 'rejected' | 'timeout' | 'tls' | 'invalid';

export interface MailDeliveryErrorDetails {
  /** The server's SMTP reply code (e.g. 535, 550), when it gave one. */
  smtpCode?: number;
  /** The SMTP stage that failed (CONN, STARTTLS, AUTH PLAIN, MAIL FROM, RCPT TO, DATA). */
  command?: string;
  /** A short machine code for logs: a Node or nodemailer error code (ECONNREFUSED, ETLS...) or ours. */
  detail?: string;
}

/**
 * A failed delivery. It carries only the reason and short codes: never the text, the subject, the
 * recipient, the server's reply text (which echoes addresses) or any credential, and deliberately
 * no `cause` (nodemailer errors carry the server's replies, and loggers serialise causes).
 */
export class MailDeliveryError extends Error {
  readonly reason: MailDeliveryReason;
  readonly smtpCode: number | undefined;
  readonly command: string | undefined;
  readonly detail: string | undefined;

  constructor(reason: MailDeliveryReason, details: MailDeliveryErrorDetails = {}) {
    const parts = [
      details.smtpCode !== undefined ? `SMTP ${details.smtpCode}` : '',
      details.command ?? '',
      details.detail ?? '',
    ].filter(Boolean);
    super(`E-mail delivery failed: ${reason}${parts.length ? ` (${parts.join(', ')})` : ''}`);
    this.name = 'MailDeliveryError';
    this.reason = reason;
    this.smtpCode = details.smtpCode;
    this.command = details.command;
    this.detail = details.detail;
  }

  /** Fields for a log line. */
  toLog(): Record<string, unknown> {
    return { reason: this.reason, smtpCode: this.smtpCode, command: this.command, detail: this.detail };
  }
}

/** A subject is one short line. */
export const MAX_SUBJECT_LENGTH = 200;
/** Notifications and links are short; this bounds what one message can carry. */
export const MAX_TEXT_LENGTH = 20_000;
/** RFC 5321 4.5.3.1: 64 for the local part, 254 for a whole forward path's address. */
const MAX_ADDRESS_LENGTH = 254;
const MAX_LOCAL_PART_LENGTH = 64;
/**
 * One bare ASCII address: the same pattern as the `email` format (ajv-formats, full mode) that the
 * user schemas use, so every stored address is sendable. No spaces, commas, angle brackets, quotes
 * or line breaks, hence no display name, no second recipient and no header injection.
 */
const ADDRESS =
  /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i;
// A subject is one header line: no control characters at all (CR and LF would start a new header),
// nor the C1 controls and Unicode line separators a console could render as a line break.
// eslint-disable-next-line no-control-regex
const FORBIDDEN_SUBJECT_CHARS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
// Line breaks and tabs belong in a text; other control characters could smuggle terminal escapes
// into a developer's console or a mail client.
// eslint-disable-next-line no-control-regex
const FORBIDDEN_TEXT_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** True for one bare address the transports accept (also used for the `from` setting). */
export function isValidMailAddress(address: unknown): address is string {
  if (typeof address !== 'string' || address.length > MAX_ADDRESS_LENGTH || !ADDRESS.test(address))
    return false;
  return address.lastIndexOf('@') <= MAX_LOCAL_PART_LENGTH;
}

/**
 * Refuses a malformed message before any network traffic, with reason `invalid`. Exported for
 * custom transports; the built-in ones call it.
 */
export function assertValidMailMessage(message: MailMessage): void {
  if (!isValidMailAddress(message?.to))
    throw new MailDeliveryError('invalid', { detail: 'invalid_recipient' });
  if (
    typeof message.subject !== 'string' ||
    message.subject.trim().length === 0 ||
    message.subject.length > MAX_SUBJECT_LENGTH ||
    FORBIDDEN_SUBJECT_CHARS.test(message.subject)
  )
    throw new MailDeliveryError('invalid', { detail: 'invalid_subject' });
  if (
    typeof message.text !== 'string' ||
    message.text.trim().length === 0 ||
    message.text.length > MAX_TEXT_LENGTH ||
    FORBIDDEN_TEXT_CHARS.test(message.text)
  )
    throw new MailDeliveryError('invalid', { detail: 'invalid_text' });
}

/**
 * alice@example.com → a***@example.com: enough to tell recipients apart in logs without recording
 * them. Anything that is not a valid address becomes `***` (it would not be safe to echo).
 */
export function maskEmail(address: string): string {
  if (!isValidMailAddress(address)) return '***';
  const at = address.lastIndexOf('@');
  return `${address[0]}***@${address.slice(at + 1)}`;
}
