/**
 * The portal access matrix (issue 7, "Must show"), generated from the routes themselves:
 * - every portal operation and every link route is listed and classified here: a new one fails this
 *   test until it has an entry (and a fixture for each of its parameters);
 * - without a client session, every non-public operation is refused (401), on the portal and on
 *   the link with the portal's own certificate;
 * - a client of organisation B, with a valid session and CSRF token and a valid body, gets 404 for
 *   every operation on organisation A's ids, and never sees A's ids in any answer;
 * - a read-only user of A is refused (403 `read_only`) every change to A's data;
 * - a client session cannot call any internal staff route (401), and the link, even with the
 *   portal's certificate, has none of them (404).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RouteOptions } from 'fastify';
import { PORTAL_OPERATIONS } from '../../src/servers/portal/client-routes.ts';
import type { PortalOperation } from '../../src/servers/portal/operations/operation.ts';
import { kycForm } from '../../src/modules/forms/definition/form-fixtures.ts';
import { PORTAL_COOKIE } from '../../src/servers/portal/client-routes.ts';
import { backends } from '../support/db.ts';
import { startPortalStack, type ClientSession, type PortalStack } from '../support/portal.ts';
import { SoftAuthenticator } from '../support/webauthn.ts';

/**
 * How each portal operation is tried. `org`: the operation acts on organisation data named by its
 * parameters (B must get 404 on A's ids) or lists the caller's own (B's answer must not contain A's
 * ids); `self`: the caller's own account; `public`: before a session. `change`: a read-only user
 * is refused. `body`: a valid body, so validation cannot answer before the ownership check.
 */
type Entry = {
  kind: 'org' | 'self' | 'public';
  change?: boolean;
  body?: unknown;
  /** A streamed file upload: a raw body, its file name header and the query from A's fixtures. */
  upload?: (f: Fixtures) => string;
};

const ADDRESS = { type: 'residential', lines: ['1 Matrix Street'], city: 'London', country: 'GB' };
const PERSON = { kind: 'person', givenNames: 'Mara', familyName: 'Trix', dateOfBirth: '1970-01-01' };

const ENTRIES: Record<string, Entry> = {
  'POST /auth/login': { kind: 'public' },
  'POST /auth/login/sms': { kind: 'public' },
  'POST /auth/login/second-factor': { kind: 'public' },
  'POST /invitations/open': { kind: 'public' },
  'POST /invitations/sms': { kind: 'public' },
  'POST /invitations/accept': { kind: 'public' },
  'POST /auth/logout': { kind: 'self' },
  'GET /me': { kind: 'self' },
  'POST /auth/step-up/sms': { kind: 'self' },
  'POST /auth/step-up': { kind: 'self' },
  'POST /me/password': { kind: 'self' },
  'GET /me/factors': { kind: 'self' },
  'POST /me/factors/totp': { kind: 'self' },
  'POST /me/factors/totp/confirm': { kind: 'self' },
  'DELETE /me/factors/totp': { kind: 'self' },
  'POST /auth/passkeys/sign-in/options': { kind: 'public' },
  'POST /auth/passkeys/sign-in': { kind: 'public' },
  'POST /auth/login/passkey/options': { kind: 'public' },
  'POST /auth/login/passkey': { kind: 'public' },
  'POST /auth/step-up/passkey/options': { kind: 'self' },
  'POST /auth/step-up/passkey': { kind: 'self' },
  'GET /me/passkeys': { kind: 'self' },
  'POST /me/passkeys/options': { kind: 'self' },
  'POST /me/passkeys': { kind: 'self' },
  // A passkey is the user's own, not the organisation's: anyone else's id is "not found".
  'PATCH /me/passkeys/:passkeyId': { kind: 'org', body: { name: 'renamed' } },
  'DELETE /me/passkeys/:passkeyId': { kind: 'org' },
  'GET /applications': { kind: 'org' },
  'GET /applications/:id': { kind: 'org' },
  'GET /applications/:id/documents': { kind: 'org' },
  'GET /applications/:id/document-types': { kind: 'org' },
  'POST /applications/:id/documents': {
    kind: 'org',
    change: true,
    upload: (f) => `?subjectId=${f.subjectId}&type=other`,
  },
  'GET /applications/:id/forms': { kind: 'org' },
  'GET /applications/:id/forms/:assignmentId': { kind: 'org' },
  'PUT /applications/:id/forms/:assignmentId/draft': { kind: 'org', change: true, body: { answers: {} } },
  'POST /applications/:id/forms/:assignmentId/submit': { kind: 'org', change: true, body: { answers: {} } },
  'GET /applications/:id/parties': { kind: 'org' },
  'POST /applications/:id/parties': {
    kind: 'org',
    change: true,
    body: { subject: PERSON, roles: ['director'] },
  },
  'PUT /applications/:id/parties/:subjectId': { kind: 'org', change: true, body: { version: 1 } },
  'DELETE /applications/:id/parties/:subjectId': { kind: 'org', change: true },
  'GET /applications/:id/notes': { kind: 'org' },
  'POST /applications/:id/notes': { kind: 'org', change: true, body: { body: 'hello' } },
  'GET /applications/:id/requests': { kind: 'org' },
  'GET /applications/:id/requests/:requestId': { kind: 'org' },
  'PUT /applications/:id/requests/:requestId/items/:itemId': {
    kind: 'org',
    change: true,
    body: { values: { addresses: [ADDRESS] } },
  },
  'GET /tasks': { kind: 'org' },
  'GET /applications/:id/missing': { kind: 'org' },
  'GET /applications/:id/meetings': { kind: 'org' },
  // Not a change: an invited read-only user may say whether they attend.
  'POST /applications/:id/meetings/:meetingId/response': { kind: 'org', body: { response: 'confirmed' } },
};

