import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { backends } from '../../../../test/support/db.ts';
import { startTestApp, type TestApp } from '../../../../test/support/app.ts';
import {
  makeApplication,
  makeProgramme,
  makeSubject,
} from '../../../../test/support/factories-applications.ts';
import { enqueueDueRescreens, runScreeningJobs } from '../../../modules/screening/index.ts';

const fixture = (name: string) =>
  readFileSync(fileURLToPath(new URL(`../../../../test/fixtures/lists/${name}`, import.meta.url)));

/** A multipart body with the text fields first, then several file parts. */
function listUpload(fields: Record<string, string>, files: Record<string, Buffer>) {
  const boundary = '----dossierlists';
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields))
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  for (const [k, v] of Object.entries(files))
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${k}"; filename="${k}.dat"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
      v,
      Buffer.from('\r\n'),
    );
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    payload: Buffer.concat(parts),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

for (const backend of backends) {
  describe(`screening routes [${backend.kind}]`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(backend);
    });
    after(() => t.close());

    const upload = (
      list: string,
      fields: Record<string, string>,
      files: Record<string, Buffer>,
      token = t.adminToken,
    ) => {
      const body = listUpload(fields, files);
      return t.app.inject({
        method: 'POST',
        url: `/api/v1/screening/lists/${list}/snapshots`,
        payload: body.payload,
        headers: { ...body.headers, authorization: `Bearer ${token}` },
      });
    };

    it('401 without a credential, 403 without the right', async () => {
      for (const [method, url] of [
        ['GET', '/api/v1/screening/lists'],
        ['POST', '/api/v1/screening/lists/un/snapshots'],
        ['POST', '/api/v1/screening/search'],
        ['POST', '/api/v1/screening/batch'],
        ['POST', '/api/v1/subjects/00000000-0000-4000-8000-000000000000/screenings'],
      ] as const) {
        assert.equal((await t.call(method, url, { token: null })).statusCode, 401, url);
        assert.equal((await t.call(method, url, { token: t.noRightsToken })).statusCode, 403, url);
      }
      const runner = await t.tokenWith(['screening:run']);
      const refused = await upload(
        'un',
        { format: 'un-xml' },
        { file: fixture('un_consolidated.xml') },
        runner,
      );
      assert.equal(refused.statusCode, 403, 'importing lists needs screening:lists');
    });

    it('before any list: a clear conflict', async () => {
      const res = await t.call('POST', '/api/v1/screening/search', { body: { name: 'Saddam Hussein' } });
      assert.equal(res.statusCode, 409);
      assert.equal(res.json().reason, 'no_lists');
    });

    it('lists are imported over the API; a malformed one is refused with the place at fault', async () => {
      const un = await upload('un', { format: 'un-xml' }, { file: fixture('un_consolidated.xml') });
      assert.equal(un.statusCode, 201, un.body);
      assert.equal(un.json().entities, 14);
      const ofac = await upload(
        'ofac-sdn',
        { format: 'ofac-csv' },
        {
          file: fixture('ofac_sdn.csv'),
          alt: fixture('ofac_alt.csv'),
          add: fixture('ofac_add.csv'),
          comments: fixture('ofac_sdn_comments.csv'),
        },
      );
      assert.equal(ofac.statusCode, 201, ofac.body);
      assert.equal(ofac.json().entities, 28);
      const bad = await upload(
        'un',
        { format: 'un-xml' },
        { file: fixture('un_consolidated.xml').subarray(0, 2000) },
      );
      assert.equal(bad.statusCode, 400);
      assert.match(bad.json().detail, /line \d+/);
      const lists = await t.call('GET', '/api/v1/screening/lists');
      assert.deepEqual(
        lists
          .json()
          .items.map((l: { list: string; id: string }) => [l.list, l.id])
          .sort(),
        [
          ['ofac-sdn', ofac.json().snapshotId],
          ['un', un.json().snapshotId],
        ],
      );
    });

    it('a designee is found, ranked first, with an explanation; the run is stored and audited', async () => {
      const res = await t.call('POST', '/api/v1/screening/search', {
        body: { name: 'Saddam Hussein al-Tikriti', schema: 'Person', nationality: 'IQ' },
      });
      assert.equal(res.statusCode, 200, res.body);
      const run = res.json() as {
        runId: string;
        matches: { entityId: string; list: string; score: number; explanation: { tokens: unknown[] } }[];
        snapshots: { list: string }[];
      };
      assert.equal(run.matches[0]!.entityId, 'un:IQi.001');
      assert.equal(run.matches[0]!.list, 'un');
      assert.ok(run.matches[0]!.score >= 0.7);
      assert.ok(run.matches[0]!.explanation.tokens.length > 0);
      assert.deepEqual(run.snapshots.map((s) => s.list).sort(), ['ofac-sdn', 'un']);
      const stored = await t.database.db
        .selectFrom('screening_runs')
        .selectAll()
        .where('id', '=', run.runId)
        .executeTakeFirstOrThrow();
      assert.equal(stored.hit_count, run.matches.length);
      const audit = await t.database.db
        .selectFrom('audit_events')
        .select('payload')
        .where('type', '=', 'screening.run')
        .execute();
      assert.ok(audit.some((a) => (a.payload as { runId: string }).runId === run.runId));
      assert.ok(!JSON.stringify(audit).includes('Saddam'), 'no names in the trail');
      const unrelated = await t.call('POST', '/api/v1/screening/search', {
        body: { name: 'Margaret Thistlewood', schema: 'Person' },
      });
      assert.deepEqual(unrelated.json().matches, []);
      const onlyOfac = await t.call('POST', '/api/v1/screening/search', {
        body: { name: 'Saddam Hussein al-Tikriti', lists: ['ofac-sdn'] },
      });
      assert.ok(onlyOfac.json().matches.every((m: { list: string }) => m.list === 'ofac-sdn'));
    });

    it('a subject is screened with its programme profile; the batch endpoint screens many names', async () => {
      const programme = await makeProgramme(t.ctx);
      const made = await makeSubject(t.database.db, { displayName: 'Saddam Hussein al-Tikriti' });
      await t.database.db
        .updateTable('subjects')
        .set({ programme_id: programme.id })
        .where('id', '=', made.id)
        .execute();
      const res = await t.call('POST', `/api/v1/subjects/${made.id}/screenings`);
      assert.equal(res.statusCode, 201, res.body);
      assert.equal(res.json().subjectId, made.id);
      assert.equal(res.json().matches[0].entityId, 'un:IQi.001');
      const batch = await t.call('POST', '/api/v1/screening/batch', {
        body: { queries: [{ name: 'Saddam Hussein' }, { name: 'Margaret Thistlewood' }] },
      });
      assert.equal(batch.statusCode, 200, batch.body);
      assert.equal(batch.json().runs.length, 2);
    });

    it('alerts: a false positive is remembered until the list entry changes; a true match marks the subject', async () => {
      const made = await makeSubject(t.database.db, { displayName: 'Saddam Hussein al-Tikriti' });
      const first = await t.call('POST', `/api/v1/subjects/${made.id}/screenings`);
      assert.equal(first.statusCode, 201, first.body);
      assert.ok(first.json().alerts.raised >= 1);
      assert.equal(first.json().alerts.status, 'open_alerts');
      const alerts = (await t.call('GET', `/api/v1/subjects/${made.id}/alerts?status=open`)).json().items as {
        id: string;
        entityId: string;
        version: number;
      }[];
      assert.ok(alerts.some((a) => a.entityId === 'un:IQi.001'));
      // Resolving needs its own right.
      const runner = await t.tokenWith(['screening:run', 'subject:read']);
      const denied = await t.call('POST', `/api/v1/screening/alerts/${alerts[0]!.id}/decision`, {
        token: runner,
        body: { decision: 'false_positive', reason: 'x', version: 1 },
      });
      assert.equal(denied.statusCode, 403);
      for (const a of alerts) {
        const r = await t.call('POST', `/api/v1/screening/alerts/${a.id}/decision`, {
          body: {
            decision: 'false_positive',
            reason: 'different person: born 1990 in Basra',
            version: a.version,
          },
        });
        assert.equal(r.statusCode, 200, r.body);
        assert.equal(r.json().status, 'false_positive');
      }
      const again = await t.call('POST', `/api/v1/subjects/${made.id}/screenings`);
      assert.equal(again.json().alerts.raised, 0, 'remembered');
      assert.equal(again.json().alerts.suppressed, alerts.length);
      assert.equal(again.json().alerts.status, 'clear');
      const twice = await t.call('POST', `/api/v1/screening/alerts/${alerts[0]!.id}/decision`, {
        body: { decision: 'true_match', reason: 'x', version: 2 },
      });
      assert.equal(twice.statusCode, 409, 'already decided');

      // The list entry changes in a new snapshot: the alert returns.
      const changed = fixture('un_consolidated.xml')
        .toString('utf8')
        .replace('<LISTED_ON>2003-06-27</LISTED_ON>', '<LISTED_ON>2003-06-28</LISTED_ON>');
      const imported = await upload('un', { format: 'un-xml' }, { file: Buffer.from(changed, 'utf8') });
      assert.equal(imported.statusCode, 201, imported.body);
      assert.equal(imported.json().changed, 1);
      const third = await t.call('POST', `/api/v1/subjects/${made.id}/screenings`);
      assert.equal(third.json().alerts.raised, 1);
      const open = (await t.call('GET', `/api/v1/subjects/${made.id}/alerts?status=open`)).json().items;
      assert.deepEqual(
        open.map((a: { entityId: string }) => a.entityId),
        ['un:IQi.001'],
      );
      const match = await t.call('POST', `/api/v1/screening/alerts/${open[0].id}/decision`, {
        body: { decision: 'true_match', reason: 'same person: passport and date of birth agree', version: 1 },
      });
      assert.equal(match.statusCode, 200);
      const subject = await t.database.db
        .selectFrom('subjects')
        .select('screening_status')
        .where('id', '=', made.id)
        .executeTakeFirstOrThrow();
      assert.equal(subject.screening_status, 'true_match');
      const trail = await t.database.db
        .selectFrom('audit_events')
        .select('type')
        .where('target_id', '=', made.id)
        .execute();
      const types = trail.map((e) => e.type);
      assert.ok(types.includes('screening.alerts_raised') && types.includes('screening.alert_resolved'));
    });

    it('ongoing monitoring: a changed list entry rescreens only the subjects it hits (reverse screening); a changed subject is rescreened', async () => {
      const system = { ...t.ctx };
      const affected = await makeSubject(t.database.db, { displayName: 'Ahmad Oumar Imhamad al-Fitouri' });
      const bystander = await makeSubject(t.database.db, { displayName: 'Margaret Thistlewood' });
      for (const s of [affected, bystander])
        assert.equal((await t.call('POST', `/api/v1/subjects/${s.id}/screenings`)).statusCode, 201);
      const runsOf = async (id: string) =>
        (await t.database.db.selectFrom('screening_runs').select('id').where('subject_id', '=', id).execute())
          .length;
      await runScreeningJobs(system, t.screening); // drain earlier jobs
      const before = { affected: await runsOf(affected.id), bystander: await runsOf(bystander.id) };
      const changed = fixture('un_consolidated.xml')
        .toString('utf8')
        .replace('<LISTED_ON>2018-06-07</LISTED_ON>', '<LISTED_ON>2018-06-08</LISTED_ON>');
      const imported = await upload('un', { format: 'un-xml' }, { file: Buffer.from(changed, 'utf8') });
      // Two entries differ from the active snapshot: this one, and the one the previous test changed back.
      assert.equal(imported.json().changed, 2);
      const jobs = await runScreeningJobs(system, t.screening);
      assert.equal(jobs.failed, 0);
      assert.ok(jobs.ran >= 1);
      assert.equal(
        await runsOf(affected.id),
        before.affected + 1,
        'the subject the change hits is rescreened',
      );
      assert.equal(await runsOf(bystander.id), before.bystander, 'no one else');
      const job = await t.database.db
        .selectFrom('screening_jobs')
        .selectAll()
        .where('snapshot_id', '=', imported.json().snapshotId)
        .executeTakeFirstOrThrow();
      assert.equal(job.status, 'done');
      // A screened subject's name changes: it is screened again.
      const current = await t.call('GET', `/api/v1/subjects/${bystander.id}`);
      const patched = await t.call('PATCH', `/api/v1/subjects/${bystander.id}`, {
        body: { version: current.json().version, familyName: 'Thistlewood-Hart' },
      });
      assert.equal(patched.statusCode, 200, patched.body);
      await runScreeningJobs(system, t.screening);
      assert.equal(await runsOf(bystander.id), before.bystander + 1);
    });

    it("periodic rescreens follow the programme's profile", async () => {
      const programme = await makeProgramme(t.ctx);
      const patched = await t.call('PATCH', `/api/v1/programmes/${programme.id}`, {
        body: {
          version: programme.version,
          screeningProfile: { threshold: 0.8, lists: ['un'], subjectKinds: ['person'], rescreenDays: 30 },
        },
      });
      assert.equal(patched.statusCode, 200, patched.body);
      assert.equal(patched.json().screeningProfile.rescreenDays, 30);
      const made = await makeSubject(t.database.db, { displayName: 'Hilda Rosenqvist' });
      await t.database.db
        .updateTable('subjects')
        .set({ programme_id: programme.id })
        .where('id', '=', made.id)
        .execute();
      const run = await t.call('POST', `/api/v1/subjects/${made.id}/screenings`);
      assert.equal(run.json().threshold, 0.8, 'the profile applies');
      assert.deepEqual(
        run.json().snapshots.map((x: { list: string }) => x.list),
        ['un'],
      );
      await runScreeningJobs({ ...t.ctx }, t.screening);
      assert.equal(await enqueueDueRescreens(t.ctx), 0, 'not due yet');
      await t.database.db
        .updateTable('screening_runs')
        .set({ created_at: new Date(Date.now() - 31 * 86_400_000) })
        .where('subject_id', '=', made.id)
        .execute();
      assert.equal(await enqueueDueRescreens(t.ctx), 1);
      assert.equal(await enqueueDueRescreens(t.ctx), 0, 'one pending job per subject');
      await runScreeningJobs({ ...t.ctx }, t.screening);
      const runs = await t.database.db
        .selectFrom('screening_runs')
        .select('id')
        .where('subject_id', '=', made.id)
        .execute();
      assert.equal(runs.length, 2);
    });

    it('approval can require the screening clear: refused while a subject has an open alert, allowed once resolved', async () => {
      const programme = await makeProgramme(t.ctx, {
        statuses: [
          { key: 'draft', label: 'Draft', initial: true },
          { key: 'in_review', label: 'In review' },
          { key: 'approved', label: 'Approved', terminal: true },
        ],
        transitions: [
          { from: 'draft', to: 'in_review' },
          { from: 'in_review', to: 'approved', screeningClear: true },
        ],
      });
      const made = await makeSubject(t.database.db, { displayName: 'Ahmad Oumar Imhamad al-Fitouri' });
      const app = await makeApplication(t.ctx, { programmeId: programme.id, applicantId: made.id });
      assert.equal(
        (await t.call('POST', `/api/v1/applications/${app.id}/transitions`, { body: { to: 'in_review' } }))
          .statusCode,
        200,
      );
      const unscreened = await t.call('POST', `/api/v1/applications/${app.id}/transitions`, {
        body: { to: 'approved' },
      });
      assert.equal(unscreened.statusCode, 409, unscreened.body);
      assert.equal(unscreened.json().reason, 'screening_not_clear');
      assert.deepEqual(unscreened.json().subjects, [{ subjectId: made.id, status: 'not_screened' }]);
      const run = await t.call('POST', `/api/v1/subjects/${made.id}/screenings`);
      assert.ok(run.json().alerts.raised >= 1);
      const open = await t.call('POST', `/api/v1/applications/${app.id}/transitions`, {
        body: { to: 'approved' },
      });
      assert.equal(open.json().subjects[0].status, 'open_alerts');
      for (const a of (await t.call('GET', `/api/v1/subjects/${made.id}/alerts?status=open`)).json().items)
        await t.call('POST', `/api/v1/screening/alerts/${a.id}/decision`, {
          body: { decision: 'false_positive', reason: 'different person', version: a.version },
        });
      const ok = await t.call('POST', `/api/v1/applications/${app.id}/transitions`, {
        body: { to: 'approved' },
      });
      assert.equal(ok.statusCode, 200, ok.body);
      const refusals = await t.database.db
        .selectFrom('audit_events')
        .select('payload')
        .where('type', '=', 'application.transition_refused')
        .where('target_id', '=', app.id)
        .execute();
      assert.equal(refusals.length, 2);
      assert.ok(refusals.every((r) => (r.payload as { reason: string }).reason === 'screening_not_clear'));
    });

    it("a subject's other names are screened too; the stored run never holds document numbers", async () => {
      const created = await t.call('POST', '/api/v1/subjects', {
        body: {
          kind: 'person',
          givenNames: 'John',
          familyName: 'Smith',
          dateOfBirth: '1937-04-28',
          nationalities: ['IQ'],
          otherNames: ['Saddam Hussein al-Tikriti'],
          identityDocuments: [{ type: 'passport', number: 'X1234567', country: 'GB' }],
        },
      });
      assert.equal(created.statusCode, 201, created.body);
      const id = created.json().subject.id as string;
      const run = await t.call('POST', `/api/v1/subjects/${id}/screenings`);
      assert.equal(run.statusCode, 201, run.body);
      assert.ok(run.json().matches.some((m: { entityId: string }) => m.entityId === 'un:IQi.001'));
      const stored = await t.database.db
        .selectFrom('screening_runs')
        .select('query')
        .where('id', '=', run.json().runId)
        .executeTakeFirstOrThrow();
      const text = JSON.stringify(stored.query);
      assert.ok(text.includes('passport') && !text.includes('X1234567'));
    });
  });
}
