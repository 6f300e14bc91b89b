/**
 * SMS through a Twilio-style REST API (Twilio itself, or an on-premise gateway that speaks the same
 * Messages endpoint): `POST {baseUrl}/2010-04-01/Accounts/{AccountSid}/Messages.json`, form-encoded
 * `To`, `From` or `MessagingServiceSid`, `Body`, HTTP Basic authentication.
 */
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

export interface TwilioGatewayOptions {
  /** https base URL; default https://api.twilio.com. */
  baseUrl?: string;
  /** The account SID (AC...), used in the path and, without `apiKeySid`, as the user name. */
  accountSid: string;
  /** Optional API key SID (SK...): Twilio advises API keys over the account's auth token. */
  apiKeySid?: string;
  /** The auth token, or the API key's secret with `apiKeySid`. Secret: never logged. */
  authToken: string;
  /** Sender number or alphanumeric sender id; exactly one of `from` and `messagingServiceSid`. */
  from?: string;
  /** Messaging service SID (MG...), which then chooses the sender. */
  messagingServiceSid?: string;
  /** PEM of a private CA for an on-premise gateway; otherwise the system's roots are trusted. */
  ca?: string;
  /** Whole-call deadline; default 10 s. */
  timeoutMs?: number;
  logger?: SmsLogger;
}

export const DEFAULT_TWILIO_BASE_URL = 'https://api.twilio.com';

/** Twilio SIDs are two letters and 32 hex digits; other gateways vary, so only the alphabet is fixed. */
const SID = /^[A-Za-z0-9_-]{1,64}$/;
/** E.164 number, short code, or alphanumeric sender id (up to 11 characters). */
const SENDER = /^(\+[1-9][0-9]{1,14}|[0-9]{3,8}|[A-Za-z0-9 ]{1,11})$/;
/** Statuses Twilio may report at creation that mean the message will not go out. */
const FAILED_STATUSES = new Set(['failed', 'undelivered', 'canceled']);

/**
 * Creates the adapter. Throws at once on unusable settings (non-https URL, missing or doubled
 * sender) so a misconfiguration shows at start, not at the first login. Error messages name the
 * setting, never its value.
 */
export function createTwilioGateway(opts: TwilioGatewayOptions): SmsGateway {
  const base = parseGatewayUrl(opts.baseUrl ?? DEFAULT_TWILIO_BASE_URL, 'twilio.baseUrl');
  if (!SID.test(opts.accountSid)) throw new Error('twilio.accountSid is not a valid SID');
  if (opts.apiKeySid !== undefined && !SID.test(opts.apiKeySid))
    throw new Error('twilio.apiKeySid is not a valid SID');
  if (!opts.authToken) throw new Error('twilio.authToken is required');
  if ((opts.from === undefined) === (opts.messagingServiceSid === undefined))
    throw new Error('twilio: set exactly one of from and messagingServiceSid');
  if (opts.from !== undefined && !SENDER.test(opts.from))
    throw new Error('twilio.from is not a valid sender');
  if (opts.messagingServiceSid !== undefined && !SID.test(opts.messagingServiceSid))
    throw new Error('twilio.messagingServiceSid is not a valid SID');

  const url = new URL(
    `${base.pathname.replace(/\/+$/, '')}/2010-04-01/Accounts/${encodeURIComponent(opts.accountSid)}/Messages.json`,
    base,
  );
  const authorization = `Basic ${Buffer.from(`${opts.apiKeySid ?? opts.accountSid}:${opts.authToken}`).toString('base64')}`;
  const agent = createGatewayAgent(opts.ca);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_SMS_TIMEOUT_MS;
  const log = opts.logger;

  return {
    async send(message) {
      assertValidSmsMessage(message);
      const form = new URLSearchParams({ To: message.to });
      if (opts.from !== undefined) form.set('From', opts.from);
      else form.set('MessagingServiceSid', opts.messagingServiceSid!);
      form.set('Body', message.body);
      const logFields = {
        transport: 'twilio',
        reference: message.reference,
        to: maskPhoneNumber(message.to),
      };
      try {
        const res = await httpsPost({
          url,
          agent,
          timeoutMs,
          headers: {
            authorization,
            accept: 'application/json',
            'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
            'user-agent': 'dossier-sms',
          },
          body: Buffer.from(form.toString(), 'utf8'),
        });
        const providerId = interpret(res.status, parseJsonBody(res), res.headers);
        log?.info({ ...logFields, providerId }, 'SMS accepted by the gateway');
        return { providerId };
      } catch (err) {
        if (err instanceof SmsDeliveryError)
          log?.warn({ ...logFields, ...err.toLog() }, 'SMS delivery failed');
        throw err;
      }
    },
  };
}

/** Twilio's message resource on success; its error document `{ code, message, more_info, status }` otherwise. */
function interpret(status: number, body: unknown, headers: Parameters<typeof retryAfterSeconds>[0]): string {
  const doc = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  if (status === 200 || status === 201) {
    const sid = doc.sid;
    if (typeof sid !== 'string' || !SID.test(sid))
      throw new SmsDeliveryError('bad_response', { httpStatus: status, detail: 'no_sid' });
    if (typeof doc.status === 'string' && FAILED_STATUSES.has(doc.status))
      throw new SmsDeliveryError('rejected', { httpStatus: status, detail: `status_${doc.status}` });
    return sid;
  }
  // Only the numeric code is kept: Twilio's `message` echoes the recipient's number.
  const code = typeof doc.code === 'number' && Number.isInteger(doc.code) ? doc.code : undefined;
  throw new SmsDeliveryError(reasonForStatus(status), {
    httpStatus: status,
    ...(code !== undefined ? { providerCode: code } : {}),
    ...(status === 429 || status === 503 ? { retryAfterSeconds: retryAfterSeconds(headers) } : {}),
  });
}
