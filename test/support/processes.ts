/**
 * The two servers as separate processes, started with the real CLI as an operator would: `dossier
 * init` on a fresh data directory (PGlite, or an empty PostgreSQL database), `dossier serve
 * internal` (staff API over TLS, the mTLS link), and `dossier serve portal` in a process of its own
 * with its own data directory holding only the portal's certificates (no key ring, no database URL,
 * no CA key), over HTTPS on loopback. Tests talk to both over HTTPS only.
 *
 * Where a test needs what a user would receive:
 * - e-mail: the development mail outbox logs each message's text (links included) in the internal
 *   server's log (`mail.logText`, the development default), which this harness reads;
 * - SMS: the internal server sends through the real signed-webhook transport to a receiver run by
 *   this harness over HTTPS (a certificate from the installation's private CA), which checks each
 *   signature. The in-memory development outbox cannot be read from another process.
 * - A client's second sign-in uses an authenticator app enrolled on the portal: SMS codes for one
 *   user are at least a minute apart (the SMS cooldown), and a test waits for no one.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { issueCertificate } from '../../src/platform/crypto/pki.ts';
import { testClamdSettings } from '../../src/platform/clamav/test-clamd.ts';
import { verifyWebhookSignature, type WebhookPayload } from '../../src/platform/sms/index.ts';
import { totpAt } from './auth.ts';
import { cliEnv, runCli, startCli, stopChild } from './cli.ts';
import { createEmptyDatabase, type TestDatabase } from './db.ts';

export const PORTAL_COOKIE = '__Host-dossier_portal';
export const CLIENT_PASSWORD = 'amber lantern quietly 29';

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json(): any;
}

export interface HttpsCall {
  method?: string;
  headers?: Record<string, string>;
  /** JSON (sent as application/json), or raw bytes / a stream (sent as they are). */
  json?: unknown;
  body?: Buffer | Readable;
  timeoutMs?: number;
}

