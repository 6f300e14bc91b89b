import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApiKey } from '../../../modules/api-keys/index.ts';
import { createClientOrganisation, createClientUser } from '../../../modules/clients/index.ts';
import { backends } from '../../../../test/support/db.ts';
import { startTestApp, type TestApp } from '../../../../test/support/app.ts';
import { makeApplication, makeProgramme } from '../../../../test/support/factories-applications.ts';

const UNKNOWN = '00000000-0000-4000-8000-000000000000';

for (const backend of backends) {
  describe(`meeting routes [${backend.kind}]`, () => {
    let t: TestApp;
    let n = 0;
    before(async () => {
      t = await startTestApp(backend);
    });
    after(() => t.close());

    const fixture = async () => {
      const app = await makeApplication(t.ctx);
      const org = await createClientOrganisation(t.ctx, { name: `Meeting org ${++n} ${backend.kind}` });
      const user = await createClientUser(t.ctx, {
        organisationId: org.id,
        username: `meet${n}${backend.kind}`,
        email: `meet${n}${backend.kind}@client.test`,
        displayName: 'Meeting Client',
        role: 'owner',
      });
      await t.database.db
        .updateTable('applications')
        .set({ client_organisation_id: org.id })
        .where('id', '=', app.id)
        .execute();
      const body = {
        mode: 'in_person',
        location: 'Head office, room 4',
        startsAt: new Date(Date.now() + 2 * 86_400_000).toISOString(),
        durationMinutes: 60,
        participants: { staffUserIds: [], clientUserIds: [user.id] },
      };
      return { app, body };
    };
    const count = async () => (await t.database.db.selectFrom('meetings').select('id').execute()).length;

    it('401 without credentials and 403 without the right, on every route; nothing stored', async () => {
      const { app, body } = await fixture();
      const m = `/api/v1/meetings/${UNKNOWN}`;
      const routes = [
        ['POST', `/api/v1/applications/${app.id}/meetings`, body, 'application:write'],
        ['GET', '/api/v1/meetings', undefined, 'application:read'],
        ['GET', m, undefined, 'application:read'],
        ['PATCH', m, { version: 1 }, 'application:write'],
        ['POST', `${m}/cancel`, {}, 'application:write'],
        ['POST', `${m}/outcome`, { status: 'held', outcome: 'x' }, 'application:write'],
        ['POST', `${m}/evidence`, { documentIds: [UNKNOWN] }, 'application:write'],
      ] as const;
      const reader = await t.tokenWith(['application:read']);
      const writer = await t.tokenWith(['application:write']);
      for (const [method, url, b, right] of routes) {
        assert.equal(
          (await t.call(method, url, { token: null, body: b })).statusCode,
          401,
          `${method} ${url}`,
        );
        assert.equal((await t.call(method, url, { token: t.noRightsToken, body: b })).statusCode, 403);
        const other = right === 'application:read' ? writer : reader;
        assert.equal(
          (await t.call(method, url, { token: other, body: b })).statusCode,
          403,
          `${method} ${url}`,
        );
      }
      assert.equal(await count(), 0);
    });

    it("404 for another programme's application and meeting", async () => {
      const { app, body } = await fixture();
      const created = await t.call('POST', `/api/v1/applications/${app.id}/meetings`, { body });
      assert.equal(created.statusCode, 201, created.body);
      const id = created.json().id as string;
      const elsewhere = await makeProgramme(t.ctx);
      const { token } = await createApiKey(t.ctx, {
        name: 'other programme',
        rights: ['application:read', 'application:write'],
        programmeIds: [elsewhere.id],
      });
      for (const [method, url, b] of [
        ['POST', `/api/v1/applications/${app.id}/meetings`, body],
        ['GET', `/api/v1/meetings/${id}`, undefined],
        ['PATCH', `/api/v1/meetings/${id}`, { version: 1, durationMinutes: 30 }],
        ['POST', `/api/v1/meetings/${id}/cancel`, {}],
        ['POST', `/api/v1/meetings/${id}/outcome`, { status: 'held', outcome: 'x' }],
        ['POST', `/api/v1/meetings/${id}/evidence`, { documentIds: [UNKNOWN] }],
      ] as const) {
        const res = await t.call(method, url, { token, body: b });
        assert.equal(res.statusCode, 404, `${method} ${url}: ${res.body}`);
      }
      const list = await t.call('GET', `/api/v1/meetings?applicationId=${app.id}`, { token });
      assert.deepEqual(list.json().items, []);
      const mine = await t.call('GET', `/api/v1/meetings/${id}`);
      assert.equal(mine.json().version, 1);
      assert.equal(mine.json().status, 'scheduled');
    });

    it('lists by start time, page by page, filtered by application and status', async () => {
      const { app, body } = await fixture();
      const later = { ...body, startsAt: new Date(Date.now() + 5 * 86_400_000).toISOString() };
      const second = (
        await t.call('POST', `/api/v1/applications/${app.id}/meetings`, { body: later })
      ).json();
      const first = (await t.call('POST', `/api/v1/applications/${app.id}/meetings`, { body })).json();
      const page1 = (await t.call('GET', `/api/v1/meetings?applicationId=${app.id}&limit=1`)).json();
      assert.deepEqual(
        page1.items.map((m: { id: string }) => m.id),
        [first.id],
      );
      assert.ok(page1.nextCursor);
      const page2 = (
        await t.call('GET', `/api/v1/meetings?applicationId=${app.id}&limit=1&cursor=${page1.nextCursor}`)
      ).json();
      assert.deepEqual(
        page2.items.map((m: { id: string }) => m.id),
        [second.id],
      );
      assert.equal(page2.nextCursor, null);
      await t.call('POST', `/api/v1/meetings/${first.id}/cancel`, { body: {} });
      const cancelled = (
        await t.call('GET', `/api/v1/meetings?applicationId=${app.id}&status=cancelled`)
      ).json();
      assert.deepEqual(
        cancelled.items.map((m: { id: string }) => m.id),
        [first.id],
      );
    });

    it('400 for unknown fields, a place that does not match the mode, bad links and durations; nothing stored', async () => {
      const { app, body } = await fixture();
      const before = await count();
      const url = `/api/v1/applications/${app.id}/meetings`;
      const cases: [unknown, string][] = [
        [{ ...body, status: 'held' }, 'status'],
        [{ ...body, mode: 'video', location: undefined }, '/videoUrl'],
        [{ ...body, videoUrl: 'https://meet.example.test/x' }, '/videoUrl'],
        [{ ...body, mode: 'video', location: undefined, videoUrl: 'ftp://meet.example.test/x' }, 'videoUrl'],
        [{ ...body, durationMinutes: 2 }, 'durationMinutes'],
        [{ ...body, participants: { staffUserIds: [], clientUserIds: [] } }, 'clientUserIds'],
        [
          { ...body, participants: { ...body.participants, clientUserIds: [UNKNOWN] } },
          '/participants/clientUserIds/0',
        ],
      ];
      for (const [b, field] of cases) {
        const res = await t.call('POST', url, { body: b });
        assert.equal(res.statusCode, 400, `${field}: ${res.body}`);
        assert.ok(
          res
            .json()
            .errors.some((e: { path: string; message: string }) => `${e.path} ${e.message}`.includes(field)),
          `${field}: ${res.body}`,
        );
      }
      assert.equal(await count(), before);
    });
  });
}
