/**
 * Support for the tests in this folder only (not exported from index.ts): loopback HTTPS servers
 * with certificates from a throw-away private CA, and a logger that records every call.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPki } from '../crypto/pki.ts';
import { TLS_SERVER_OPTIONS } from '../tls.ts';
import type { SmsLogger } from './gateway.ts';

/** A private CA (PEM) and a server certificate for localhost and the loopback addresses. */
export interface TestPki {
  ca: string;
  caFile: string;
  cert: string;
  key: string;
  /** Removes the directory. */
  remove(): void;
}

/** Creates a fresh, unrelated CA in a temporary directory. */
export async function createTestPki(): Promise<TestPki> {
  const root = mkdtempSync(join(tmpdir(), 'dossier-sms-'));
  const pki = await createPki(join(root, 'pki'));
  return {
    ca: readFileSync(pki.caCert, 'utf8'),
    caFile: pki.caCert,
    cert: readFileSync(pki.internalCert, 'utf8'),
    key: readFileSync(pki.internalKey, 'utf8'),
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}

export type Handler = (req: IncomingMessage, raw: Buffer, res: ServerResponse) => unknown;

export interface TestServer {
  /** https://127.0.0.1:<port> */
  origin: string;
  server: Server;
  /** How many requests reached the handler. */
  requests: number;
  close(): Promise<void>;
}

/** Starts an HTTPS server on a loopback address (default 127.0.0.1) that buffers each request body, then calls `handler`. */
export async function startHttpsServer(
  pki: Pick<TestPki, 'cert' | 'key'>,
  handler: Handler,
  host = '127.0.0.1',
): Promise<TestServer> {
  const state = { requests: 0 };
  const server = createServer({ cert: pki.cert, key: pki.key, ...TLS_SERVER_OPTIONS }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      state.requests++;
      Promise.resolve(handler(req, Buffer.concat(chunks), res)).catch((err: unknown) => {
        res.statusCode = 599;
        res.end(String(err));
      });
    });
  });
  // A TLS handshake the client aborts is expected in the negative tests.
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const port = (server.address() as { port: number }).port;
  return {
    origin: `https://${host}:${port}`,
    server,
    get requests() {
      return state.requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Sends a JSON answer. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const raw = Buffer.from(JSON.stringify(body));
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': raw.length,
    ...headers,
  });
  res.end(raw);
}

/** A logger that records every call, serialised as the line a JSON logger would write. */
export function recordingLogger(): { logger: SmsLogger; lines: string[] } {
  const lines: string[] = [];
  const record = (level: string) => (obj: Record<string, unknown>, msg: string) =>
    lines.push(JSON.stringify({ level, ...obj, msg }));
  return { logger: { info: record('info'), warn: record('warn') }, lines };
}
