/**
 * The portal's side of the link: HTTPS to the internal server's link listener, presenting the
 * portal-link client certificate and trusting the private CA only. The server certificate is always
 * verified, including its name against the URL host.
 */
import { TLS_CLIENT_OPTIONS } from '../../platform/tls.ts';
import { readFileSync } from 'node:fs';
import type { ClientRequest, IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
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
  /**
   * Streams `body` as the raw request body (`application/octet-stream`) of one link call and
   * returns the JSON answer. Never buffers the body: it is piped with backpressure. A failure of
   * `body` (the portal's size cap, the browser going away) aborts the link call and rejects with
   * that same error; a link failure (refused, reset, idle for `timeoutMs` but at least two minutes)
   * rejects with a link error and leaves `body` untouched, so the caller can still answer its
   * client. An answer that comes before the whole body was sent (a refusal) ends the call: the rest
   * is not sent and the connection is not reused.
   */
  stream(
    method: 'POST' | 'PUT',
    path: string,
    body: Readable,
    headers?: Record<string, string>,
    opts?: { contentLength?: number },
  ): Promise<{ status: number; body: unknown }>;
  /** Closes pooled connections. */
  close(): void;
}

/** The least idle time a streamed call tolerates (whatever `timeoutMs`, which suits JSON calls). */
const STREAM_IDLE_TIMEOUT_MS = 120_000;

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

  const target = (method: string, path: string) => ({
    agent,
    protocol: 'https:',
    hostname,
    port: base.port || 443,
    method,
    path,
  });

  const request: LinkClient['request'] = (method, path, body, extraHeaders = {}) =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const req = https.request(
        {
          ...target(method, path),
          signal: AbortSignal.timeout(opts.timeoutMs),
          headers: {
            ...extraHeaders,
            accept: 'application/json',
            ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
          },
        },
        (res) => readJsonAnswer(res, req).then(resolve, reject),
      );
      req.on('error', reject);
      req.end(payload);
    });

  const stream: LinkClient['stream'] = (method, path, body, extraHeaders = {}, streamOpts = {}) =>
    new Promise((resolve, reject) => {
      let settled = false;
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        fn();
      };
      const req = https.request(
        {
          ...target(method, path),
          headers: {
            ...extraHeaders,
            accept: 'application/json',
            'content-type': 'application/octet-stream',
            // Without a length, Node sends the body chunked.
            ...(streamOpts.contentLength !== undefined ? { 'content-length': streamOpts.contentLength } : {}),
          },
        },
        (res) =>
          readJsonAnswer(res, req).then(
            (answer) => {
              // Answered before the whole body went (a refusal): stop sending, drop the connection.
              if (!req.writableFinished) stopSending();
              settle(() => resolve(answer));
            },
            (err: unknown) => {
              stopSending();
              settle(() => reject(err));
            },
          ),
      );
      const stopSending = () => {
        body.unpipe(req);
        req.destroy();
      };
      // An upload may take a while as a whole; what must not happen is a link that stops moving. After
      // the last byte the internal server may be quiet for a while (scan verdict, archive checks).
      req.setTimeout(Math.max(opts.timeoutMs, STREAM_IDLE_TIMEOUT_MS), () =>
        req.destroy(new LinkError('timeout')),
      );
      req.on('error', (err) => {
        body.unpipe(req);
        settle(() => reject(err));
      });
      // Stays attached after the call settled: a late failure of the source must not go unhandled.
      const onSourceError = (err: unknown) => {
        req.destroy(new LinkError('source_failed'));
        settle(() => reject(err));
      };
      body.on('error', onSourceError);
      body.pipe(req);
    });

  return {
    request,
    stream,
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

/** Reads one JSON (or problem+json) answer of at most MAX_RESPONSE_BYTES; 204 has no body. */
function readJsonAnswer(
  res: IncomingMessage,
  req: ClientRequest,
): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
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
  });
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
