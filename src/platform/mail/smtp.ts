/**
 * E-mail through an SMTP relay (the bank's own mail server) with nodemailer: STARTTLS required by
 * default, certificate always verified (optionally against a private CA), TLS 1.2 or later with the
 * shared cipher list, optional AUTH, and a whole-call deadline. One connection per message: a
 * message written to a stale pooled connection can fail in a way that leaves unknown whether the
 * server took it, and staff mail is a handful of messages a day.
 */
import nodemailer from 'nodemailer';
import { TLS_CLIENT_OPTIONS } from '../tls.ts';
import {
  assertValidMailMessage,
  isValidMailAddress,
  MailDeliveryError,
  maskEmail,
  type Mailer,
  type MailLogger,
} from './gateway.ts';

/**
 * How the connection is protected.
 * - `starttls`: plain connect, then STARTTLS is required before anything else (port 587).
 * - `tls`: TLS from the first byte, "implicit TLS" (port 465).
 * - `none`: no TLS at all; development only (a local catcher), never with credentials.
 */
export type SmtpSecurity = 'starttls' | 'tls' | 'none';

export interface SmtpMailerOptions {
  /** Host name or IP address of the relay; the certificate must name it. */
  host: string;
  /** Default 587 for `starttls`, 465 for `tls`, 25 for `none`. */
  port?: number;
  /** Default `starttls`. */
  security?: SmtpSecurity;
  /** AUTH user name; with `password`, or neither. */
  username?: string;
  /** AUTH password. Secret: never logged. */
  password?: string;
  /** The sender address (envelope and From header), e.g. dossier@bank.example. */
  from: string;
  /** PEM of a private CA that signs the relay's certificate; otherwise the system's roots are trusted. */
  ca?: string;
  /** Whole-call deadline: connect, TLS, AUTH and the message; default 10 s. */
  timeoutMs?: number;
  logger?: MailLogger;
}

export const DEFAULT_MAIL_TIMEOUT_MS = 10_000;
export const DEFAULT_SMTP_PORTS: Readonly<Record<SmtpSecurity, number>> = {
  starttls: 587,
  tls: 465,
  none: 25,
};

/** A host name or an IP address (IPv6 without brackets); nothing a URL or a command could misread. */
const HOST = /^[A-Za-z0-9._:-]{1,253}$/;
/** AUTH PLAIN separates the fields with NUL and the commands end in CRLF. */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

/**
 * Creates the adapter. Throws at once on unusable settings (bad host or sender, half the
 * credentials, credentials without TLS) so a misconfiguration shows at start, not at the first
 * password reset. Error messages name the setting, never its value.
 */
