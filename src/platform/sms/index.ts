/** The SMS gateway: its interface, the three transports, their settings and the factory. */
export {
  assertValidSmsMessage,
  maskPhoneNumber,
  MAX_BODY_LENGTH,
  SmsDeliveryError,
  type SmsDeliveryErrorDetails,
  type SmsDeliveryReason,
  type SmsGateway,
  type SmsLogger,
  type SmsMessage,
} from './gateway.ts';
export { DEFAULT_SMS_TIMEOUT_MS } from './https-post.ts';
export { createTwilioGateway, DEFAULT_TWILIO_BASE_URL, type TwilioGatewayOptions } from './twilio.ts';
export {
  createWebhookGateway,
  DEFAULT_WEBHOOK_TOLERANCE_MS,
  signWebhookPayload,
  verifyWebhookSignature,
  WEBHOOK_SIGNATURE_HEADER,
  WEBHOOK_TIMESTAMP_HEADER,
  type VerifyWebhookOptions,
  type WebhookGatewayOptions,
  type WebhookPayload,
} from './webhook.ts';
export {
  createDevOutboxGateway,
  DEFAULT_OUTBOX_CAPACITY,
  isDevOutboxGateway,
  type DevOutboxGateway,
  type DevOutboxOptions,
  type OutboxMessage,
} from './outbox.ts';
export {
  ConsoleSmsSettingsSchema,
  SMS_SECRET_SETTINGS,
  SmsSettingsSchema,
  TwilioSmsSettingsSchema,
  WebhookSmsSettingsSchema,
  type SmsSettings,
  type TwilioSmsSettings,
  type WebhookSmsSettings,
} from './sms.schema.ts';
export { createSmsGateway, type CreateSmsGatewayDeps } from './create-sms-gateway.ts';
