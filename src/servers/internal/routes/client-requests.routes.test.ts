import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApiKey } from '../../../modules/api-keys/index.ts';
import { createClientOrganisation } from '../../../modules/clients/index.ts';
import { backends } from '../../../../test/support/db.ts';
import { startTestApp, type TestApp } from '../../../../test/support/app.ts';
import { makeApplication, makeProgramme } from '../../../../test/support/factories-applications.ts';

const UNKNOWN = '00000000-0000-4000-8000-000000000000';

for (const backend of backends) {
  describe(`client request routes [${backend.kind}]`, () => {
    let t: TestApp;
    let n = 0;
    before(async () => {
      t = await startTestApp(backend);
    });
    after(() => t.close());

    /** An application of a client organisation, and a valid create body for it. */
    const fixture = async () => {
      const app = await makeApplication(t.ctx);
      const org = await createClientOrganisation(t.ctx, { name: `Routes org ${++n} ${backend.kind}` });
      await t.database.db
        .updateTable('applications')
        .set({ client_organisation_id: org.id })
        .where('id', '=', app.id)
        .execute();
      const body = {
        title: 'Periodic review',
        dueAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
        items: [{ kind: 'document', subjectId: app.subjects[0]!.id, documentType: 'passport' }],
      };
      return { app, body };
    };
    const count = async () =>
      (await t.database.db.selectFrom('client_requests').select('id').execute()).length;

    it('401 without credentials and 403 without the right, on every route; nothing stored', async () => {
      const { app, body } = await fixture();
      const routes = [
        ['POST', `/api/v1/applications/${app.id}/client-requests`, body, 'application:write'],
        ['GET', '/api/v1/client-requests', undefined, 'application:read'],
        ['GET', `/api/v1/client-requests/${UNKNOWN}`, undefined, 'application:read'],
        ['POST', `/api/v1/client-requests/${UNKNOWN}/cancel`, {}, 'application:write'],
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
        const res = await t.call(method, url, { token: other, body: b });
        assert.equal(res.statusCode, 403, `${method} ${url} without ${right}`);
      }
      assert.equal(await count(), 0);
    });

    it("404 for another programme's application and request", async () => {
      const { app, body } = await fixture();
      const created = await t.call('POST', `/api/v1/applications/${app.id}/client-requests`, { body });
      assert.equal(created.statusCode, 201, created.body);
      const id = created.json().id as string;
      const elsewhere = await makeProgramme(t.ctx);
      const { token } = await createApiKey(t.ctx, {
        name: 'other programme',
        rights: ['application:read', 'application:write'],
        programmeIds: [elsewhere.id],
      });
      for (const [method, url, b] of [
        ['POST', `/api/v1/applications/${app.id}/client-requests`, body],
        ['GET', `/api/v1/client-requests/${id}`, undefined],
        ['POST', `/api/v1/client-requests/${id}/cancel`, {}],
      ] as const) {
        const res = await t.call(method, url, { token, body: b });
        assert.equal(res.statusCode, 404, `${method} ${url}: ${res.body}`);
      }
      const list = await t.call('GET', `/api/v1/client-requests?applicationId=${app.id}`, { token });
      assert.deepEqual(list.json().items, []);
      assert.equal((await t.call('GET', `/api/v1/client-requests/${id}`)).json().status, 'open');
    });

    it('400 for unknown fields, unknown kinds and a past due date, with the field named; nothing stored', async () => {
      const { app, body } = await fixture();
      const before = await count();
      const url = `/api/v1/applications/${app.id}/client-requests`;
      const cases: [unknown, string][] = [
        [{ ...body, status: 'completed' }, 'status'],
        [{ ...body, items: [{ ...body.items[0], completedAt: '2020-01-01T00:00:00Z' }] }, 'completedAt'],
        [{ ...body, items: [{ kind: 'payment', subjectId: app.subjects[0]!.id }] }, 'kind'],
        [{ ...body, items: [] }, 'items'],
        [{ ...body, dueAt: '2001-01-01T00:00:00Z' }, 'dueAt'],
        [{ ...body, title: 'two\nlines' }, 'title'],
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
      const noOrg = await makeApplication(t.ctx);
      const conflict = await t.call('POST', `/api/v1/applications/${noOrg.id}/client-requests`, {
        body: { ...body, items: [{ ...body.items[0], subjectId: noOrg.subjects[0]!.id }] },
      });
      assert.equal(conflict.statusCode, 409);
      assert.equal(conflict.json().reason, 'no_client_organisation');
      assert.equal(await count(), before);
    });
  });
}