/** One HTTPS request on a fresh connection, trusting only `ca`. */
export function httpsCall(url: string, ca: string, o: HttpsCall = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const json = o.json === undefined ? undefined : Buffer.from(JSON.stringify(o.json));
    const req = https.request(
      url,
      {
        ca,
        agent: false,
        method: o.method ?? 'GET',
        timeout: o.timeoutMs ?? 20_000,
        headers: {
          ...(json ? { 'content-type': 'application/json', 'content-length': String(json.length) } : {}),
          ...(Buffer.isBuffer(o.body) ? { 'content-length': String(o.body.length) } : {}),
          ...o.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          const text = body.toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body,
            text,
            json: () => JSON.parse(text),
          });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url}`)));
    req.on('error', reject);
    if (o.body instanceof Readable) o.body.pipe(req);
    else req.end(json ?? o.body);
  });
}

/** A browser on the portal: keeps the portal cookie and the CSRF token of the session. */
export interface PortalBrowser {
  cookie: string | null;
  csrf: string | null;
  call(method: string, path: string, o?: Omit<HttpsCall, 'method'>): Promise<HttpAnswer>;
}

/** A user's SMS as the webhook receiver got it (signature checked). */
export interface ReceivedSms extends WebhookPayload {
  receivedAt: Date;
}

export interface ServerProcesses {
  kind: 'pglite' | 'postgres';
  /** The internal server's data directory (key ring, PKI, documents, PGlite). */
  dataDir: string;
  /** The portal's data directory: its certificates and nothing else. */
  portalDir: string;
  /** The portal process's TMPDIR (empty unless the portal writes temporary files). */
  portalTmp: string;
  /** PEM of the installation's private CA (trust anchor for both servers). */
  ca: string;
  apiUrl: string;
  linkUrl: string;
  portalUrl: string;
  /** The first administrator API key, printed by `dossier init`. */
  adminToken: string;
  internal: ChildProcess;
  portal: ChildProcess;
  /** The internal server's stdout so far (JSON log lines). */
  internalLog(): string;
  /** Every SMS sent so far, oldest first. */
  sms: ReceivedSms[];
  /** Webhook calls whose signature did not verify (should stay 0). */
  badSms(): number;
  /** The 6-digit code of the first SMS after `after` messages (waits up to 10 s). */
  smsCode(after: number): Promise<string>;
  /** The invitation token of the first invitation e-mail after `after` of them (waits up to 10 s). */
  invitationToken(after: number): Promise<string>;
  invitationMails(): number;
  /** The staff API with the administrator key. */
  staff(method: string, path: string, json?: unknown): Promise<HttpAnswer>;
  browser(): PortalBrowser;
  /** Kills the internal server (SIGKILL: no graceful anything). */
  killInternal(): Promise<void>;
  close(): Promise<void>;
}

const TOKEN_IN_LOG = /#token=([A-Za-z0-9_-]{43})/g;

/** Starts the SMS webhook receiver with a certificate of the installation's CA. */
async function smsReceiver(pkiDir: string, secret: string) {
  const leaf = await issueCertificate(
    { cert: readFileSync(join(pkiDir, 'ca.crt'), 'utf8'), key: readFileSync(join(pkiDir, 'ca.key'), 'utf8') },
    { cn: 'dossier-test-sms', usage: 'server' },
  );
  const received: ReceivedSms[] = [];
  let bad = 0;
  let n = 0;
  const server = https.createServer({ cert: leaf.cert, key: leaf.key }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const ts = req.headers['x-dossier-timestamp'];
      const sig = req.headers['x-dossier-signature'];
      if (!verifyWebhookSignature(secret, String(ts), raw, typeof sig === 'string' ? sig : undefined)) {
        bad++;
        res.writeHead(401).end();
        return;
      }
      received.push({ ...(JSON.parse(raw.toString('utf8')) as WebhookPayload), receivedAt: new Date() });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `test-${++n}` }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `https://localhost:${(server.address() as { port: number }).port}/sms`,
    received,
    bad: () => bad,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

async function waitFor<T>(what: string, get: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = get();
    if (v !== undefined) return v;
    if (Date.now() > until) assert.fail(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/**
 * Initialises an installation and starts both servers. `env` adds DOSSIER_* settings to both
 * (e.g. DOSSIER_DOCUMENTS_MAX_UPLOAD_BYTES).
 */
export async function startServerProcesses(
  opts: { kind: 'pglite' | 'postgres'; env?: Record<string, string> } = { kind: 'pglite' },
): Promise<ServerProcesses> {
  const root = mkdtempSync(join(tmpdir(), 'dossier-procs-'));
  const dataDir = join(root, 'internal');
  const portalDir = join(root, 'portal');
  const portalTmp = join(root, 'portal-tmp');
  mkdirSync(portalTmp, { recursive: true });
  let database: TestDatabase | null = null;
  const children: ChildProcess[] = [];
  let receiver: Awaited<ReturnType<typeof smsReceiver>> | null = null;
  const cleanup = async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) await stopChild(c);
    await receiver?.close();
    await database?.dispose();
    rmSync(root, { recursive: true, force: true });
  };
  try {
    if (opts.kind === 'postgres') database = await createEmptyDatabase('postgres');
    const clamd = testClamdSettings();
    const base: Record<string, string> = {
      DOSSIER_DATA_DIR: dataDir,
      DOSSIER_LOG_LEVEL: 'info',
      ...(database ? { DOSSIER_DATABASE_URL: database.url! } : {}),
      ...(clamd?.socket
        ? { DOSSIER_CLAMD_SOCKET: clamd.socket }
        : clamd
          ? { DOSSIER_CLAMD_HOST: clamd.host!, DOSSIER_CLAMD_PORT: String(clamd.port) }
          : {}),
      ...opts.env,
    };
    const init = await runCli(['init'], cliEnv(base));
    assert.equal(init.code, 0, init.stderr);
    const adminToken = /(dsk_[0-9a-f]{16}_[A-Za-z0-9_-]{43})/.exec(init.stdout)?.[1];
    assert.ok(adminToken, init.stdout);
    const pkiDir = join(dataDir, 'pki');
    const ca = readFileSync(join(pkiDir, 'ca.crt'), 'utf8');

    const secret = `test-webhook-secret-${Math.random().toString(36).slice(2)}-0123456789abcdef`;
    receiver = await smsReceiver(pkiDir, secret);
    const configFile = join(root, 'internal.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        sms: { transport: 'webhook', url: receiver.url, secret, caFile: join(pkiDir, 'ca.crt') },
      }),
    );
    const internal = await startCli(
      ['serve', 'internal'],
      cliEnv({ ...base, DOSSIER_CONFIG: configFile, DOSSIER_INTERNAL_PORT: '0', DOSSIER_LINK_PORT: '0' }),
      /Internal API listening on (\S+); link on (\S+)/,
    );
    children.push(internal.child);
    const [, apiUrl, linkUrl] = /Internal API listening on (\S+); link on (\S+)/.exec(internal.stdout())!;

    // The DMZ host gets its own certificates and the CA certificate, nothing more.
    mkdirSync(join(portalDir, 'pki'), { recursive: true, mode: 0o700 });
    for (const f of ['ca.crt', 'portal.crt', 'portal.key', 'portal-link.crt', 'portal-link.key'])
      copyFileSync(join(pkiDir, f), join(portalDir, 'pki', f));
    const linkPort = new URL(linkUrl!).port;
    const portal = await startCli(
      ['serve', 'portal'],
      {
        ...cliEnv({
          DOSSIER_DATA_DIR: portalDir,
          DOSSIER_LOG_LEVEL: 'warn',
          DOSSIER_PORTAL_PORT: '0',
          DOSSIER_PORTAL_LINK_URL: `https://localhost:${linkPort}`,
          ...opts.env,
        }),
        TMPDIR: portalTmp,
      },
      /Portal listening on (\S+)/,
    );
    children.push(portal.child);
    const portalUrl = /Portal listening on (\S+)/.exec(portal.stdout())![1]!;

    const tokensInLog = () => [...internal.stdout().matchAll(TOKEN_IN_LOG)].map((m) => m[1]!);
    const rx = receiver;
    const stack: ServerProcesses = {
      kind: opts.kind,
      dataDir,
      portalDir,
      portalTmp,
      ca,
      apiUrl: apiUrl!,
      linkUrl: linkUrl!,
      portalUrl,
      adminToken,
      internal: internal.child,
      portal: portal.child,
      internalLog: internal.stdout,
      sms: rx.received,
      badSms: rx.bad,
      smsCode: (after) =>
        waitFor('an SMS code', () => {
          const m = rx.received.slice(after).find((s) => /\b\d{6}\b/.test(s.body));
          return m ? /\b(\d{6})\b/.exec(m.body)![1]! : undefined;
        }),
      invitationMails: () => tokensInLog().length,
      invitationToken: (after) => waitFor('an invitation e-mail', () => tokensInLog()[after]),
      staff: (method, path, json) =>
        httpsCall(`${apiUrl}${path}`, ca, {
          method,
          headers: { authorization: `Bearer ${adminToken}` },
          ...(json !== undefined ? { json } : {}),
        }),
      browser: () => portalBrowser(portalUrl, ca),
      async killInternal() {
        internal.child.removeAllListeners('exit');
        const exited = new Promise((r) => internal.child.once('exit', r));
        internal.child.kill('SIGKILL');
        await exited;
      },
      close: cleanup,
    };
    return stack;
  } catch (err) {
    await cleanup();
    throw err;
  }
}

