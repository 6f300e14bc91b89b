/**
 * Questionnaires on the portal, end to end over the real mTLS link: staff define a questionnaire
 * with a repeating group ("list all directors") and a conditional question, publish it and give it
 * to a client's application; the client reads it, saves a draft, reads it back (also through a
 * second, independent portal app: drafts live on the internal side), and submits; staff then see
 * the answers with who submitted them, when, and the version answered. Refused: missing required
 * answers, wrong types, unknown and hidden questions (400 with field-level errors, nothing stored);
 * another organisation's ids (404); read-only users changing anything (403); requests without the
 * CSRF token (403); saves after submission or cancellation (409).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildPortalApp } from '../../src/servers/portal/build-app.ts';
import { PORTAL_COOKIE } from '../../src/servers/portal/client-routes.ts';
import { testConfig } from '../support/app.ts';
import { backends } from '../support/db.ts';
import { startPortalStack, type ClientSession, type PortalStack } from '../support/portal.ts';

const definition = (extra: Record<string, unknown>[] = []) => ({
  key: 'company-questionnaire',
  title: 'Company questionnaire',
  fields: [
    { key: 'company_name', kind: 'text', label: 'Company name', required: true, maxLength: 200 },
    { key: 'employees', kind: 'number', label: 'Employees', required: true, integer: true, min: 0 },
    { key: 'regulated', kind: 'boolean', label: 'Is the company regulated?', required: true },
    {
      key: 'regulator',
      kind: 'text',
      label: 'Which regulator?',
      required: true,
      showIf: { field: 'regulated', equals: true },
    },
    {
      key: 'directors',
      kind: 'group',
      label: 'List all directors',
      required: true,
      repeat: { min: 1, max: 10 },
      fields: [
        { key: 'name', kind: 'text', label: 'Full name', required: true },
        { key: 'date_of_birth', kind: 'date', label: 'Date of birth', required: true, relative: 'past' },
        { key: 'nationality', kind: 'country', label: 'Nationality', required: false },
      ],
    },
    ...extra,
  ],
});

const complete = {
  company_name: 'Acme Holdings',
  employees: 42,
  regulated: true,
  regulator: 'FCA',
  directors: [
    { name: 'Ada Lovelace', date_of_birth: '1815-12-10', nationality: 'GB' },
    { name: 'Grace Hopper', date_of_birth: '1906-12-09' },
  ],
};

type ErrorItem = { path: string; code: string; message: string };
const errorsOf = (res: { json(): unknown }) =>
  ((res.json() as { errors: ErrorItem[] }).errors ?? []).map((e) => `${e.path} ${e.code}`).sort();

for (const backend of backends) {
  describe(`questionnaires on the portal (${backend.kind})`, () => {
    let s: PortalStack;
    let a: ClientSession;
    let aReader: ClientSession;
    let b: ClientSession;
    let appA: string;
    let appB: string;
    let formA: string;
    let assignmentA: string;
    let assignmentB: string;
    const formUrl = (app: string, assignment: string, rest = '') =>
      `/api/v1/applications/${app}/forms/${assignment}${rest}`;

    /** A published questionnaire in the application's programme, given to the application. */
    const giveQuestionnaire = async (applicationId: string) => {
      const app = await s.staffCall('GET', `/api/v1/applications/${applicationId}`);
      assert.equal(app.statusCode, 200, app.body);
      const created = await s.staffCall('POST', `/api/v1/programmes/${app.json().programme.id}/forms`, {
        key: 'company-questionnaire',
        title: 'Company questionnaire',
        definition: definition(),
      });
      assert.equal(created.statusCode, 201, created.body);
      const formId = created.json().id as string;
      assert.equal((await s.staffCall('POST', `/api/v1/forms/${formId}/publish`)).statusCode, 200);
      const assigned = await s.staffCall('POST', `/api/v1/applications/${applicationId}/forms`, {
        formId,
        subjectId: app.json().subjects[0].id,
        dueAt: '2030-06-30T00:00:00.000Z',
      });
      assert.equal(assigned.statusCode, 201, assigned.body);
      return { formId, assignmentId: assigned.json().id as string };
    };

    const draftRow = (assignmentId: string) =>
      s.t.database.db
        .selectFrom('form_drafts')
        .selectAll()
        .where('assignment_id', '=', assignmentId)
        .executeTakeFirst();

    before(async () => {
      s = await startPortalStack(backend);
      a = await s.newClient('Acme Holdings');
      aReader = await s.addClient(a.organisationId, 'read_only');
      b = await s.newClient('Borealis Ltd');
      appA = await s.applicationFor(a.organisationId);
      appB = await s.applicationFor(b.organisationId);
      ({ formId: formA, assignmentId: assignmentA } = await giveQuestionnaire(appA));
      ({ assignmentId: assignmentB } = await giveQuestionnaire(appB));
    });
    after(() => s?.close());

    it('the client lists the questionnaires of their application and reads one with its definition', async () => {
      const list = await s.portalCall('GET', `/api/v1/applications/${appA}/forms`, { as: a });
      assert.equal(list.statusCode, 200, list.body);
      assert.deepEqual(
        list.json().items.map((i: Record<string, unknown>) => [i.id, i.title, i.status, i.dueAt]),
        [[assignmentA, 'Company questionnaire', 'open', '2030-06-30T00:00:00.000Z']],
      );
      assert.equal(list.json().items[0].version.version, 1);
      assert.ok(list.json().items[0].subject.name, 'the subject it is about');
      const one = await s.portalCall('GET', formUrl(appA, assignmentA), { as: a });
      assert.equal(one.statusCode, 200, one.body);
      assert.equal(one.json().definition.key, 'company-questionnaire');
      assert.equal(one.json().definition.fields[4].kind, 'group');
      assert.equal(one.json().draft, null);
      assert.equal(JSON.stringify(one.json()).includes('api_key:'), false, 'no staff references');
    });

    it('a draft is saved, read back, kept on the internal side encrypted, and survives a new portal', async () => {
      const partial = {
        company_name: '  Acme Holdings ',
        regulated: true,
        directors: [{ name: 'Ada Lovelace' }],
      };
      const saved = await s.portalCall('PUT', formUrl(appA, assignmentA, '/draft'), {
        as: a,
        body: { answers: partial },
      });
      assert.equal(saved.statusCode, 200, saved.body);
      assert.equal(saved.json().answerCount, 3);
      assert.equal(saved.json().version.version, 1);
      const back = await s.portalCall('GET', formUrl(appA, assignmentA), { as: a });
      assert.deepEqual(back.json().draft.answers, {
        company_name: 'Acme Holdings',
        regulated: true,
        directors: [{ name: 'Ada Lovelace' }],
      });

      const row = await draftRow(assignmentA);
      assert.ok(row, 'the draft is stored by the internal server');
      const stored = Buffer.from(row.answers_enc);
      assert.equal(stored.includes('Lovelace'), false, 'the stored draft is not the plaintext');
      assert.equal(stored.includes('Acme'), false);

      // A portal restarted (a new, independent portal app on the same link) reads the same draft.
      const portal2 = await buildPortalApp({
        config: testConfig({ DOSSIER_DATA_DIR: s.root, DOSSIER_PORTAL_TLS: 'false' }),
        logger: false,
        linkClient: s.linkClient,
      });
      try {
        await portal2.ready();
        const again = await portal2.inject({
          method: 'GET',
          url: formUrl(appA, assignmentA),
          headers: { cookie: `${PORTAL_COOKIE}=${a.cookie}` },
        });
        assert.equal(again.statusCode, 200, again.body);
        assert.deepEqual(again.json().draft, back.json().draft);
      } finally {
        await portal2.close();
      }
    });

    it('wrong types, unknown and hidden questions: 400 with field-level errors, nothing stored', async () => {
      const before = await draftRow(assignmentA);
      const cases: [unknown, string[]][] = [
        [
          { employees: '42', regulated: 'yes', directors: [{ name: 7, date_of_birth: '10/12/1815' }] },
          [
            '/answers/directors/0/date_of_birth format',
            '/answers/directors/0/name type',
            '/answers/employees type',
            '/answers/regulated type',
          ],
        ],
        [
          { company_name: 'Acme', ghost: 'boo', directors: [{ name: 'A', shoe_size: 9 }] },
          ['/answers/directors/0/shoe_size unknown_field', '/answers/ghost unknown_field'],
        ],
        [{ regulated: false, regulator: 'FCA' }, ['/answers/regulator hidden_field']],
        [{ directors: 'Ada' }, ['/answers/directors type']],
        ['not an object', [' type']],
      ];
      for (const [answers, expected] of cases) {
        const res = await s.portalCall('PUT', formUrl(appA, assignmentA, '/draft'), {
          as: a,
          body: { answers },
        });
        assert.equal(res.statusCode, 400, res.body);
        assert.equal(res.json().code, 'validation');
        assert.equal(res.json().reason, 'invalid_answers');
        assert.deepEqual(
          errorsOf(res),
          expected.map((e) => (e.startsWith(' ') ? `/answers${e}` : e)),
        );
        for (const e of res.json().errors as ErrorItem[]) assert.ok(e.message.length > 0);
      }
      // A body that is not { answers } at all is refused by the link's schema.
      const strict = await s.portalCall('PUT', formUrl(appA, assignmentA, '/draft'), {
        as: a,
        body: { answers: {}, version: 2 },
      });
      assert.equal(strict.statusCode, 400, strict.body);
      assert.deepEqual(await draftRow(assignmentA), before, 'the draft is untouched');
    });

    it('submitting checks required answers, in groups and in shown conditional questions', async () => {
      const missing = await s.portalCall('POST', formUrl(appA, assignmentA, '/submit'), {
        as: a,
        body: { answers: { company_name: 'Acme Holdings', regulated: true, directors: [{ name: 'Ada' }] } },
      });
      assert.equal(missing.statusCode, 400, missing.body);
      assert.deepEqual(errorsOf(missing), [
        '/answers/directors/0/date_of_birth required',
        '/answers/employees required',
        '/answers/regulator required',
      ]);
      const empty = await s.portalCall('POST', formUrl(appA, assignmentA, '/submit'), {
        as: a,
        body: { answers: { company_name: 'Acme', employees: 3, regulated: false, directors: [] } },
      });
      assert.deepEqual(errorsOf(empty), ['/answers/directors required']);
      const state = await s.portalCall('GET', formUrl(appA, assignmentA), { as: a });
      assert.equal(state.json().status, 'open', 'nothing was submitted');
      const submissions = await s.t.database.db.selectFrom('form_submissions').select('id').execute();
      assert.equal(submissions.length, 0);
    });

    it('another organisation’s questionnaire is not found: read, save, submit', async () => {
      const before = await draftRow(assignmentA);
      const attempts: [string, string, unknown?][] = [
        ['GET', `/api/v1/applications/${appA}/forms`],
        ['GET', formUrl(appA, assignmentA)],
        ['GET', formUrl(appB, assignmentA)],
        ['PUT', formUrl(appA, assignmentA, '/draft'), { answers: { company_name: 'Hijack' } }],
        ['PUT', formUrl(appB, assignmentA, '/draft'), { answers: { company_name: 'Hijack' } }],
        ['POST', formUrl(appA, assignmentA, '/submit'), { answers: complete }],
        ['POST', formUrl(appB, assignmentA, '/submit'), { answers: complete }],
      ];
      for (const [method, url, body] of attempts) {
        const res = await s.portalCall(method, url, { as: b, ...(body ? { body } : {}) });
        assert.equal(res.statusCode, 404, `${method} ${url}: ${res.body}`);
        assert.equal(res.body.includes('Acme'), false);
      }
      // And A cannot reach B's questionnaire through A's own application.
      assert.equal((await s.portalCall('GET', formUrl(appA, assignmentB), { as: a })).statusCode, 404);
      // B still sees its own.
      assert.equal((await s.portalCall('GET', formUrl(appB, assignmentB), { as: b })).statusCode, 200);
      assert.deepEqual(await draftRow(assignmentA), before);
      assert.equal((await s.t.database.db.selectFrom('form_submissions').select('id').execute()).length, 0);
    });

    it('a read-only user reads but may not save or submit (403); no CSRF token: 403', async () => {
      const before = await draftRow(assignmentA);
      const read = await s.portalCall('GET', formUrl(appA, assignmentA), { as: aReader });
      assert.equal(read.statusCode, 200, read.body);
      assert.ok(read.json().draft);
      for (const [method, rest, answers] of [
        ['PUT', '/draft', { company_name: 'X' }],
        ['POST', '/submit', complete],
      ] as const) {
        const res = await s.portalCall(method, formUrl(appA, assignmentA, rest), {
          as: aReader,
          body: { answers },
        });
        assert.equal(res.statusCode, 403, res.body);
        assert.equal(res.json().reason, 'read_only');
        const noCsrf = await s.portalCall(method, formUrl(appA, assignmentA, rest), {
          cookie: a.cookie,
          body: { answers },
        });
        assert.equal(noCsrf.statusCode, 403, noCsrf.body);
        assert.equal(noCsrf.json().reason, 'csrf');
        const wrongCsrf = await s.portalCall(method, formUrl(appA, assignmentA, rest), {
          as: a,
          csrf: b.csrf,
          body: { answers },
        });
        assert.equal(wrongCsrf.statusCode, 403, wrongCsrf.body);
      }
      assert.deepEqual(await draftRow(assignmentA), before);
    });

    it('the version is pinned at the first save: a new published version applies only to unsaved questionnaires', async () => {
      const v2 = await s.staffCall('PUT', `/api/v1/forms/${formA}/draft`, {
        definition: definition([{ key: 'website', kind: 'text', label: 'Website', required: false }]),
      });
      assert.equal(v2.statusCode, 200, v2.body);
      assert.equal((await s.staffCall('POST', `/api/v1/forms/${formA}/publish`)).statusCode, 200);
      const a1 = await s.portalCall('GET', formUrl(appA, assignmentA), { as: a });
      assert.equal(a1.json().version.version, 1, 'A saved a draft: still version 1');
      assert.equal(a1.json().definition.fields.length, 5);
      const res = await s.portalCall('PUT', formUrl(appA, assignmentA, '/draft'), {
        as: a,
        body: { answers: { website: 'https://acme.test' } },
      });
      assert.deepEqual(errorsOf(res), ['/answers/website unknown_field']);
      // A questionnaire given now, not yet saved, is answered against version 2.
      const fresh = await s.staffCall('POST', `/api/v1/applications/${appA}/forms`, { formId: formA });
      assert.equal(fresh.statusCode, 201, fresh.body);
      const f = await s.portalCall('GET', formUrl(appA, fresh.json().id), { as: a });
      assert.equal(f.json().version.version, 2);
      // Cancelled by staff: the client can no longer answer it.
      assert.equal(
        (await s.staffCall('POST', `/api/v1/form-assignments/${fresh.json().id}/cancel`)).statusCode,
        200,
      );
      const late = await s.portalCall('PUT', formUrl(appA, fresh.json().id, '/draft'), {
        as: a,
        body: { answers: {} },
      });
      assert.equal(late.statusCode, 409, late.body);
      assert.equal(late.json().reason, 'form_cancelled');
    });

    it('the client submits; the answers are frozen; staff see them with who, when and which version', async () => {
      const since = new Date();
      const done = await s.portalCall('POST', formUrl(appA, assignmentA, '/submit'), {
        as: a,
        body: { answers: complete },
      });
      assert.equal(done.statusCode, 200, done.body);
      assert.equal(done.json().status, 'submitted');
      assert.equal(done.json().draft, null);
      assert.deepEqual(done.json().submission.answers, complete);
      assert.equal(done.json().version.version, 1);

      for (const [method, rest] of [
        ['PUT', '/draft'],
        ['POST', '/submit'],
      ] as const) {
        const res = await s.portalCall(method, formUrl(appA, assignmentA, rest), {
          as: a,
          body: { answers: complete },
        });
        assert.equal(res.statusCode, 409, res.body);
        assert.equal(res.json().reason, 'form_submitted');
      }

      const staff = await s.staffCall('GET', `/api/v1/form-assignments/${assignmentA}`);
      assert.equal(staff.statusCode, 200, staff.body);
      const view = staff.json();
      assert.equal(view.status, 'submitted');
      assert.deepEqual(
        { kind: view.submittedBy.kind, id: view.submittedBy.id, ref: view.submittedBy.ref },
        { kind: 'client', id: a.userId, ref: `client:${a.userId}` },
      );
      assert.ok(view.submittedBy.name, 'the client user is named');
      assert.ok(Date.parse(view.submittedAt) >= since.getTime() - 1000);
      assert.equal(view.submissions.length, 1);
      const [sub] = view.submissions;
      assert.equal(sub.version.version, 1);
      const v1 = await s.staffCall('GET', `/api/v1/forms/${formA}/versions/1`);
      assert.equal(sub.version.id, v1.json().id);
      assert.deepEqual(sub.answers, complete);
      assert.equal(sub.submittedBy.ref, `client:${a.userId}`);

      const stored = await s.t.database.db
        .selectFrom('form_submissions')
        .selectAll()
        .where('assignment_id', '=', assignmentA)
        .executeTakeFirstOrThrow();
      assert.equal(Buffer.from(stored.answers_enc).includes('Lovelace'), false);
      assert.equal(Buffer.from(stored.answers_enc).includes('FCA'), false);
      assert.equal(await draftRow(assignmentA), undefined, 'the draft gave way to the submission');

      const events = await s.t.database.db
        .selectFrom('audit_events')
        .select(['type', 'actor', 'payload'])
        .where('type', 'in', ['form.draft_saved', 'form.submitted'])
        .where('target_id', '=', appA)
        .orderBy('seq')
        .execute();
      assert.deepEqual(
        events.map((e) => [e.type, e.actor]),
        [
          ['form.draft_saved', `client:${a.userId}`],
          ['form.submitted', `client:${a.userId}`],
        ],
      );
      assert.equal(JSON.stringify(events).includes('Lovelace'), false, 'no answers in the trail');
    });
  });
}
