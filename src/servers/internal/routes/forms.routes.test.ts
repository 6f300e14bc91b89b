import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { kycForm, validAnswers } from '../../../modules/forms/definition/form-fixtures.ts';
import { createApiKey } from '../../../modules/api-keys/index.ts';
import { ALL_RIGHTS } from '../../../modules/access/rights.ts';
import { backends } from '../../../../test/support/db.ts';
import { startTestApp, type TestApp } from '../../../../test/support/app.ts';
import { makeApplication, makeProgramme } from '../../../../test/support/factories-applications.ts';

const UNKNOWN = '00000000-0000-4000-8000-000000000000';

for (const backend of backends) {
  describe(`forms routes [${backend.kind}]`, () => {
    let t: TestApp;
    let programmeId: string;
    let formId: string;
    let applicationId: string;
    let assignmentId: string;

    before(async () => {
      t = await startTestApp(backend);
      programmeId = (await makeProgramme(t.ctx)).id;
      applicationId = (await makeApplication(t.ctx, { programmeId })).id;
    });
    after(() => t.close());

    const countRows = async (table: 'forms' | 'form_assignments' | 'form_drafts' | 'form_submissions') =>
      Number(
        (
          await t.database.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );

    it('401 without credentials on every route', async () => {
      for (const [method, url] of [
        ['GET', `/api/v1/programmes/${UNKNOWN}/forms`],
        ['POST', `/api/v1/programmes/${UNKNOWN}/forms`],
        ['GET', `/api/v1/forms/${UNKNOWN}`],
        ['GET', `/api/v1/forms/${UNKNOWN}/versions/1`],
        ['GET', `/api/v1/forms/${UNKNOWN}/diff?from=1&to=2`],
        ['POST', `/api/v1/forms/${UNKNOWN}/draft`],
        ['PUT', `/api/v1/forms/${UNKNOWN}/draft`],
        ['POST', `/api/v1/forms/${UNKNOWN}/publish`],
        ['POST', `/api/v1/forms/${UNKNOWN}/retire`],
        ['GET', `/api/v1/applications/${UNKNOWN}/forms`],
        ['POST', `/api/v1/applications/${UNKNOWN}/forms`],
        ['GET', `/api/v1/form-assignments/${UNKNOWN}`],
        ['POST', `/api/v1/form-assignments/${UNKNOWN}/cancel`],
        ['POST', `/api/v1/form-assignments/${UNKNOWN}/reopen`],
        ['PUT', `/api/v1/form-assignments/${UNKNOWN}/draft`],
        ['POST', `/api/v1/form-assignments/${UNKNOWN}/submit`],
      ] as const) {
        const res = await t.call(method, url, { token: null, ...(method === 'GET' ? {} : { body: {} }) });
        assert.equal(res.statusCode, 401, `${method} ${url}`);
      }
    });

    it('403 without the right: defining needs programme:manage, reading programme:read', async () => {
      const reader = await t.tokenWith(['programme:read']);
      const body = { key: 'kyc-entity', title: 'Onboarding', definition: kycForm() };
      const url = `/api/v1/programmes/${programmeId}/forms`;
      assert.equal((await t.call('GET', url, { token: t.noRightsToken })).statusCode, 403);
      assert.equal(
        (await t.call('GET', url, { token: await t.tokenWith(['programme:manage']) })).statusCode,
        403,
      );
      assert.equal((await t.call('POST', url, { token: reader, body })).statusCode, 403);
      assert.equal(
        (await t.call('POST', url, { token: await t.tokenWith(['application:write']), body })).statusCode,
        403,
      );
      assert.equal(await countRows('forms'), 0, 'nothing created');
      assert.equal((await t.call('GET', url, { token: reader })).statusCode, 200);
    });

    it('staff define a form: invalid definitions refused with field errors, draft, publish, new draft, diff', async () => {
      const url = `/api/v1/programmes/${programmeId}/forms`;
      const strict = await t.call('POST', url, {
        body: { key: 'kyc-entity', title: 'Onboarding', definition: kycForm(), extra: 1 },
      });
      assert.equal(strict.statusCode, 400, strict.body);
      const invalid = await t.call('POST', url, {
        body: {
          key: 'kyc-entity',
          title: 'Onboarding',
          definition: {
            ...kycForm(),
            fields: [{ key: 'a', kind: 'text', label: 'A', required: true, pattern: 'x' }],
          },
        },
      });
      assert.equal(invalid.statusCode, 400, invalid.body);
      assert.equal(invalid.json().code, 'validation');
      assert.equal(invalid.json().reason, 'invalid_definition');
      assert.deepEqual(
        invalid.json().errors.map((e: { path: string }) => e.path),
        ['/definition/fields/0/pattern'],
      );
      assert.equal(await countRows('forms'), 0);

      const created = await t.call('POST', url, {
        body: { key: 'kyc-entity', title: 'Onboarding', definition: kycForm() },
      });
      assert.equal(created.statusCode, 201, created.body);
      formId = created.json().id;
      assert.equal(created.json().draftVersion, 1);
      assert.equal(created.json().createdBy.kind, 'api_key');

      const reader = await t.tokenWith(['programme:read']);
      const assign = await t.call('POST', `/api/v1/applications/${applicationId}/forms`, {
        body: { formId },
      });
      assert.equal(assign.statusCode, 409, 'a draft cannot be assigned');
      assert.equal(assign.json().reason, 'not_published');

      const published = await t.call('POST', `/api/v1/forms/${formId}/publish`);
      assert.equal(published.statusCode, 200, published.body);
      assert.equal(published.json().publishedVersion, 1);
      assert.equal((await t.call('POST', `/api/v1/forms/${formId}/publish`)).json().reason, 'no_draft');

      const started = await t.call('POST', `/api/v1/forms/${formId}/draft`, { body: {} });
      assert.equal(started.statusCode, 201, started.body);
      assert.equal(started.json().draftVersion, 2);

      const badEdit = await t.call('PUT', `/api/v1/forms/${formId}/draft`, {
        body: { definition: { ...kycForm(), title: '' } },
      });
      assert.equal(badEdit.statusCode, 400);
      assert.deepEqual(
        badEdit.json().errors.map((e: { path: string }) => e.path),
        ['/definition/title'],
      );
      const edit = await t.call('PUT', `/api/v1/forms/${formId}/draft`, {
        body: { definition: { ...kycForm(), fields: kycForm().fields.filter((f) => f.key !== 'employees') } },
      });
      assert.equal(edit.statusCode, 200, edit.body);

      const diff = await t.call('GET', `/api/v1/forms/${formId}/diff?from=1&to=2`, { token: reader });
      assert.equal(diff.statusCode, 200, diff.body);
      assert.deepEqual(diff.json().diff.removed, [
        { path: '/employees', kind: 'number', label: 'Employees' },
      ]);
      assert.deepEqual(diff.json().from.version, 1);

      const v1 = await t.call('GET', `/api/v1/forms/${formId}/versions/1`, { token: reader });
      assert.equal(v1.statusCode, 200, v1.body);
      assert.equal(v1.json().status, 'published');
      assert.equal(v1.json().definition.fields.length, kycForm().fields.length, 'version 1 unchanged');
      assert.equal(
        (await t.call('GET', `/api/v1/forms/${formId}/versions/9`, { token: reader })).statusCode,
        404,
      );

      const list = await t.call('GET', `/api/v1/programmes/${programmeId}/forms`, { token: reader });
      assert.deepEqual(
        list
          .json()
          .items.map((f: { key: string; draftVersion: number; publishedVersion: number }) => [
            f.key,
            f.draftVersion,
            f.publishedVersion,
          ]),
        [['kyc-entity', 2, 1]],
      );
    });

    it('assign, answer with field-level errors, submit; the answers view shows who, when and which version', async () => {
      const writer = await t.tokenWith(['application:write']);
      const readerOfApps = await t.tokenWith(['application:read']);
      const denied = await t.call('POST', `/api/v1/applications/${applicationId}/forms`, {
        token: readerOfApps,
        body: { formId },
      });
      assert.equal(denied.statusCode, 403);
      const assigned = await t.call('POST', `/api/v1/applications/${applicationId}/forms`, {
        token: writer,
        body: { formId, dueAt: '2030-02-01T00:00:00.000Z' },
      });
      assert.equal(assigned.statusCode, 201, assigned.body);
      assignmentId = assigned.json().id;
      assert.equal(assigned.json().status, 'open');
      assert.equal(assigned.json().dueAt, '2030-02-01T00:00:00.000Z');

      for (const [method, url] of [
        ['PUT', `/api/v1/form-assignments/${assignmentId}/draft`],
        ['POST', `/api/v1/form-assignments/${assignmentId}/submit`],
        ['POST', `/api/v1/form-assignments/${assignmentId}/cancel`],
      ] as const)
        assert.equal(
          (await t.call(method, url, { token: readerOfApps, body: { answers: {} } })).statusCode,
          403,
          `${method} ${url}`,
        );

      const wrong = await t.call('PUT', `/api/v1/form-assignments/${assignmentId}/draft`, {
        token: writer,
        body: { answers: { employees: 'twelve', ghost: true } },
      });
      assert.equal(wrong.statusCode, 400, wrong.body);
      assert.equal(wrong.json().reason, 'invalid_answers');
      assert.deepEqual(
        wrong
          .json()
          .errors.map((e: { path: string; code: string }) => `${e.path} ${e.code}`)
          .sort(),
        ['/answers/employees type', '/answers/ghost unknown_field'],
      );
      assert.equal(await countRows('form_drafts'), 0, 'nothing stored');

      const saved = await t.call('PUT', `/api/v1/form-assignments/${assignmentId}/draft`, {
        token: writer,
        body: { answers: { company_name: 'Acme' } },
      });
      assert.equal(saved.statusCode, 200, saved.body);
      assert.equal(saved.json().version.version, 1, 'pinned to the published version 1, not draft 2');

      const missing = await t.call('POST', `/api/v1/form-assignments/${assignmentId}/submit`, {
        token: writer,
        body: { answers: { company_name: 'Acme' } },
      });
      assert.equal(missing.statusCode, 400);
      assert.ok(
        missing
          .json()
          .errors.some(
            (e: { path: string; code: string }) => e.path === '/answers/email' && e.code === 'required',
          ),
      );
      const submitted = await t.call('POST', `/api/v1/form-assignments/${assignmentId}/submit`, {
        token: writer,
        body: { answers: validAnswers() },
      });
      assert.equal(submitted.statusCode, 200, submitted.body);

      const view = await t.call('GET', `/api/v1/form-assignments/${assignmentId}`, { token: readerOfApps });
      assert.equal(view.statusCode, 200, view.body);
      const body = view.json();
      assert.equal(body.status, 'submitted');
      assert.equal(body.submittedBy.kind, 'api_key');
      assert.equal(body.submissions.length, 1);
      assert.equal(body.submissions[0].version.version, 1);
      assert.equal(body.submissions[0].answers.company_name, 'Acme Ltd');
      assert.ok(Date.parse(body.submissions[0].submittedAt));
      const list = await t.call('GET', `/api/v1/applications/${applicationId}/forms`, {
        token: readerOfApps,
      });
      assert.deepEqual(
        list.json().items.map((a: { id: string; status: string }) => [a.id, a.status]),
        [[assignmentId, 'submitted']],
      );
      const reopened = await t.call('POST', `/api/v1/form-assignments/${assignmentId}/reopen`, {
        token: writer,
      });
      assert.equal(reopened.statusCode, 200, reopened.body);
      assert.equal(reopened.json().status, 'open');
    });

    it('another programme’s form, application and questionnaire are not found', async () => {
      const mine = await makeProgramme(t.ctx);
      const { token } = await createApiKey(t.ctx, {
        name: 'scoped',
        rights: [...ALL_RIGHTS],
        programmeIds: [mine.id],
      });
      for (const [method, url, body] of [
        ['GET', `/api/v1/programmes/${programmeId}/forms`, undefined],
        ['POST', `/api/v1/programmes/${programmeId}/forms`, { key: 'x', title: 'X', definition: kycForm() }],
        ['GET', `/api/v1/forms/${formId}`, undefined],
        ['GET', `/api/v1/forms/${formId}/versions/1`, undefined],
        ['GET', `/api/v1/forms/${formId}/diff?from=1&to=2`, undefined],
        ['PUT', `/api/v1/forms/${formId}/draft`, { definition: kycForm() }],
        ['POST', `/api/v1/forms/${formId}/publish`, {}],
        ['POST', `/api/v1/forms/${formId}/retire`, {}],
        ['GET', `/api/v1/applications/${applicationId}/forms`, undefined],
        ['POST', `/api/v1/applications/${applicationId}/forms`, { formId }],
        ['GET', `/api/v1/form-assignments/${assignmentId}`, undefined],
        ['POST', `/api/v1/form-assignments/${assignmentId}/cancel`, {}],
        ['PUT', `/api/v1/form-assignments/${assignmentId}/draft`, { answers: {} }],
        ['POST', `/api/v1/form-assignments/${assignmentId}/submit`, { answers: validAnswers() }],
      ] as const) {
        const res = await t.call(method, url, { token, ...(body ? { body } : {}) });
        assert.equal(res.statusCode, 404, `${method} ${url}: ${res.body}`);
      }
      // Its own programme's form cannot be given to an application of another programme either.
      const own = await t.call('POST', `/api/v1/programmes/${mine.id}/forms`, {
        token,
        body: { key: 'kyc-entity', title: 'Mine', definition: kycForm() },
      });
      assert.equal(own.statusCode, 201, own.body);
      const mineApp = await makeApplication(t.ctx, { programmeId: mine.id });
      await t.call('POST', `/api/v1/forms/${own.json().id}/publish`, { token });
      const cross = await t.call('POST', `/api/v1/applications/${mineApp.id}/forms`, {
        token,
        body: { formId },
      });
      assert.equal(cross.statusCode, 400, 'a form of another programme is an unknown form');
      assert.deepEqual(
        cross.json().errors.map((e: { path: string }) => e.path),
        ['/formId'],
      );
    });

    it('retiring a form stops new assignments', async () => {
      const retired = await t.call('POST', `/api/v1/forms/${formId}/retire`);
      assert.equal(retired.statusCode, 200, retired.body);
      assert.ok(retired.json().retiredAt);
      const res = await t.call('POST', `/api/v1/applications/${applicationId}/forms`, { body: { formId } });
      assert.equal(res.statusCode, 409);
      assert.equal(res.json().reason, 'form_retired');
    });
  });
}
