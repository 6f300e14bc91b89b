/**
 * `GET /api/v1/applications?clientOrganisationId=`: the applications given to one client
 * organisation (what the invitation form offers to name), still limited to the caller's programmes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../../../../test/support/db.ts';
import { startTestApp, type TestApp } from '../../../../test/support/app.ts';
import { makeApplication, makeProgramme } from '../../../../test/support/factories-applications.ts';

const UNKNOWN = '00000000-0000-4000-8000-000000000000';

for (const backend of backends) {
  describe(`application list by client organisation [${backend.kind}]`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(backend);
    });
    after(() => t.close());

    const organisation = async (name: string) => {
      const r = await t.call('POST', '/api/v1/client-organisations', { body: { name } });
      assert.equal(r.statusCode, 201, r.body);
      return r.json().id as string;
    };
    const give = async (applicationId: string, organisationId: string) => {
      const r = await t.call('PUT', `/api/v1/applications/${applicationId}/client-organisation`, {
        body: { organisationId },
      });
      assert.equal(r.statusCode, 200, r.body);
    };
    const ids = async (query: string, token?: string) => {
      const res = await t.call('GET', `/api/v1/applications?${query}`, token ? { token } : {});
      assert.equal(res.statusCode, 200, res.body);
      return res.json().items.map((i: { id: string }) => i.id);
    };

    it('400 for an id that is not a UUID; an unknown organisation has no application', async () => {
      const bad = await t.call('GET', '/api/v1/applications?clientOrganisationId=acme');
      assert.equal(bad.statusCode, 400);
      assert.deepEqual(await ids(`clientOrganisationId=${UNKNOWN}`), []);
    });

    it("lists only the organisation's applications, combined with the other filters and the caller's programmes", async () => {
      const acme = await organisation('Filter Acme');
      const other = await organisation('Filter Other');
      const mine = await makeProgramme(t.ctx);
      const a1 = await makeApplication(t.ctx, { programmeId: mine.id });
      const a2 = await makeApplication(t.ctx);
      const b1 = await makeApplication(t.ctx, { programmeId: mine.id });
      await makeApplication(t.ctx, { programmeId: mine.id }); // given to no organisation
      await give(a1.id, acme);
      await give(a2.id, acme);
      await give(b1.id, other);

      assert.deepEqual(await ids(`clientOrganisationId=${acme}`), [a1.id, a2.id]);
      assert.deepEqual(await ids(`clientOrganisationId=${other}`), [b1.id]);
      assert.deepEqual(await ids(`clientOrganisationId=${acme}&programmeId=${mine.id}`), [a1.id]);
      assert.deepEqual(await ids(`clientOrganisationId=${acme}&limit=1`), [a1.id]);

      // A key limited to one programme sees that programme's application of the organisation only.
      const created = await t.call('POST', '/api/v1/api-keys', {
        body: { name: 'one programme', rights: ['application:read'], programmeIds: [mine.id] },
      });
      assert.equal(created.statusCode, 201, created.body);
      assert.deepEqual(await ids(`clientOrganisationId=${acme}`, created.json().token), [a1.id]);
    });
  });
}
