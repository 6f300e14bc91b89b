/**
 * The one HTTPS POST both network adapters use: certificate-verified TLS with the shared client
 * settings, a whole-call deadline, a bounded answer, and every failure turned into an
 * SmsDeliveryError that names no URL and no credential.
 */
import type { IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import { parseServiceUrl } from '../http/https-json.ts';
import { TLS_CLIENT_OPTIONS } from '../tls.ts';
import { SmsDeliveryError, type SmsDeliveryReason } from './gateway.ts';

/** Default whole-call deadline for one message. */
export const DEFAULT_SMS_TIMEOUT_MS = 10_000;

/** A gateway's answer to one message is a few KiB; anything bigger is a fault, not data. */
export const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * Parses and checks a gateway URL: https only, no user name or password in it (they would end up in
 * logs and process listings; credentials go in their own settings). Shared with every outbound
 * service (src/platform/http/https-json.ts).
 */
export const parseGatewayUrl = parseServiceUrl;

/**
 * An agent per gateway: it carries the optional private CA and the TLS floor. No keep-alive: an
 * SMS POST is not idempotent, and a request written to a stale pooled socket fails in a way that
 * leaves unknown whether the gateway sent the text; a fresh handshake per message costs little at
 * SMS volumes.
 */
export function createGatewayAgent(ca: string | undefined): https.Agent {
  return new https.Agent({
    ...TLS_CLIENT_OPTIONS,
    ...(ca ? { ca } : {}),
    rejectUnauthorized: true,
    keepAlive: false,
    maxSockets: 16,
  });
}

export interface HttpsPostOptions {
  url: URL;
  agent: https.Agent;
  headers: Record<string, string>;
  body: Buffer;
  /** Deadline for the whole call: queueing, connect, handshake, request and the full answer. */
  timeoutMs: number;
}

export interface HttpsPostResult {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** POSTs once (never retried: a retry could send the code twice) and buffers the bounded answer. */
export function httpsPost(o: HttpsPostOptions): Promise<HttpsPostResult> {
  const signal = AbortSignal.timeout(o.timeoutMs);
  return new Promise((resolve, reject) => {
    let settled = false;
    // Set before we destroy the request ourselves, so the resulting socket error is not misread.
    let ownFailure: SmsDeliveryError | undefined;
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      reject(ownFailure ?? toDeliveryError(err, signal));
    };
    const abortWith = (failure: SmsDeliveryError) => {
      ownFailure ??= failure;
      req.destroy();
      fail(failure);
    };

    const req = https.request(
      o.url,
      {
        method: 'POST',
        agent: o.agent,
        signal,
        headers: { ...o.headers, 'content-length': String(o.body.length) },
      },
      (res) => {
        const status = res.statusCode ?? 0;
        const declared = Number(res.headers['content-length']);
        if (Number.isFinite(declared) && declared > MAX_RESPONSE_BYTES) {
          abortWith(
            new SmsDeliveryError('bad_response', { httpStatus: status, detail: 'response_too_large' }),
          );
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_RESPONSE_BYTES) {
            abortWith(
              new SmsDeliveryError('bad_response', { httpStatus: status, detail: 'response_too_large' }),
            );
            return;
          }
          chunks.push(chunk);
        });
        res.on('error', fail);
        res.on('end', () => {
          if (settled) return;
          settled = true;
          resolve({ status, headers: res.headers, body: Buffer.concat(chunks) });
        });
        // A connection cut mid-answer ends without 'end'.
        res.on('close', () => {
          if (!res.complete) fail(Object.assign(new Error('incomplete response'), { code: 'ECONNRESET' }));
        });
      },
    );
    req.on('error', fail);
    req.end(o.body);
  });
}

/** Network failures → timeout or unavailable, with the Node error code as the only detail. */
function toDeliveryError(err: unknown, signal: AbortSignal): SmsDeliveryError {
  if (err instanceof SmsDeliveryError) return err;
  const e = err as { name?: unknown; code?: unknown };
  if (signal.aborted || e?.name === 'AbortError' || e?.name === 'TimeoutError')
    return new SmsDeliveryError('timeout');
  // Only a well-formed code is copied: a free-text message could carry anything.
  const code = typeof e?.code === 'string' && /^[A-Z0-9_]{1,64}$/.test(e.code) ? e.code : 'network_error';
  return new SmsDeliveryError('unavailable', { detail: code });
}

/**
 * Maps a non-2xx status to a reason, the same way for every HTTP gateway. 429 is `unavailable`,
 * not `rejected`: it throttles our account, not this recipient, so a later attempt may succeed
 * (the caller's own resend limits keep that from becoming a loop).
 */
export function reasonForStatus(status: number): SmsDeliveryReason {
  if (status === 401 || status === 403 || status === 404) return 'auth';
  if (status === 408 || status === 425 || status === 429 || (status >= 500 && status <= 599))
    return 'unavailable';
  if (status === 400 || status === 409 || status === 413 || status === 422) return 'rejected';
  return 'bad_response';
}

/** Retry-After in seconds (the HTTP-date form is ignored: gateways that throttle send seconds). */
export function retryAfterSeconds(headers: IncomingHttpHeaders): number | undefined {
  const raw = headers['retry-after'];
  if (typeof raw !== 'string' || !/^[0-9]{1,6}$/.test(raw.trim())) return undefined;
  return Number(raw.trim());
}

/** Parses a JSON answer, or undefined when it is not JSON (the caller decides what that means). */
export function parseJsonBody(res: HttpsPostResult): unknown {
  const type = res.headers['content-type'] ?? '';
  if (!/^application\/(problem\+)?json\b/i.test(type)) return undefined;
  try {
    return JSON.parse(res.body.toString('utf8'));
  } catch {
    return undefined;
  }
}