function portalBrowser(portalUrl: string, ca: string): PortalBrowser {
  const b: PortalBrowser = {
    cookie: null,
    csrf: null,
    async call(method, path, o = {}) {
      const res = await httpsCall(`${portalUrl}${path}`, ca, {
        ...o,
        method,
        headers: {
          'user-agent': 'dossier-process-test',
          ...(b.cookie ? { cookie: `${PORTAL_COOKIE}=${b.cookie}` } : {}),
          ...(b.csrf && method !== 'GET' ? { 'x-csrf-token': b.csrf } : {}),
          ...o.headers,
        },
        ...(o.json === undefined && o.body === undefined && method !== 'GET' && method !== 'DELETE'
          ? { json: {} }
          : {}),
      });
      for (const c of [res.headers['set-cookie'] ?? []].flat()) {
        const m = new RegExp(`^${PORTAL_COOKIE}=([^;]*)`).exec(c);
        if (!m) continue;
        b.cookie = m[1] && !/Expires=Thu, 01 Jan 1970/i.test(c) ? m[1] : null;
        if (!b.cookie) b.csrf = null;
      }
      if (res.status === 200 && /json/.test(String(res.headers['content-type']))) {
        const body = res.json() as { csrfToken?: unknown };
        if (typeof body.csrfToken === 'string') b.csrf = body.csrfToken;
      }
      return res;
    },
  };
  return b;
}

/** What staff arranged for one client: organisation, user, an application with its applicant. */
export interface ArrangedClient {
  organisationId: string;
  userId: string;
  username: string;
  email: string;
  applicationId: string;
  subjectId: string;
}

let arranged = 0;

/**
 * Staff, over the staff API with the administrator key: a programme, a person, an application for
 * them, a client organisation, an owner user with a mobile number, the application given to the
 * organisation.
 */
