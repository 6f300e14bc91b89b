/**
 * The only way Dossier talks to an OpenID provider: a Fetch-API function (what openid-client's and
 * jose's `customFetch` expect) over node:https with certificate verification against the
 * provider's configured CA (or the system CAs), TLS 1.2+, a deadline per call, no redirects
 * followed and a bounded answer. https only: a plain-HTTP URL (say a discovery document pointing
 * elsewhere) is refused before any connection.
 */
import https from 'node:https';
import { TLS_CLIENT_OPTIONS } from '../../../platform/tls.ts';

/** Answers larger than this (discovery, JWKS, token responses are a few kB) are refused. */
const MAX_ANSWER_BYTES = 1024 * 1024;

export interface ProviderFetchOptions {
  /** PEM bundle of the provider's CA; the system store when undefined. */
  ca?: string | undefined;
  timeoutMs: number;
}

type FetchInit = {
  method?: string;
  headers?: Record<string, string> | Headers | undefined;
  body?: unknown;
  signal?: AbortSignal | null | undefined;
  redirect?: string;
};

export type ProviderFetch = (url: string, init?: FetchInit) => Promise<Response>;

export function createProviderFetch(opts: ProviderFetchOptions): ProviderFetch & { close(): void } {
  const agent = new https.Agent({
    ...TLS_CLIENT_OPTIONS,
    ...(opts.ca ? { ca: opts.ca } : {}),
    rejectUnauthorized: true,
    keepAlive: true,
    maxSockets: 16,
  });
  const fetchFn = (url: string, init: FetchInit = {}): Promise<Response> => {
    const target = new URL(url);
    if (target.protocol !== 'https:') return Promise.reject(new TypeError('provider URL must use https'));
    const headers: Record<string, string> = {};
    if (init.headers instanceof Headers) init.headers.forEach((v, k) => (headers[k] = v));
    else if (init.headers) Object.assign(headers, init.headers);
    let body: Buffer | null = null;
    if (init.body instanceof URLSearchParams) {
      body = Buffer.from(init.body.toString(), 'utf8');
      headers['content-type'] ??= 'application/x-www-form-urlencoded;charset=UTF-8';
    } else if (typeof init.body === 'string') body = Buffer.from(init.body, 'utf8');
    else if (init.body instanceof Uint8Array) body = Buffer.from(init.body);
    else if (init.body !== undefined && init.body !== null)
      return Promise.reject(new TypeError('unsupported request body'));
    if (body) headers['content-length'] = String(body.length);

    return new Promise<Response>((resolve, reject) => {
      let settled = false;
      const fail = (err: Error) => {
        if (settled) return;
        settled = true;
        req.destroy();
        reject(err);
      };
      const req = https.request(
        target,
        { method: init.method ?? 'GET', headers, agent, timeout: opts.timeoutMs },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > MAX_ANSWER_BYTES) fail(new Error('provider answer too large'));
            else chunks.push(c);
          });
          res.on('error', fail);
          res.on('end', () => {
            if (settled) return;
            settled = true;
            clearTimeout(deadline);
            const h = new Headers();
            for (const [k, v] of Object.entries(res.headers)) {
              if (Array.isArray(v)) for (const x of v) h.append(k, x);
              else if (v !== undefined) h.set(k, v);
            }
            const status = res.statusCode ?? 502;
            const noBody = status === 204 || status === 304 || (init.method ?? 'GET') === 'HEAD';
            resolve(
              new Response(noBody ? null : Buffer.concat(chunks), {
                status,
                statusText: res.statusMessage ?? '',
                headers: h,
              }),
            );
          });
        },
      );
      // The whole call, not only socket inactivity, is bounded.
      const deadline = setTimeout(() => fail(new Error('provider call timed out')), opts.timeoutMs);
      req.on('timeout', () => fail(new Error('provider call timed out')));
      req.on('error', (err) => {
        clearTimeout(deadline);
        fail(err);
      });
      if (init.signal) {
        if (init.signal.aborted) fail(new Error('aborted'));
        init.signal.addEventListener('abort', () => fail(new Error('aborted')), { once: true });
      }
      req.end(body ?? undefined);
    });
  };
  return Object.assign(fetchFn, { close: () => agent.destroy() });
}
