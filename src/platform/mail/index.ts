/** E-mail delivery: its interface, the SMTP and outbox transports, their settings and the factory. */
export {
  assertValidMailMessage,
  isValidMailAddress,
  MailDeliveryError,
  maskEmail,
  MAX_SUBJECT_LENGTH,
  MAX_TEXT_LENGTH,
  type MailDeliveryErrorDetails,
  type MailDeliveryReason,
  type Mailer,
  type MailLogger,
  type MailMessage,
} from './gateway.ts';
export {
  createSmtpMailer,
  DEFAULT_MAIL_TIMEOUT_MS,
  DEFAULT_SMTP_PORTS,
  type SmtpMailerOptions,
  type SmtpSecurity,
} from './smtp.ts';
export {
  createDevOutboxMailer,
  DEFAULT_MAIL_OUTBOX_CAPACITY,
  isDevOutboxMailer,
  type DevOutboxMailer,
  type DevOutboxMailerOptions,
  type OutboxMail,
} from './outbox.ts';
export {
  MAIL_SECRET_SETTINGS,
  MailSettingsSchema,
  OutboxMailSettingsSchema,
  SmtpMailSettingsSchema,
  type MailSettings,
  type OutboxMailSettings,
  type SmtpMailSettings,
} from './mail.schema.ts';
export { createMailer, type CreateMailerDeps } from './create-mailer.ts';
