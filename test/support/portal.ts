/**
 * The portal stack for tests: the internal test app, its link listener over real mTLS on loopback
 * (a fresh private CA), the portal app (driven with `inject`) calling that link, and helpers to
 * arrange client organisations, client users (onboarded through the real invitation and SMS-code
 * flow) and applications of an organisation.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LightMyRequestResponse, RouteOptions } from 'fastify';
import { createPki, type PkiFiles } from '../../src/platform/crypto/pki.ts';
import { buildLinkApp } from '../../src/servers/internal/link/build-link-app.ts';
import { PORTAL_COOKIE } from '../../src/servers/portal/client-routes.ts';
import { buildPortalApp } from '../../src/servers/portal/build-app.ts';
import { createLinkClient, type LinkClient } from '../../src/servers/portal/link-client.ts';
import type { App } from '../../src/servers/shared/create-http-app.ts';
import { startTestApp, testConfig, type StartTestAppOptions, type TestApp } from './app.ts';
import type { TestBackend } from './db.ts';
import { makeApplication } from './factories-applications.ts';

export const CLIENT_PASSWORD = 'amber lantern quietly 29';

/** A signed-in client user on the portal: the portal cookie and the CSRF token. */
export interface ClientSession {
  userId: string;
  organisationId: string;
  cookie: string;
  csrf: string;
}

export interface PortalCallOptions {
  /** The portal session cookie, or a ClientSession (cookie and CSRF token both sent). */
  as?: ClientSession | null;
  cookie?: string | null;
  csrf?: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** A raw payload (string or Buffer) instead of JSON. */
  payload?: string | Buffer;
}

export interface PortalStack {
  t: TestApp;
  root: string;
  pki: PkiFiles;
  link: App;
  linkPort: number;
  portal: App;
  linkClient: LinkClient;
  /** A request to the portal's client API (`inject`). */
  portalCall(method: string, url: string, o?: PortalCallOptions): Promise<LightMyRequestResponse>;
  /** A request to the internal staff API as the test administrator. */
  staffCall(method: string, url: string, body?: unknown): Promise<LightMyRequestResponse>;
  cookieOf(res: LightMyRequestResponse): string | null;
  createOrganisation(name: string): Promise<string>;
  /** Creates a client user (status invited) and returns its id. */
  createClientUser(
    organisationId: string,
    u: { username: string; email: string; role?: 'owner' | 'contributor' | 'read_only'; mobile?: string },
  ): Promise<string>;
  /** Invites the user, opens the invitation on the portal, passes the SMS code, sets the password. */
  onboardClient(userId: string, organisationId: string, email: string): Promise<ClientSession>;
  /** Opens an invitation link on the portal, passes the SMS code and sets the password. */
  acceptInvitationToken(
    token: string,
  ): Promise<{ cookie: string; csrf: string; applicationId: string | null }>;
  /** Organisation + user + signed-in session in one step. */
  newClient(
    orgName: string,
    role?: 'owner' | 'contributor' | 'read_only',
  ): Promise<ClientSession & { email: string }>;
  /** Adds one more signed-in user to an existing organisation. */
  addClient(
    organisationId: string,
    role: 'owner' | 'contributor' | 'read_only',
  ): Promise<ClientSession & { email: string }>;
  /** A new application (with its demo subject) given to the organisation. */
  applicationFor(organisationId: string): Promise<string>;
  close(): Promise<void>;
}

let counter = 0;

