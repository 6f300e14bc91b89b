/**
 * The SMS settings, as a TypeBox schema for the configuration module to embed under `sms`. One
 * object per transport, discriminated by `transport`; unknown fields are refused. Secrets
 * (`authToken`, `secret`) are plain strings here and must be covered by the logger's redaction
 * wherever settings could be logged.
 */
import { Type, type Static } from 'typebox';

/** https only, and no user info in the authority (credentials belong in their own settings). */
const HttpsUrl = Type.String({ pattern: '^https://[^\\s/?#@]+([/?][^\\s#]*)?$', maxLength: 2048 });
const Sid = Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' });
const TimeoutMs = Type.Integer({ minimum: 100, maximum: 120000 });
/** Path to a PEM file with the private CA that signs an on-premise gateway's certificate. */
const CaFile = Type.String({ minLength: 1 });

export const ConsoleSmsSettingsSchema = Type.Object(
  {
    transport: Type.Literal('console'),
    /** How many messages the development outbox keeps. */
    outboxCapacity: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000 })),
  },
  { additionalProperties: false },
);

export const TwilioSmsSettingsSchema = Type.Object(
  {
    transport: Type.Literal('twilio'),
    /** Default https://api.twilio.com. */
    baseUrl: Type.Optional(HttpsUrl),
    accountSid: Sid,
    apiKeySid: Type.Optional(Sid),
    /** The auth token, or the API key's secret with apiKeySid. Secret. */
    authToken: Type.String({ minLength: 16, maxLength: 512 }),
    /** Exactly one of from and messagingServiceSid (checked when the gateway is created). */
    from: Type.Optional(Type.String({ pattern: '^(\\+[1-9][0-9]{1,14}|[0-9]{3,8}|[A-Za-z0-9 ]{1,11})$' })),
    messagingServiceSid: Type.Optional(Sid),
    caFile: Type.Optional(CaFile),
    timeoutMs: Type.Optional(TimeoutMs),
  },
  { additionalProperties: false },
);

export const WebhookSmsSettingsSchema = Type.Object(
  {
    transport: Type.Literal('webhook'),
    url: HttpsUrl,
    /** Shared HMAC secret, at least 32 characters. Secret. */
    secret: Type.String({ minLength: 32, maxLength: 1024 }),
    caFile: Type.Optional(CaFile),
    timeoutMs: Type.Optional(TimeoutMs),
  },
  { additionalProperties: false },
);

/** The `sms` settings: `console` (development only), `twilio` or `webhook`. */
export const SmsSettingsSchema = Type.Union([
  ConsoleSmsSettingsSchema,
  TwilioSmsSettingsSchema,
  WebhookSmsSettingsSchema,
]);

export type SmsSettings = Static<typeof SmsSettingsSchema>;
export type TwilioSmsSettings = Static<typeof TwilioSmsSettingsSchema>;
export type WebhookSmsSettings = Static<typeof WebhookSmsSettingsSchema>;

/** Setting names whose values are secrets, relative to `sms` (for the logger's redact list). */
export const SMS_SECRET_SETTINGS = ['authToken', 'secret'] as const;