/** Organisation A's objects, by the parameter name that carries them. Filled in `before`. */
type Fixtures = Record<string, string>;

async function arrangeFixtures(s: PortalStack, owner: ClientSession): Promise<Fixtures> {
  const ok = (r: { statusCode: number; body: string }, what: string) =>
    assert.ok(r.statusCode < 300, `${what}: ${r.body}`);
  const id = await s.applicationFor(owner.organisationId);
  const app = (await s.staffCall('GET', `/api/v1/applications/${id}`)).json();
  const mainSubject = app.subjects[0].id as string;
  // A party the organisation added itself.
  const party = await s.portalCall('POST', `/api/v1/applications/${id}/parties`, {
    as: owner,
    body: { subject: PERSON, roles: ['director'] },
  });
  ok(party, 'party');
  // A questionnaire given to the application.
  const form = await s.staffCall('POST', `/api/v1/programmes/${app.programme.id}/forms`, {
    key: `matrix-${id.slice(0, 8)}`,
    title: 'Matrix questionnaire',
    definition: { ...kycForm(), key: `matrix-${id.slice(0, 8)}` },
  });
  ok(form, 'form');
  ok(await s.staffCall('POST', `/api/v1/forms/${form.json().id}/publish`), 'publish');
  const assignment = await s.staffCall('POST', `/api/v1/applications/${id}/forms`, {
    formId: form.json().id,
  });
  ok(assignment, 'assignment');
  // A request for updated fields of the main subject.
  const request = await s.staffCall('POST', `/api/v1/applications/${id}/client-requests`, {
    title: 'Matrix review',
    dueAt: new Date(Date.now() + 14 * 86_400_000).toISOString(),
    items: [{ kind: 'fields', subjectId: mainSubject, fields: ['addresses'] }],
  });
  ok(request, 'request');
  // A meeting the owner is invited to.
  const meeting = await s.staffCall('POST', `/api/v1/applications/${id}/meetings`, {
    mode: 'in_person',
    location: 'Head office',
    startsAt: new Date(Date.now() + 48 * 3_600_000).toISOString(),
    durationMinutes: 30,
    agenda: 'Matrix',
    participants: { staffUserIds: [], clientUserIds: [owner.userId] },
  });
  ok(meeting, 'meeting');
  // A passkey of the owner (the software authenticator answers for the portal's origin).
  const soft = new SoftAuthenticator({ origin: s.t.auth.clientSignIn.passkeys!.origin });
  const options = await s.portalCall('POST', '/api/v1/me/passkeys/options', { as: owner });
  ok(options, 'passkey options');
  const passkey = await s.portalCall('POST', '/api/v1/me/passkeys', {
    as: owner,
    body: { name: 'matrix', response: soft.register(options.json()) },
  });
  ok(passkey, 'passkey');
  return {
    passkeyId: passkey.json().id,
    id,
    subjectId: party.json().id,
    assignmentId: assignment.json().id,
    requestId: request.json().id,
    itemId: request.json().items[0].id,
    meetingId: meeting.json().id,
  };
}

