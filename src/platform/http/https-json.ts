/**
 * A JSON call to a remote service over HTTPS: certificate-verified TLS with the shared client
 * settings (and an optional private CA), a whole-call deadline, a bounded answer, and every failure
 * turned into an HttpsJsonError that names no credential. Used by the screening vendor adapter.
 */
import https from 'node:https';
import { TLS_CLIENT_OPTIONS } from '../tls.ts';

export class HttpsJsonError extends Error {
  readonly reason: 'timeout' | 'unreachable' | 'tls' | 'status' | 'invalid_response';
  readonly status: number | null;
  constructor(reason: HttpsJsonError['reason'], message: string, status: number | null = null) {
    super(message);
    this.name = 'HttpsJsonError';
    this.reason = reason;
    this.status = status;
  }
}

/** https only, no credentials or fragment in the URL (credentials go in their own settings). */
export function parseServiceUrl(raw: string, setting: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`${setting} is not a valid URL`);
  }
  if (url.protocol !== 'https:') throw new Error(`${setting} must use https`);
  if (url.username || url.password) throw new Error(`${setting} must not contain credentials`);
  if (url.hash) throw new Error(`${setting} must not contain a fragment`);
  return url;
}

export function createServiceAgent(ca: string | undefined): https.Agent {
  return new https.Agent({
    ...TLS_CLIENT_OPTIONS,
    ...(ca ? { ca } : {}),
    rejectUnauthorized: true,
    keepAlive: true,
    maxSockets: 32,
  });
}

const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO|ERR_TLS|HOSTNAME|SSL/;

export function postJson(o: {
  url: URL;
  agent: https.Agent;
  headers: Record<string, string>;
  body: unknown;
  timeoutMs: number;
  maxBytes?: number;
}): Promise<unknown> {
  const raw = Buffer.from(JSON.stringify(o.body), 'utf8');
  const max = o.maxBytes ?? 8 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    let settled = false;
    const done = (err: HttpsJsonError | null, value?: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(value);
    };
    const req = https.request(
      o.url,
      {
        method: 'POST',
        agent: o.agent,
        headers: {
          ...o.headers,
          'content-type': 'application/json',
          accept: 'application/json',
          'content-length': String(raw.length),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > max) {
            req.destroy();
            done(new HttpsJsonError('invalid_response', 'the answer is too large'));
          } else chunks.push(c);
        });
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status < 200 || status >= 300)
            return done(new HttpsJsonError('status', `the service answered ${status}`, status));
          try {
            done(null, JSON.parse(Buffer.concat(chunks).toString('utf8')));
          } catch {
            done(new HttpsJsonError('invalid_response', 'the answer is not JSON'));
          }
        });
        res.on('error', () => done(new HttpsJsonError('unreachable', 'the connection broke')));
      },
    );
    const timer = setTimeout(() => {
      req.destroy();
      done(new HttpsJsonError('timeout', `no answer within ${o.timeoutMs} ms`));
    }, o.timeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) => {
      const code = `${err.code ?? ''} ${err.message}`;
      done(
        TLS_CODES.test(code)
          ? new HttpsJsonError('tls', 'the service certificate was not trusted')
          : new HttpsJsonError('unreachable', `the service is unreachable (${err.code ?? 'error'})`),
      );
    });
    req.end(raw);
  });
}
