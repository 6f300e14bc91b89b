/**
 * The portal's side of the link: HTTPS to the internal server's link listener, presenting the
 * portal-link client certificate and trusting the private CA only. The server certificate is always
 * verified, including its name against the URL host.
 */
import { TLS_CLIENT_OPTIONS } from '../../platform/tls.ts';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Config } from '../../platform/config.ts';

export interface LinkClientOptions {
  /** https URL of the link listener, e.g. https://internal.example:8444 */
  url: string;
  /** PEM: the portal-link client certificate and key, and the private CA that signs the internal server. */
  cert: string;
  key: string;
  ca: string;
  /** Whole-call deadline (connect, handshake, response). */
  timeoutMs: number;
}

export interface LinkPing {
  ok: boolean;
  latencyMs: number;
  /** A short error code for logs (never shown to portal users). */
  error?: string;
}

export interface LinkClient {
  ping(): Promise<LinkPing>;
  /** Sends one JSON request over the link and returns the status and parsed body. */
  request(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: unknown }>;
  /** Closes pooled connections. */
  close(): void;
}

/** A link answer is small; anything bigger is a fault, not data to buffer. */
const MAX_RESPONSE_BYTES = 1024 * 1024;

/** Reads the certificate, key and CA named by `portal.link.*` and creates the client. */
export function createLinkClientFromConfig(config: Config): LinkClient {
  const link = config.portal.link;
  return createLinkClient({
    url: link.url,
    cert: readFileSync(link.certFile, 'utf8'),
    key: readFileSync(link.keyFile, 'utf8'),
    ca: readFileSync(link.caFile, 'utf8'),
    timeoutMs: link.timeoutMs,
  });
}

/** Creates a link client. Throws if the URL is not https (the link is never plain HTTP). */
export function createLinkClient(opts: LinkClientOptions): LinkClient {
  const base = new URL(opts.url);
  if (base.protocol !== 'https:') throw new Error(`the link URL must use https: ${opts.url}`);
  const hostname = base.hostname.replace(/^\[(.*)\]$/, '$1');
  const agent = new https.Agent({
    cert: opts.cert,
    key: opts.key,
    ca: opts.ca,
    rejectUnauthorized: true,
    ...TLS_CLIENT_OPTIONS,
    keepAlive: true,
    maxSockets: 64,
    // SNI carries DNS names only; the certificate name check (checkServerIdentity, Node's default)
    // runs against the URL host either way, IP SANs included.
    ...(isIP(hostname) ? {} : { servername: hostname }),
  });

  const request: LinkClient['request'] = (method, path, body, extraHeaders = {}) =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const req = https.request(
        {
          agent,
          protocol: 'https:',
          hostname,
          port: base.port || 443,
          method,
          path,
          signal: AbortSignal.timeout(opts.timeoutMs),
          headers: {
            ...extraHeaders,
            accept: 'application/json',
            ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_RESPONSE_BYTES) {
              req.destroy(new LinkError('response_too_large'));
              return;
            }
            chunks.push(chunk);
          });
          res.on('error', reject);
          res.on('end', () => {
            const type = res.headers['content-type'] ?? '';
            if (res.statusCode === 204) return resolve({ status: 204, body: null });
            if (!/^application\/(problem\+)?json\b/.test(type)) return reject(new LinkError('not_json'));
            try {
              resolve({
                status: res.statusCode ?? 0,
                body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
              });
            } catch {
              reject(new LinkError('bad_json'));
            }
          });
        },
      );
      req.on('error', reject);
      req.end(payload);
    });

  return {
    request,
    async ping() {
      const started = performance.now();
      const latency = () => Math.round((performance.now() - started) * 10) / 10;
      try {
        const res = await request('GET', '/link/v1/ping');
        const body = res.body as { ok?: unknown; service?: unknown };
        if (res.status !== 200 || body.ok !== true || body.service !== 'dossier-internal') {
          return { ok: false, latencyMs: latency(), error: `http_${res.status}` };
        }
        return { ok: true, latencyMs: latency() };
      } catch (err) {
        return { ok: false, latencyMs: latency(), error: errorCode(err) };
      }
    },
    close() {
      agent.destroy();
    },
  };
}

class LinkError extends Error {
  readonly code: string;
  constructor(code: string) {
    super(`link: ${code}`);
    this.name = 'LinkError';
    this.code = code;
  }
}

function errorCode(err: unknown): string {
  const e = err as { code?: unknown; name?: unknown };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'timeout';
  return typeof e?.code === 'string' ? e.code : 'error';
}
