/**
 * Support for the tests in this folder only (not exported from index.ts): real SMTP servers
 * (smtp-server) on 127.0.0.1 with certificates from a throw-away private CA, a server that never
 * answers, a port nobody listens on, and a logger that records every call.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { TLS_SERVER_OPTIONS } from '../tls.ts';
import type { MailLogger } from './gateway.ts';

// The throw-away CA of the SMS adapter tests serves these too.
import type { TestPki } from '../sms/test-support.ts';
export { createTestPki, type TestPki } from '../sms/test-support.ts';

/** One message as the server received it. */
export interface Delivery {
  mailFrom: string;
  rcptTo: string[];
  /** Whether the session was under TLS when the message arrived, and which protocol. */
  secure: boolean;
  protocol: string | undefined;
  /** The AUTH user name, when the client authenticated. */
  user: string | undefined;
  raw: Buffer;
}

/** The parts of a received message the tests compare. */
export interface ParsedMail {
  from: string | undefined;
  to: string | undefined;
  subject: string | undefined;
  text: string | undefined;
  headers: Map<string, unknown>;
}

export interface SmtpServerMode {
  /** `starttls` (offered; default), `tls` (implicit TLS), `plain` (STARTTLS neither offered nor accepted). */
  security?: 'starttls' | 'tls' | 'plain';
  /** Require AUTH with these credentials; without it, AUTH is optional and any login fails. */
  credentials?: { username: string; password: string };
  /** Refuse RCPT TO for these addresses with 550. */
  refuseRecipients?: string[];
  /** Certificate and key (the PKI's internal server certificate names localhost and 127.0.0.1). */
  pki: Pick<TestPki, 'cert' | 'key'>;
  /** Loopback address to listen on; default 127.0.0.1. */
  host?: string;
}

export interface TestSmtpServer {
  host: string;
  port: number;
  deliveries: Delivery[];
  /** Every command a client sent, in order (AUTH arguments redacted by smtp-server). */
  commands: string[];
  /** Every AUTH attempt: user name and whether it was accepted. */
  logins: Array<{ username: string | undefined; accepted: boolean }>;
  /** TCP connections accepted. */
  readonly connections: number;
  close(): Promise<void>;
}

/** Starts smtp-server on a loopback address with a random port, recording what clients send. */
export async function startSmtpServer(mode: SmtpServerMode): Promise<TestSmtpServer> {
  const security = mode.security ?? 'starttls';
  const host = mode.host ?? '127.0.0.1';
  const deliveries: Delivery[] = [];
  const commands: string[] = [];
  const logins: TestSmtpServer['logins'] = [];
  const state = { connections: 0 };
  const record = (entry: Record<string, unknown>, ...args: unknown[]) => {
    if (entry?.tnx === 'command') commands.push(String(args[1] ?? entry.command));
  };
  const noop = () => undefined;
  const options: SMTPServerOptions = {
    ...TLS_SERVER_OPTIONS,
    key: mode.pki.key,
    cert: mode.pki.cert,
    secure: security === 'tls',
    name: 'mail.test',
    disableReverseLookup: true,
    disabledCommands: security === 'plain' ? ['STARTTLS'] : [],
    authOptional: !mode.credentials,
    socketTimeout: 5000,
    closeTimeout: 100,
    logger: { debug: record, info: noop, warn: noop, error: noop, trace: noop, fatal: noop, level: noop },
    onConnect(_session, callback) {
      state.connections++;
      callback();
    },
    onAuth(auth, _session, callback) {
      const ok =
        !!mode.credentials &&
        auth.username === mode.credentials.username &&
        auth.password === mode.credentials.password;
      logins.push({ username: auth.username, accepted: ok });
      if (!ok)
        return callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
      callback(null, { user: auth.username });
    },
    onRcptTo(address, _session, callback) {
      if (mode.refuseRecipients?.includes(address.address))
        return callback(
          Object.assign(new Error(`<${address.address}>: mailbox unavailable`), { responseCode: 550 }),
        );
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        deliveries.push({
          mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          rcptTo: session.envelope.rcptTo.map((r) => r.address),
          secure: session.secure,
          protocol: session.tlsOptions ? session.tlsOptions.version : undefined,
          user: session.user as string | undefined,
          raw: Buffer.concat(chunks),
        });
        callback(null, 'queued as test');
      });
    },
  };
  const server = new SMTPServer(options);
  // A TLS handshake the client aborts is expected in the negative tests.
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, host, () => resolve()));
  const port = (server.server.address() as { port: number }).port;
  return {
    host,
    port,
    deliveries,
    commands,
    logins,
    get connections() {
      return state.connections;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Parses a received message (MIME decoding of the subject and the quoted-printable text). */
export async function parseDelivery(d: Delivery): Promise<ParsedMail> {
  const mail = await simpleParser(d.raw);
  const text = (v: { text: string } | { text: string }[] | undefined) =>
    Array.isArray(v) ? v.map((x) => x.text).join(', ') : v?.text;
  return {
    from: text(mail.from),
    to: text(mail.to),
    subject: mail.subject,
    text: mail.text,
    headers: mail.headers as Map<string, unknown>,
  };
}

/** A TCP server on 127.0.0.1 that accepts connections and never says a word. */
export async function startSilentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A loopback port that was free a moment ago and has no listener now (connecting is refused). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A logger that records every call, serialised as the line a JSON logger would write. */
export function recordingLogger(): { logger: MailLogger; lines: string[] } {
  const lines: string[] = [];
  const record = (level: string) => (obj: Record<string, unknown>, msg: string) =>
    lines.push(JSON.stringify({ level, ...obj, msg }));
  return { logger: { info: record('info'), warn: record('warn') }, lines };
}
