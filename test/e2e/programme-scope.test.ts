/**
 * Programme membership over HTTP (issue 4, item 3): a staff user or API key sees only the data of
 * its programmes. Lists are filtered in the query; a single object of another programme answers
 * 404, never 403; leaving a programme takes effect on the next request.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ApplicationView } from '../../src/modules/applications/index.ts';
import type { ProgrammeView } from '../../src/modules/programmes/index.ts';
import { setProgrammeMembers } from '../../src/modules/programmes/index.ts';
import { backends } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { browser, controlClock, createStaff, signInWithTotp, type TestStaff } from '../support/auth.ts';
import { makeApplication, makeProgramme } from '../support/factories-applications.ts';

for (const backend of backends) {
  describe(`programme membership [${backend.kind}]`, () => {
    let t: TestApp;
    let clock: ReturnType<typeof controlClock>;
    let mine: ProgrammeView;
    let theirs: ProgrammeView;
    let myApp: ApplicationView;
    let theirApp: ApplicationView;
    let analyst: TestStaff;
    let s: { token: string; csrf: string };

    before(async () => {
      t = await startTestApp(backend);
      clock = controlClock(t);
      mine = await makeProgramme(t.ctx);
      theirs = await makeProgramme(t.ctx);
      myApp = await makeApplication(t.ctx, { programmeId: mine.id });
      theirApp = await makeApplication(t.ctx, { programmeId: theirs.id });
      analyst = await createStaff(t, {
        totp: true,
        rights: ['programme:read', 'application:read', 'application:write', 'application:transition'],
      });
      await setProgrammeMembers(t.ctx, mine.id, [analyst.id]);
      s = await signInWithTotp(t, analyst, clock);
    });
    after(() => t.close());

    const get = (url: string) => browser(t, 'GET', url, { cookie: s.token });

    it('lists show only the programmes and applications of the member', async () => {
      const programmes = (await get('/api/v1/programmes?limit=200')).json().items as { id: string }[];
      assert.deepEqual(
        programmes.map((p) => p.id),
        [mine.id],
      );
      const apps = (await get('/api/v1/applications?limit=200')).json().items as { id: string }[];
      assert.deepEqual(
        apps.map((a) => a.id),
        [myApp.id],
      );
      const filtered = await get(`/api/v1/applications?programmeId=${theirs.id}`);
      assert.equal(filtered.statusCode, 200);
      assert.deepEqual(filtered.json().items, []);
    });

    it('another programme’s objects answer 404, reading and writing', async () => {
      assert.equal((await get(`/api/v1/programmes/${mine.id}`)).statusCode, 200);
      assert.equal((await get(`/api/v1/programmes/${theirs.id}`)).statusCode, 404);
      assert.equal((await get(`/api/v1/applications/${myApp.id}`)).statusCode, 200);
      assert.equal((await get(`/api/v1/applications/${theirApp.id}`)).statusCode, 404);
      assert.equal((await get(`/api/v1/applications/${theirApp.id}/notes`)).statusCode, 404);
      const note = await browser(t, 'POST', `/api/v1/applications/${theirApp.id}/notes`, {
        cookie: s.token,
        csrf: s.csrf,
        body: { body: 'peeking' },
      });
      assert.equal(note.statusCode, 404);
      const create = await browser(t, 'POST', '/api/v1/applications', {
        cookie: s.token,
        csrf: s.csrf,
        body: {
          programmeId: theirs.id,
          subjects: [{ subjectId: myApp.subjects[0]!.id, role: 'applicant' }],
        },
      });
      assert.equal(create.statusCode, 400);
      assert.match(create.body, /no such programme/);
    });

    it('a programme a staff user creates is theirs', async () => {
      // programme:manage and application:transition are separated duties: another user.
      const manager = await createStaff(t, { totp: true, rights: ['programme:read', 'programme:manage'] });
      const m = await signInWithTotp(t, manager, clock);
      const res = await browser(t, 'POST', '/api/v1/programmes', {
        cookie: m.token,
        csrf: m.csrf,
        body: { name: 'Made by the manager', allowedEntityTypes: ['person'] },
      });
      assert.equal(res.statusCode, 201, res.body);
      assert.equal(
        (await browser(t, 'GET', `/api/v1/programmes/${res.json().id}`, { cookie: m.token })).statusCode,
        200,
      );
      assert.equal((await get(`/api/v1/programmes/${res.json().id}`)).statusCode, 404);
    });

    it('leaving the programme takes effect on the next request', async () => {
      await setProgrammeMembers(t.ctx, mine.id, []);
      assert.equal((await get(`/api/v1/applications/${myApp.id}`)).statusCode, 404);
      await setProgrammeMembers(t.ctx, mine.id, [analyst.id]);
      assert.equal((await get(`/api/v1/applications/${myApp.id}`)).statusCode, 200);
    });

    it('API keys: scoped to their programmes; no key can be given a programme its creator cannot see', async () => {
      const scoped = await t.call('POST', '/api/v1/api-keys', {
        body: { name: 'scoped', rights: ['application:read', 'api-key:manage'], programmeIds: [mine.id] },
      });
      assert.equal(scoped.statusCode, 201, scoped.body);
      assert.deepEqual(scoped.json().apiKey.programmeIds, [mine.id]);
      const token = scoped.json().token as string;
      assert.equal((await t.call('GET', `/api/v1/applications/${myApp.id}`, { token })).statusCode, 200);
      assert.equal((await t.call('GET', `/api/v1/applications/${theirApp.id}`, { token })).statusCode, 404);
      const list = (await t.call('GET', '/api/v1/applications?limit=200', { token })).json().items as {
        id: string;
      }[];
      assert.ok(list.every((a) => a.id !== theirApp.id));
      const escalate = await t.call('POST', '/api/v1/api-keys', {
        token,
        body: { name: 'wider', rights: ['application:read'], programmeIds: [theirs.id] },
      });
      assert.equal(escalate.statusCode, 404);
      const inherit = await t.call('POST', '/api/v1/api-keys', {
        token,
        body: { name: 'inherits', rights: ['application:read'] },
      });
      assert.equal(inherit.statusCode, 201);
      assert.deepEqual(inherit.json().apiKey.programmeIds, [mine.id]);
    });

    it('membership is managed with programme:members and audited', async () => {
      const other = await createStaff(t, { totp: true });
      const put = await t.call('PUT', `/api/v1/programmes/${theirs.id}/members`, {
        body: { userIds: [other.id, analyst.id] },
      });
      assert.equal(put.statusCode, 200, put.body);
      assert.equal(put.json().items.length, 2);
      assert.equal((await get(`/api/v1/applications/${theirApp.id}`)).statusCode, 200);
      const audit = await t.database.db
        .selectFrom('audit_events')
        .select('payload')
        .where('type', '=', 'programme.members_changed')
        .where('target_id', '=', theirs.id)
        .execute();
      assert.equal(audit.length, 1);
      const key = await t.tokenWith(['programme:read']);
      assert.equal(
        (
          await t.call('PUT', `/api/v1/programmes/${theirs.id}/members`, {
            token: key,
            body: { userIds: [] },
          })
        ).statusCode,
        403,
      );
    });
  });
}