export async function startPortalStack(
  backend: TestBackend,
  opts: StartTestAppOptions & { onLinkRoute?: (route: RouteOptions) => void } = {},
): Promise<PortalStack> {
  const t = await startTestApp(backend, opts);
  const root = mkdtempSync(join(tmpdir(), 'dossier-portal-'));
  const pki = await createPki(join(root, 'pki'));
  const read = (p: string) => readFileSync(p, 'utf8');
  const config = testConfig({ DOSSIER_DATA_DIR: root });
  const link = await buildLinkApp(
    { config, database: t.database, keyring: t.ctx.keyring, auth: t.auth, documents: t.documents },
    {
      logger: false,
      tls: { cert: read(pki.internalCert), key: read(pki.internalKey), ca: read(pki.caCert) },
      onRoute: opts.onLinkRoute,
    },
  );
  await link.listen({ host: '127.0.0.1', port: 0 });
  const linkPort = (link.server.address() as { port: number }).port;
  const linkClient = createLinkClient({
    url: `https://localhost:${linkPort}`,
    cert: read(pki.portalLinkCert),
    key: read(pki.portalLinkKey),
    ca: read(pki.caCert),
    timeoutMs: 10_000,
  });
  const portal = await buildPortalApp({
    config: testConfig({ DOSSIER_DATA_DIR: root, DOSSIER_PORTAL_TLS: 'false' }),
    logger: false,
    linkClient,
  });
  await portal.ready();

  const portalCall: PortalStack['portalCall'] = (method, url, o = {}) => {
    const cookie = o.as ? o.as.cookie : o.cookie;
    const csrf = o.as ? (o.csrf ?? o.as.csrf) : o.csrf;
    const hasBody = method !== 'GET' && method !== 'DELETE' && method !== 'HEAD';
    return portal.inject({
      method: method as 'GET',
      url,
      headers: {
        ...o.headers,
        ...(cookie ? { cookie: `${PORTAL_COOKIE}=${cookie}` } : {}),
        ...(csrf ? { 'x-csrf-token': csrf } : {}),
      },
      ...(o.payload !== undefined
        ? { payload: o.payload }
        : o.body !== undefined
          ? { payload: o.body as object }
          : hasBody
            ? { payload: {} }
            : {}),
    });
  };
  const staffCall: PortalStack['staffCall'] = (method, url, body) =>
    t.call(method, url, { token: t.adminToken, ...(body !== undefined ? { body } : {}) });
  const cookieOf = (res: LightMyRequestResponse) =>
    res.cookies.find((c) => c.name === PORTAL_COOKIE)?.value ?? null;

  const createOrganisation = async (name: string) => {
    const r = await staffCall('POST', '/api/v1/client-organisations', { name });
    assert.equal(r.statusCode, 201, r.body);
    return r.json().id as string;
  };
  const createClientUser: PortalStack['createClientUser'] = async (organisationId, u) => {
    const r = await staffCall('POST', `/api/v1/client-organisations/${organisationId}/users`, {
      username: u.username,
      email: u.email,
      displayName: u.username,
      role: u.role ?? 'owner',
      mobile: u.mobile ?? `+4477009${String(100_00 + (counter % 90_000)).padStart(5, '0')}`,
    });
    assert.equal(r.statusCode, 201, r.body);
    return r.json().id as string;
  };
  const invitationToken = (email: string) => {
    const mail = [...t.mailOutbox.messages()].reverse().find((m) => m.to === email);
    const m = mail?.text.match(/#token=([A-Za-z0-9_-]+)/);
    assert.ok(m, `an invitation e-mail to ${email}`);
    return m[1]!;
  };
  const acceptInvitationToken: PortalStack['acceptInvitationToken'] = async (invitationTokenValue) => {
    const opened = await portalCall('POST', '/api/v1/invitations/open', {
      body: { invitationToken: invitationTokenValue },
    });
    assert.equal(opened.statusCode, 200, opened.body);
    const pending = cookieOf(opened)!;
    const sms = await portalCall('POST', '/api/v1/invitations/sms', {
      cookie: pending,
      body: { invitationToken: invitationTokenValue },
    });
    assert.equal(sms.statusCode, 200, sms.body);
    const code = t.smsOutbox
      .messages()
      .at(-1)!
      .body.match(/(\d{6})/)![1]!;
    const accepted = await portalCall('POST', '/api/v1/invitations/accept', {
      cookie: pending,
      body: { invitationToken: invitationTokenValue, factor: 'sms', code, password: CLIENT_PASSWORD },
    });
    assert.equal(accepted.statusCode, 200, accepted.body);
    return {
      cookie: cookieOf(accepted)!,
      csrf: accepted.json().csrfToken as string,
      applicationId: accepted.json().applicationId as string | null,
    };
  };
  const onboardClient: PortalStack['onboardClient'] = async (userId, organisationId, email) => {
    const sent = await staffCall('POST', `/api/v1/client-users/${userId}/invitations`);
    assert.equal(sent.statusCode, 201, sent.body);
    const { cookie, csrf } = await acceptInvitationToken(invitationToken(email));
    return { userId, organisationId, cookie, csrf };
  };
  const addClient: PortalStack['addClient'] = async (organisationId, role) => {
    counter += 1;
    const username = `client${counter}.${role}`;
    const email = `${username}@org${counter}.test`;
    const userId = await createClientUser(organisationId, { username, email, role });
    return { ...(await onboardClient(userId, organisationId, email)), email };
  };
  const newClient: PortalStack['newClient'] = async (orgName, role = 'owner') =>
    addClient(await createOrganisation(orgName), role);
  const applicationFor = async (organisationId: string) => {
    const id = (await makeApplication(t.ctx)).id;
    const r = await staffCall('PUT', `/api/v1/applications/${id}/client-organisation`, { organisationId });
    assert.equal(r.statusCode, 200, r.body);
    return id;
  };

  return {
    t,
    root,
    pki,
    link,
    linkPort,
    portal,
    linkClient,
    portalCall,
    staffCall,
    cookieOf,
    createOrganisation,
    createClientUser,
    onboardClient,
    acceptInvitationToken,
    newClient,
    addClient,
    applicationFor,
    close: async () => {
      await portal.close();
      linkClient.close();
      await link.close();
      await t.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
