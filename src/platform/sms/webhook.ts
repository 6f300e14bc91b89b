/**
 * SMS through a signed generic webhook, for customers whose SMS provider sits behind their own
 * service. Dossier POSTs JSON `{ to, body, reference, timestamp }` with
 *
 *   X-Dossier-Timestamp: <Unix time in seconds>
 *   X-Dossier-Signature: v1=<hex HMAC-SHA256(secret, timestamp + "." + raw body)>
 *
 * and takes the receiver's 2xx JSON `{ id }` as the provider id. The timestamp is signed with the
 * body so a captured request cannot be replayed after the tolerance window; receivers verify with
 * {@link verifyWebhookSignature} (or the same three lines in their own language). Inside the window
 * a receiver that must not send twice de-duplicates on `reference`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  assertValidSmsMessage,
  maskPhoneNumber,
  SmsDeliveryError,
  type SmsGateway,
  type SmsLogger,
} from './gateway.ts';
import {
  createGatewayAgent,
  DEFAULT_SMS_TIMEOUT_MS,
  httpsPost,
  parseGatewayUrl,
  parseJsonBody,
  reasonForStatus,
  retryAfterSeconds,
} from './https-post.ts';

export const WEBHOOK_TIMESTAMP_HEADER = 'X-Dossier-Timestamp';
export const WEBHOOK_SIGNATURE_HEADER = 'X-Dossier-Signature';
/** Default window within which a receiver accepts a timestamp, either side of its clock. */
export const DEFAULT_WEBHOOK_TOLERANCE_MS = 5 * 60 * 1000;
/** 256 bits of a random string; shorter secrets make the HMAC guessable offline. */
export const MIN_WEBHOOK_SECRET_LENGTH = 32;

export interface WebhookGatewayOptions {
  /** https URL of the receiver. */
  url: string;
  /** Shared HMAC secret (UTF-8), at least 32 characters. Secret: never logged. */
  secret: string;
  /** PEM of a private CA that signs the receiver's certificate; otherwise the system's roots. */
  ca?: string;
  /** Whole-call deadline; default 10 s. */
  timeoutMs?: number;
  logger?: SmsLogger;
  /** Clock in ms since the epoch (tests); default Date.now. */
  now?: () => number;
}

/** The JSON document the webhook receives. */
export interface WebhookPayload {
  to: string;
  body: string;
  reference: string;
  /** Unix time in seconds; equal to the X-Dossier-Timestamp header. */
  timestamp: number;
}

const PROVIDER_ID = /^[\x21-\x7e]{1,128}$/;

/** Creates the adapter. Throws at once on a non-https URL or a short secret (naming the setting only). */
export function createWebhookGateway(opts: WebhookGatewayOptions): SmsGateway {
  const url = parseGatewayUrl(opts.url, 'webhook.url');
  if (typeof opts.secret !== 'string' || opts.secret.length < MIN_WEBHOOK_SECRET_LENGTH)
    throw new Error(`webhook.secret must be at least ${MIN_WEBHOOK_SECRET_LENGTH} characters`);
  const agent = createGatewayAgent(opts.ca);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_SMS_TIMEOUT_MS;
  const now = opts.now ?? Date.now;
  const log = opts.logger;

  return {
    async send(message) {
      assertValidSmsMessage(message);
      const timestamp = String(Math.floor(now() / 1000));
      const payload: WebhookPayload = {
        to: message.to,
        body: message.body,
        reference: message.reference,
        timestamp: Number(timestamp),
      };
      // The bytes signed are the bytes sent: serialised once.
      const rawBody = Buffer.from(JSON.stringify(payload), 'utf8');
      const logFields = {
        transport: 'webhook',
        reference: message.reference,
        to: maskPhoneNumber(message.to),
      };
      try {
        const res = await httpsPost({
          url,
          agent,
          timeoutMs,
          headers: {
            accept: 'application/json',
            'content-type': 'application/json; charset=utf-8',
            'user-agent': 'dossier-sms',
            [WEBHOOK_TIMESTAMP_HEADER]: timestamp,
            [WEBHOOK_SIGNATURE_HEADER]: signWebhookPayload(opts.secret, timestamp, rawBody),
          },
          body: rawBody,
        });
        if (res.status < 200 || res.status > 299) {
          throw new SmsDeliveryError(reasonForStatus(res.status), {
            httpStatus: res.status,
            ...(res.status === 429 || res.status === 503
              ? { retryAfterSeconds: retryAfterSeconds(res.headers) }
              : {}),
          });
        }
        const doc = parseJsonBody(res) as { id?: unknown } | undefined;
        const id = doc && typeof doc === 'object' ? doc.id : undefined;
        if (typeof id !== 'string' || !PROVIDER_ID.test(id))
          throw new SmsDeliveryError('bad_response', { httpStatus: res.status, detail: 'no_id' });
        log?.info({ ...logFields, providerId: id }, 'SMS accepted by the webhook');
        return { providerId: id };
      } catch (err) {
        if (err instanceof SmsDeliveryError)
          log?.warn({ ...logFields, ...err.toLog() }, 'SMS delivery failed');
        throw err;
      }
    },
  };
}

/**
 * The X-Dossier-Signature value for a timestamp and raw body: `v1=` and the hex
 * HMAC-SHA256 under the secret (UTF-8) of `timestamp + "." + rawBody`.
 */
export function signWebhookPayload(secret: string, timestamp: string, rawBody: string | Buffer): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.`, 'utf8');
  mac.update(typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody);
  return `v1=${mac.digest('hex')}`;
}

export interface VerifyWebhookOptions {
  /** Accepted clock difference either way; default 5 minutes. */
  toleranceMs?: number;
  /** The receiver's clock in ms since the epoch; default Date.now(). */
  now?: number;
}

/**
 * Verifies a received webhook: the timestamp is an integer within the tolerance of `now`, and one
 * of the header's comma-separated `v1=` signatures matches, compared in constant time. Pass the
 * body exactly as received (before any JSON parsing). Returns false for anything missing or
 * malformed; never throws on attacker input.
 */
export function verifyWebhookSignature(
  secret: string,
  timestamp: string | undefined,
  rawBody: string | Buffer,
  header: string | undefined,
  opts: VerifyWebhookOptions = {},
): boolean {
  if (typeof secret !== 'string' || !secret) return false;
  if (typeof timestamp !== 'string' || !/^[0-9]{1,12}$/.test(timestamp)) return false;
  if (typeof header !== 'string' || header.length > 2048) return false;
  const tolerance = opts.toleranceMs ?? DEFAULT_WEBHOOK_TOLERANCE_MS;
  const now = opts.now ?? Date.now();
  if (Math.abs(now - Number(timestamp) * 1000) > tolerance) return false;

  const expected = Buffer.from(signWebhookPayload(secret, timestamp, rawBody).slice('v1='.length), 'hex');
  let ok = false;
  // Several signatures let a sender roll its secret; each candidate is checked, none short-circuits.
  for (const part of header.split(',')) {
    const m = /^\s*v1=([0-9a-f]{64})\s*$/i.exec(part);
    if (!m) continue;
    if (timingSafeEqual(Buffer.from(m[1]!, 'hex'), expected)) ok = true;
  }
  return ok;
}
