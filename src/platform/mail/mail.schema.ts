/**
 * The e-mail settings, as a TypeBox schema for the configuration module to embed under `mail`. One
 * object per transport, discriminated by `transport`; unknown fields are refused (so there is no
 * way to switch certificate checks off). `password` is a plain string here and must be covered by
 * the logger's redaction wherever settings could be logged (`*.password` already is).
 */
import { Type, type Static } from 'typebox';

/** Validated with the `email` format (ajv-formats), as the users' addresses are. */
const Email = Type.String({ minLength: 3, maxLength: 254, format: 'email' });
/** A host name or an IP address (IPv6 without brackets). */
const Host = Type.String({ pattern: '^[A-Za-z0-9._:-]{1,253}$' });
const TimeoutMs = Type.Integer({ minimum: 100, maximum: 120000 });
/** Path to a PEM file with the private CA that signs an on-premise relay's certificate. */
const CaFile = Type.String({ minLength: 1 });

export const OutboxMailSettingsSchema = Type.Object(
  {
    transport: Type.Literal('outbox'),
    /** How many messages the development outbox keeps; default 100. */
    outboxCapacity: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000 })),
    /** Put each message's text (with its links) in the log line; default false. */
    logText: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const SmtpMailSettingsSchema = Type.Object(
  {
    transport: Type.Literal('smtp'),
    host: Host,
    /** Default 587 for starttls, 465 for tls, 25 for none. */
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
    /** Default starttls (required). `none` is for development only and never with credentials. */
    security: Type.Optional(
      Type.Union([Type.Literal('starttls'), Type.Literal('tls'), Type.Literal('none')]),
    ),
    /** With password, or neither (checked when the mailer is created). */
    username: Type.Optional(
      Type.String({ minLength: 1, maxLength: 256, pattern: '^[^\\u0000-\\u001f\\u007f]+$' }),
    ),
    /** Secret. */
    password: Type.Optional(Type.String({ minLength: 1, maxLength: 1024, pattern: '^[^\\u0000\\r\\n]+$' })),
    /** The sender address (envelope and From header). */
    from: Email,
    caFile: Type.Optional(CaFile),
    timeoutMs: Type.Optional(TimeoutMs),
  },
  { additionalProperties: false },
);

/** The `mail` settings: `outbox` (development only) or `smtp`. */
export const MailSettingsSchema = Type.Union([OutboxMailSettingsSchema, SmtpMailSettingsSchema]);

export type MailSettings = Static<typeof MailSettingsSchema>;
export type OutboxMailSettings = Static<typeof OutboxMailSettingsSchema>;
export type SmtpMailSettings = Static<typeof SmtpMailSettingsSchema>;

/** Setting names whose values are secrets, relative to `mail` (for the logger's redact list). */
export const MAIL_SECRET_SETTINGS = ['password'] as const;