const keyOf = (op: PortalOperation) => `${op.method} ${op.path}`;

/** Calls a portal operation on the given ids as `who` (null: no session), with its entry's body. */
function callOp(s: PortalStack, op: PortalOperation, f: Fixtures, who: ClientSession | null) {
  const entry = ENTRIES[keyOf(op)]!;
  const url = `/api/v1${fill(op.path, f)}`;
  if (entry.upload) {
    return s.portal.inject({
      method: 'POST',
      url: url + entry.upload(f),
      headers: {
        'content-type': 'application/octet-stream',
        'x-file-name': 'note.txt',
        ...(who ? { cookie: `${PORTAL_COOKIE}=${who.cookie}`, 'x-csrf-token': who.csrf } : {}),
      },
      payload: Buffer.from('a plain text note\n'),
    });
  }
  return s.portalCall(op.method, url, {
    ...(who ? { as: who } : {}),
    ...(entry.body !== undefined ? { body: entry.body } : {}),
  });
}
const fill = (path: string, f: Fixtures) =>
  path.replace(/:([A-Za-z]+)/g, (_m, name: string) => {
    const v = f[name];
    assert.ok(v, `no fixture of organisation A for the parameter :${name} (in ${path})`);
    return v;
  });

for (const backend of backends) {
  describe(`portal access matrix (${backend.kind})`, () => {
    let s: PortalStack;
    let a: ClientSession;
    let aReadOnly: ClientSession;
    let b: ClientSession;
    let fixtures: Fixtures;
    const linkRoutes: { method: string; url: string; client: string | undefined }[] = [];
    const staffRoutes: { method: string; url: string; access: unknown }[] = [];

    before(async () => {
      s = await startPortalStack(backend, {
        onLinkRoute: (r: RouteOptions) => {
          for (const m of [r.method].flat())
            if (m !== 'HEAD') linkRoutes.push({ method: m, url: r.url, client: r.config?.client });
        },
        onRoute: (r: RouteOptions) => {
          for (const m of [r.method].flat())
            if (m !== 'HEAD') staffRoutes.push({ method: m, url: r.url, access: r.config?.access });
        },
      });
      a = await s.newClient('Matrix A');
      aReadOnly = await s.addClient(a.organisationId, 'read_only');
      b = await s.newClient('Matrix B');
      fixtures = await arrangeFixtures(s, a);
      // B has data of its own too, so "nothing of A" is not trivially true of an empty answer.
      await arrangeFixtures(s, b);
    });
    after(async () => s?.close());

    it('the link routes are seen', () => assert.ok(linkRoutes.length > 10, JSON.stringify(linkRoutes)));

    it('every portal operation has an entry, every entry an operation, and each one a link route', () => {
      const keys = PORTAL_OPERATIONS.map(keyOf);
      for (const k of keys) assert.ok(ENTRIES[k], `no matrix entry for the portal operation ${k}`);
      for (const k of Object.keys(ENTRIES))
        assert.ok(keys.includes(k), `a matrix entry without an operation: ${k}`);
      for (const op of PORTAL_OPERATIONS) {
        const route = linkRoutes.find((r) => r.method === op.method && r.url === op.link);
        assert.ok(route, `${keyOf(op)} forwards to ${op.link}, which the link does not have`);
        assert.equal(route.client, op.public ? 'public' : 'session', `${keyOf(op)}: public on one side only`);
      }
    });

    it('every link route is reached by a portal operation (nothing else is exposed)', () => {
      for (const r of linkRoutes) {
        if (r.url === '/link/v1/ping') continue;
        assert.ok(
          PORTAL_OPERATIONS.some((op) => op.method === r.method && op.link === r.url),
          `link route ${r.method} ${r.url} is not an operation of the portal`,
        );
      }
    });

    it('without a client session every non-public operation is refused, on the portal and on the link', async () => {
      for (const op of PORTAL_OPERATIONS.filter((o) => !o.public)) {
        const entry = ENTRIES[keyOf(op)]!;
        const res = await callOp(s, op, fixtures, null);
        assert.equal(res.statusCode, 401, `${keyOf(op)} without a session: ${res.body}`);
        const direct = await s.linkClient.request(
          op.method,
          fill(op.link, fixtures),
          op.method === 'GET' || op.method === 'DELETE' ? undefined : (entry.body ?? {}),
        );
        assert.equal(direct.status, 401, `${op.link} on the link without a session`);
      }
    });

    it("A's own owner reads every one of A's objects (the fixtures are real, so B's 404s mean something)", async () => {
      for (const op of PORTAL_OPERATIONS) {
        if (ENTRIES[keyOf(op)]!.kind !== 'org' || op.method !== 'GET') continue;
        const res = await callOp(s, op, fixtures, a);
        assert.equal(res.statusCode, 200, `${keyOf(op)} as A: ${res.body}`);
      }
    });

    it("organisation B gets 404 for every operation on A's ids, and never sees A's ids", async () => {
      const aIds = Object.values(fixtures);
      for (const op of PORTAL_OPERATIONS) {
        const entry = ENTRIES[keyOf(op)]!;
        if (entry.kind !== 'org') continue;
        const res = await callOp(s, op, fixtures, b);
        if (op.path.includes(':')) {
          assert.equal(res.statusCode, 404, `${keyOf(op)} as B on A's ids: ${res.body}`);
        } else {
          assert.ok(res.statusCode < 500, `${keyOf(op)} as B: ${res.body}`);
          for (const id of aIds) assert.ok(!res.body.includes(id), `${keyOf(op)} as B shows A's ${id}`);
        }
      }
    });

    it('a read-only user is refused every change', async () => {
      for (const op of PORTAL_OPERATIONS) {
        const entry = ENTRIES[keyOf(op)]!;
        if (!entry.change) continue;
        const res = await callOp(s, op, fixtures, aReadOnly);
        assert.equal(res.statusCode, 403, `${keyOf(op)} as read-only: ${res.body}`);
        assert.equal(res.json().reason, 'read_only', keyOf(op));
      }
    });

    it('a client session reaches no internal staff route, and the link has none of them', async () => {
      assert.ok(staffRoutes.length > 50);
      const sample = '00000000-0000-4000-8000-000000000000';
      for (const r of staffRoutes) {
        if (r.access === 'public') continue;
        if (r.access === undefined) {
          assert.ok(r.url.startsWith('/api/docs'), `${r.method} ${r.url} declares no access`);
          continue;
        }
        const url = r.url.replace(/:[A-Za-z]+/g, sample);
        const res = await s.t.app.inject({
          method: r.method as 'GET',
          url,
          headers: { cookie: `__Host-dossier_session=${a.cookie}`, 'x-csrf-token': a.csrf },
          ...(r.method === 'GET' || r.method === 'DELETE' ? {} : { payload: {} }),
        });
        assert.equal(res.statusCode, 401, `${r.method} ${r.url} with a client session: ${res.body}`);
        if (url.startsWith('/api/')) {
          const viaLink = await s.linkClient.request(
            r.method as 'GET',
            url,
            r.method === 'GET' || r.method === 'DELETE' ? undefined : {},
            { 'x-dossier-client-session': a.cookie, 'x-csrf-token': a.csrf },
          );
          assert.equal(viaLink.status, 404, `${r.method} ${url} must not exist on the link`);
        }
      }
    });
  });
}