export function createSmtpMailer(opts: SmtpMailerOptions): Mailer {
  const security = opts.security ?? 'starttls';
  if (!Object.hasOwn(DEFAULT_SMTP_PORTS, security)) throw new Error('mail.security is not valid');
  if (typeof opts.host !== 'string' || !HOST.test(opts.host)) throw new Error('mail.host is not valid');
  const port = opts.port ?? DEFAULT_SMTP_PORTS[security];
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error('mail.port is not valid');
  if (!isValidMailAddress(opts.from)) throw new Error('mail.from is not a valid e-mail address');
  if ((opts.username === undefined) !== (opts.password === undefined))
    throw new Error('mail: set both username and password, or neither');
  if (opts.username !== undefined && (!opts.username || CONTROL_CHARS.test(opts.username)))
    throw new Error('mail.username is not valid');
  if (opts.password !== undefined && (!opts.password || /[\r\n\0]/.test(opts.password)))
    throw new Error('mail.password is not valid');
  if (security === 'none' && opts.username !== undefined)
    throw new Error('mail: credentials are never sent without TLS; use security starttls or tls');
  const timeoutMs = opts.timeoutMs ?? DEFAULT_MAIL_TIMEOUT_MS;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1) throw new Error('mail.timeoutMs is not valid');

  const from = opts.from;
  const log = opts.logger;
  const transport = nodemailer.createTransport({
    host: opts.host,
    port,
    secure: security === 'tls',
    // STARTTLS is sent even when not advertised, and its refusal fails the delivery: a server (or
    // an attacker in the path) that strips STARTTLS cannot make us talk in clear.
    requireTLS: security === 'starttls',
    ignoreTLS: security === 'none',
    opportunisticTLS: false,
    tls: { ...TLS_CLIENT_OPTIONS, ...(opts.ca ? { ca: opts.ca } : {}), rejectUnauthorized: true },
    ...(opts.username !== undefined
      ? // forceAuth: configured credentials are used even if the server does not advertise AUTH,
        // so a relay that would accept anything without them does not pass unnoticed.
        { auth: { user: opts.username, pass: opts.password }, forceAuth: true }
      : {}),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    dnsTimeout: timeoutMs,
    // nodemailer's own logging would print the SMTP dialogue, including AUTH and the message.
    logger: false,
    debug: false,
    transactionLog: false,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  let closed = false;

  return {
    async send(message) {
      assertValidMailMessage(message);
      const logFields = { transport: 'smtp', to: maskEmail(message.to) };
      try {
        if (closed) throw new MailDeliveryError('unreachable', { detail: 'mailer_closed' });
        const info = await transport
          .sendMail({
            from,
            to: message.to,
            subject: message.subject,
            text: message.text,
            // The envelope is set explicitly, so the header parser never decides where mail goes.
            envelope: { from, to: [message.to] },
            headers: {
              // RFC 3834, and Exchange's equivalent: no vacation replies to notifications.
              'Auto-Submitted': 'auto-generated',
              'X-Auto-Response-Suppress': 'All',
            },
            signal: AbortSignal.timeout(timeoutMs),
          })
          .catch((err: unknown) => {
            throw toMailDeliveryError(err);
          });
        // One recipient: nodemailer already fails when it was refused; this guards the contract.
        if (info.rejected.length > 0 || info.accepted.length !== 1)
          throw new MailDeliveryError('rejected', { command: 'RCPT TO', detail: 'recipient_rejected' });
        log?.info({ ...logFields, messageId: info.messageId }, 'E-mail accepted by the SMTP server');
      } catch (err) {
        if (err instanceof MailDeliveryError)
          log?.warn({ ...logFields, ...err.toLog() }, 'E-mail delivery failed');
        throw err;
      }
    },
    async close() {
      closed = true;
      transport.close();
    },
  };
}

/** Node and OpenSSL codes of a failed handshake or certificate check. */
const TLS_CODES = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|SELF_SIGNED_|DEPTH_ZERO_|HOSTNAME_MISMATCH|EPROTO$)/;
const SAFE_CODE = /^[A-Z0-9_]{1,64}$/;
const SAFE_COMMAND = /^[A-Z][A-Z0-9 -]{0,31}$/;

/**
 * Maps a nodemailer (or Node) error to a {@link MailDeliveryError}, keeping only codes: the error's
 * message holds the server's reply, which may echo the recipient. Exported for the tests.
 */
export function toMailDeliveryError(err: unknown): MailDeliveryError {
  if (err instanceof MailDeliveryError) return err;
  const e = (err ?? {}) as {
    name?: unknown;
    code?: unknown;
    originalCode?: unknown;
    responseCode?: unknown;
    command?: unknown;
  };
  const code = typeof e.code === 'string' && SAFE_CODE.test(e.code) ? e.code : undefined;
  const original =
    typeof e.originalCode === 'string' && SAFE_CODE.test(e.originalCode) ? e.originalCode : undefined;
  const smtpCode =
    typeof e.responseCode === 'number' && Number.isInteger(e.responseCode) && e.responseCode >= 200
      ? e.responseCode
      : undefined;
  const command = typeof e.command === 'string' && SAFE_COMMAND.test(e.command) ? e.command : undefined;
  const details = {
    ...(smtpCode !== undefined ? { smtpCode } : {}),
    ...(command !== undefined ? { command } : {}),
    detail: original ?? code ?? 'mail_error',
  };

  // Our deadline is the only AbortSignal we pass.
  if (code === 'EABORT' || code === 'ETIMEDOUT' || e.name === 'AbortError' || e.name === 'TimeoutError')
    return new MailDeliveryError('timeout', details);
  if (code === 'ETLS' || code === 'EREQUIRETLS' || (original !== undefined && TLS_CODES.test(original)))
    return new MailDeliveryError('tls', details);
  if (code !== undefined && TLS_CODES.test(code)) return new MailDeliveryError('tls', details);
  if (code === 'EAUTH' || code === 'ENOAUTH') return new MailDeliveryError('rejected', details);
  // 421: the server is closing the channel (overloaded, shutting down): not about this message.
  if (smtpCode === 421) return new MailDeliveryError('unreachable', details);
  if (code === 'EENVELOPE' || code === 'EMESSAGE' || code === 'EMAXRECIPIENTS')
    return new MailDeliveryError('rejected', details);
  if (smtpCode !== undefined && smtpCode >= 400) return new MailDeliveryError('rejected', details);
  // ECONNECTION, ESOCKET, EDNS, EPROTOCOL (not an SMTP server), ECONNREFUSED... and the unknown.
  return new MailDeliveryError('unreachable', details);
}