export async function arrangeClient(p: ServerProcesses, orgName: string): Promise<ArrangedClient> {
  arranged++;
  const ok = (r: HttpAnswer, status: number) => {
    assert.equal(r.status, status, r.text);
    return r.json();
  };
  const programme = ok(
    await p.staff('POST', '/api/v1/programmes', {
      name: `Onboarding ${orgName}`,
      allowedEntityTypes: ['person', 'entity'],
    }),
    201,
  );
  const { subject } = ok(
    await p.staff('POST', '/api/v1/subjects', {
      kind: 'person',
      givenNames: 'Ada',
      familyName: `Client${arranged}`,
      dateOfBirth: '1980-02-03',
      programmeId: programme.id,
    }),
    201,
  );
  const application = ok(
    await p.staff('POST', '/api/v1/applications', {
      programmeId: programme.id,
      subjects: [{ subjectId: subject.id, role: 'applicant' }],
    }),
    201,
  );
  const organisation = ok(await p.staff('POST', '/api/v1/client-organisations', { name: orgName }), 201);
  const username = `owner${arranged}.${p.kind}`;
  const email = `${username}@client${arranged}.test`;
  const user = ok(
    await p.staff('POST', `/api/v1/client-organisations/${organisation.id}/users`, {
      username,
      email,
      displayName: `Owner ${arranged}`,
      role: 'owner',
      mobile: `+4477009001${String(arranged).padStart(2, '0')}`,
    }),
    201,
  );
  ok(
    await p.staff('PUT', `/api/v1/applications/${application.id}/client-organisation`, {
      organisationId: organisation.id,
    }),
    200,
  );
  return {
    organisationId: organisation.id,
    userId: user.id,
    username,
    email,
    applicationId: application.id,
    subjectId: subject.id,
  };
}

/**
 * The client's onboarding on the portal, as a browser does it: staff send the invitation; the
 * client opens it, passes the SMS code sent to the invited phone and sets a password; enrols an
 * authenticator app (while the invitation's second factor is fresh); signs out; signs in again with
 * password and the authenticator's code. Returns the signed-in browser and the authenticator secret.
 */
export async function onboardClient(
  p: ServerProcesses,
  c: ArrangedClient,
): Promise<{ browser: PortalBrowser; totpSecret: string }> {
  const mails = p.invitationMails();
  const sent = await p.staff('POST', `/api/v1/client-users/${c.userId}/invitations`, {});
  assert.equal(sent.status, 201, sent.text);
  const invitationToken = await p.invitationToken(mails);

  const browser = p.browser();
  const opened = await browser.call('POST', '/api/v1/invitations/open', { json: { invitationToken } });
  assert.equal(opened.status, 200, opened.text);
  assert.ok(browser.cookie, 'a pending session cookie');
  // Nothing is shown before the second factor (the portal then clears the cookie: put it back).
  const pending = browser.cookie;
  assert.equal((await browser.call('GET', '/api/v1/me')).status, 401);
  browser.cookie = pending;
  const smsBefore = p.sms.length;
  const sms = await browser.call('POST', '/api/v1/invitations/sms', { json: { invitationToken } });
  assert.equal(sms.status, 200, sms.text);
  const code = await p.smsCode(smsBefore);
  const accepted = await browser.call('POST', '/api/v1/invitations/accept', {
    json: { invitationToken, factor: 'sms', code, password: CLIENT_PASSWORD },
  });
  assert.equal(accepted.status, 200, accepted.text);
  assert.ok(browser.csrf);

  const enrol = await browser.call('POST', '/api/v1/me/factors/totp');
  assert.equal(enrol.status, 200, enrol.text);
  const totpSecret = enrol.json().secret as string;
  // The previous time step's code: the sign-in below uses the current one (each step is single use).
  const confirmed = await browser.call('POST', '/api/v1/me/factors/totp/confirm', {
    json: { code: totpAt(totpSecret, new Date(Date.now() - 30_000)) },
  });
  assert.equal(confirmed.status, 204, confirmed.text);
  assert.equal((await browser.call('POST', '/api/v1/auth/logout')).status, 204);
  assert.equal(browser.cookie, null);

  const login = await browser.call('POST', '/api/v1/auth/login', {
    json: { username: c.username, password: CLIENT_PASSWORD },
  });
  assert.equal(login.status, 200, login.text);
  assert.ok(login.json().factors.includes('totp'), login.text);
  const second = await browser.call('POST', '/api/v1/auth/login/second-factor', {
    json: { factor: 'totp', code: totpAt(totpSecret, new Date()) },
  });
  assert.equal(second.status, 200, second.text);
  assert.equal(second.json().status, 'signed_in');
  assert.equal('token' in second.json(), false, 'the session token stays in the cookie');
  const me = await browser.call('GET', '/api/v1/me');
  assert.equal(me.status, 200, me.text);
  assert.equal(me.json().id, c.userId);
  return { browser, totpSecret };
}

/** Every file under `dir` with its size and modification time. */
export function fileSnapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, e.name);
      if (e.isDirectory()) walk(path);
      else {
        const st = statSync(path);
        out.push(`${path}:${st.size}:${st.mtimeMs}`);
      }
    }
  };
  walk(dir);
  return out.sort();
}

/** Every file under `dir` (recursively). */
export function filesUnder(dir: string): string[] {
  return fileSnapshot(dir).map((l) => l.slice(0, l.indexOf(':')));
}
