/**
 * Subjects scoped to programmes over HTTP (issue 4, item 3): an actor limited to some programmes
 * sees the subjects created in them and those attached to their applications, nothing else. Lists
 * are filtered in the query; any other subject answers 404; ownership stays exact but hides the
 * owners the actor may not see; duplicate detection never reveals a foreign subject.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ApplicationView } from '../../src/modules/applications/index.ts';
import type { ProgrammeView } from '../../src/modules/programmes/index.ts';
import { setProgrammeMembers } from '../../src/modules/programmes/index.ts';
import type { SubjectView } from '../../src/modules/subjects/index.ts';
import { backends } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { browser, controlClock, createStaff, signInWithTotp } from '../support/auth.ts';
import { makeApplication, makeProgramme } from '../support/factories-applications.ts';
import { createCompany, createPerson, createShareholding } from '../support/factories-subjects.ts';

for (const backend of backends) {
  describe(`subjects scoped to programmes [${backend.kind}]`, () => {
    let t: TestApp;
    let mine: ProgrammeView;
    let theirs: ProgrammeView;
    /** Created in my programme. */
    let own: SubjectView;
    /** Created in theirs, attached to an application of mine. */
    let shared: SubjectView;
    /** Created in theirs. */
    let foreign: SubjectView;
    /** Created in no programme (before scoping, or by an all-programme actor). */
    let orphan: SubjectView;
    /** A company of mine, owned 50% by a hidden holding (itself 60% a hidden person's) and 20% by `own`. */
    let target: SubjectView;
    let holding: SubjectView;
    let hiddenOwner: SubjectView;
    let myApp: ApplicationView;
    let s: { token: string; csrf: string };

    before(async () => {
      t = await startTestApp(backend);
      const clock = controlClock(t);
      mine = await makeProgramme(t.ctx);
      theirs = await makeProgramme(t.ctx);
      own = await createPerson(t.ctx, { programmeId: mine.id, givenNames: 'Olga', familyName: 'Own' });
      shared = await createPerson(t.ctx, { programmeId: theirs.id, familyName: 'Shared' });
      foreign = await createPerson(t.ctx, {
        programmeId: theirs.id,
        givenNames: 'Fiona',
        familyName: 'Foreign',
        dateOfBirth: '1970-07-07',
        identityDocuments: [{ type: 'passport', number: 'FOREIGN0001', country: 'GB' }],
      });
      orphan = await createPerson(t.ctx, { familyName: 'Orphan' });
      target = await createCompany(t.ctx, { programmeId: mine.id, registeredName: 'Target Mine AG' });
      holding = await createCompany(t.ctx, { programmeId: theirs.id, registeredName: 'Secret Holding AG' });
      hiddenOwner = await createPerson(t.ctx, {
        programmeId: theirs.id,
        givenNames: 'Hidden',
        familyName: 'Owner',
      });
      await createShareholding(t.ctx, holding, target, 50);
      await createShareholding(t.ctx, hiddenOwner, holding, 60);
      await createShareholding(t.ctx, own, target, 20);
      myApp = await makeApplication(t.ctx, { programmeId: mine.id, applicantId: shared.id });
      const analyst = await createStaff(t, {
        totp: true,
        rights: ['subject:read', 'subject:write', 'application:read', 'application:write'],
      });
      await setProgrammeMembers(t.ctx, mine.id, [analyst.id]);
      s = await signInWithTotp(t, analyst, clock);
    });
    after(() => t.close());

    const get = (url: string) => browser(t, 'GET', url, { cookie: s.token });
    const send = (method: string, url: string, body: unknown) =>
      browser(t, method, url, { cookie: s.token, csrf: s.csrf, body });
    const ids = (res: { json(): unknown }) =>
      ((res.json() as { items: { id: string }[] }).items ?? []).map((i) => i.id);

    it('the list shows the subjects of my programmes and of my applications, paginated in the query', async () => {
      const listed = ids(await get('/api/v1/subjects?limit=200'));
      assert.deepEqual(new Set(listed), new Set([own.id, shared.id, target.id]));
      // Keyset pagination over the filtered set: one by one, the same subjects in the same order.
      const paged: string[] = [];
      let cursor: string | null = null;
      do {
        const res = await get(`/api/v1/subjects?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
        assert.equal(res.statusCode, 200, res.body);
        paged.push(...ids(res));
        cursor = res.json().nextCursor;
      } while (cursor);
      assert.deepEqual(paged, listed);
      assert.deepEqual(ids(await get('/api/v1/subjects?q=foreign')), []);
      // The all-programme administrator key sees every subject.
      const all = ids(await t.call('GET', '/api/v1/subjects?limit=200'));
      for (const x of [own, shared, foreign, orphan, target, holding, hiddenOwner])
        assert.ok(all.includes(x.id));
    });

    it('another programme’s subject answers 404, reading and writing', async () => {
      assert.equal((await get(`/api/v1/subjects/${own.id}`)).statusCode, 200);
      assert.equal((await get(`/api/v1/subjects/${shared.id}`)).statusCode, 200);
      for (const x of [foreign, orphan, holding]) {
        assert.equal((await get(`/api/v1/subjects/${x.id}`)).statusCode, 404);
        assert.equal((await get(`/api/v1/subjects/${x.id}/relationships`)).statusCode, 404);
        assert.equal((await get(`/api/v1/subjects/${x.id}/ownership`)).statusCode, 404);
        const patch = await send('PATCH', `/api/v1/subjects/${x.id}`, { version: 1, placeOfBirth: 'Paris' });
        assert.equal(patch.statusCode, 404);
      }
      const mineOk = await send('PATCH', `/api/v1/subjects/${own.id}`, { version: 1, placeOfBirth: 'Paris' });
      assert.equal(mineOk.statusCode, 200, mineOk.body);
      assert.equal((await t.call('GET', `/api/v1/subjects/${foreign.id}`)).statusCode, 200);
    });

    it('relationships: only edges to visible subjects are listed, created or deleted', async () => {
      const listed = (await get(`/api/v1/subjects/${target.id}/relationships`)).json().items as {
        counterpart: { id: string };
      }[];
      assert.deepEqual(
        listed.map((r) => r.counterpart.id),
        [own.id],
      );
      const adminList = (await t.call('GET', `/api/v1/subjects/${target.id}/relationships`)).json().items as {
        id: string;
        counterpart: { id: string };
      }[];
      assert.equal(adminList.length, 2);
      const hiddenEdge = adminList.find((r) => r.counterpart.id === holding.id)!;
      assert.equal(
        (await send('DELETE', `/api/v1/relationships/${hiddenEdge.id}`, undefined)).statusCode,
        404,
      );

      const link = (from: string, to: string) =>
        send('POST', '/api/v1/relationships', { fromSubjectId: from, toSubjectId: to, kind: 'director' });
      assert.equal((await link(foreign.id, target.id)).statusCode, 404);
      assert.equal((await link(own.id, holding.id)).statusCode, 404);
      const ok = await link(own.id, target.id);
      assert.equal(ok.statusCode, 201, ok.body);
      const del = await send('DELETE', `/api/v1/relationships/${ok.json().id}`, undefined);
      assert.equal(del.statusCode, 200, del.body);
    });

    it('ownership is computed over the whole graph; hidden owners keep their figures, not their names', async () => {
      const res = await get(`/api/v1/subjects/${target.id}/ownership`);
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json();
      assert.deepEqual(
        body.owners.map((o: Record<string, unknown>) => [
          o.subjectId,
          o.hidden,
          o.kind,
          o.displayName,
          o.effectivePct,
        ]),
        [
          [holding.id, true, undefined, undefined, 50],
          [hiddenOwner.id, true, undefined, undefined, 30],
          [own.id, false, 'person', 'Olga Own', 20],
        ],
      );
      assert.deepEqual(body.uboCandidates, [
        {
          subjectId: hiddenOwner.id,
          hidden: true,
          effectivePct: 30,
          effectiveVotingPct: 30,
          reasons: ['effective_ownership', 'effective_voting'],
        },
      ]);
      assert.doesNotMatch(res.body, /Secret Holding|Hidden/);
      const admin = (await t.call('GET', `/api/v1/subjects/${target.id}/ownership`)).json();
      assert.deepEqual(
        admin.owners.map((o: { displayName: string; hidden: boolean }) => [o.displayName, o.hidden]),
        [
          ['Secret Holding AG', false],
          ['Hidden Owner', false],
          ['Olga Own', false],
        ],
      );
      // A foreign programme's threshold is no more readable than the programme.
      const foreignThreshold = await get(`/api/v1/subjects/${target.id}/ownership?programmeId=${theirs.id}`);
      assert.equal(foreignThreshold.statusCode, 400);
    });

    it('creating: programmeId is required and must be one of mine', async () => {
      const person = {
        kind: 'person',
        givenNames: 'Nora',
        familyName: 'New',
        dateOfBirth: '1991-02-03',
      };
      const missing = await send('POST', '/api/v1/subjects', person);
      assert.equal(missing.statusCode, 400);
      assert.match(missing.body, /programmeId/);
      const elsewhere = await send('POST', '/api/v1/subjects', { ...person, programmeId: theirs.id });
      assert.equal(elsewhere.statusCode, 400);
      assert.match(elsewhere.body, /no such programme/);
      const created = await send('POST', '/api/v1/subjects', { ...person, programmeId: mine.id });
      assert.equal(created.statusCode, 201, created.body);
      const id = created.json().subject.id as string;
      assert.equal((await get(`/api/v1/subjects/${id}`)).statusCode, 200);
      const row = await t.database.db
        .selectFrom('subjects')
        .select('programme_id')
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      assert.equal(row.programme_id, mine.id);
      // An all-programme actor may leave it out, but not name a programme that does not exist.
      const unknown = await t.call('POST', '/api/v1/subjects', {
        body: { ...person, familyName: 'Nowhere', programmeId: '00000000-0000-4000-8000-000000000000' },
      });
      assert.equal(unknown.statusCode, 400);
      assert.match(unknown.body, /no such programme/);
    });

    it('a probable duplicate in another programme is not revealed; one I can see is', async () => {
      const copy = {
        kind: 'person',
        givenNames: 'Fiona',
        familyName: 'Foreign',
        dateOfBirth: '1970-07-07',
        identityDocuments: [{ type: 'passport', number: 'FOREIGN0001', country: 'GB' }],
      };
      // The administrator sees the duplicate.
      const admin = await t.call('POST', '/api/v1/subjects', { body: copy });
      assert.equal(admin.statusCode, 409);
      assert.ok(admin.body.includes(foreign.id));
      // The scoped user does not: the record is created in its programme.
      const res = await send('POST', '/api/v1/subjects', { ...copy, programmeId: mine.id });
      assert.equal(res.statusCode, 201, res.body);
      assert.ok(!res.body.includes(foreign.id));
      // A duplicate the user can see still counts.
      const again = await send('POST', '/api/v1/subjects', { ...copy, programmeId: mine.id });
      assert.equal(again.statusCode, 409);
      assert.ok(again.body.includes(res.json().subject.id));
      assert.ok(!again.body.includes(foreign.id));
    });

    it('attaching a subject to an application needs the subject visible', async () => {
      const create = await send('POST', '/api/v1/applications', {
        programmeId: mine.id,
        subjects: [{ subjectId: foreign.id, role: 'applicant' }],
      });
      assert.equal(create.statusCode, 400);
      assert.match(create.body, /no such subject/);
      const add = await send('POST', `/api/v1/applications/${myApp.id}/subjects`, {
        subjectId: foreign.id,
        role: 'ubo',
      });
      assert.equal(add.statusCode, 400);
      assert.match(add.body, /no such subject/);
      const addOwn = await send('POST', `/api/v1/applications/${myApp.id}/subjects`, {
        subjectId: own.id,
        role: 'ubo',
      });
      assert.equal(addOwn.statusCode, 201, addOwn.body);
    });

    it('API keys: a scoped key sees its programmes’ subjects; the all-programme key sees every one', async () => {
      const scoped = await t.call('POST', '/api/v1/api-keys', {
        body: { name: 'scoped subjects', rights: ['subject:read'], programmeIds: [mine.id] },
      });
      assert.equal(scoped.statusCode, 201, scoped.body);
      const token = scoped.json().token as string;
      assert.equal((await t.call('GET', `/api/v1/subjects/${own.id}`, { token })).statusCode, 200);
      assert.equal((await t.call('GET', `/api/v1/subjects/${shared.id}`, { token })).statusCode, 200);
      assert.equal((await t.call('GET', `/api/v1/subjects/${foreign.id}`, { token })).statusCode, 404);
      const listed = ids(await t.call('GET', '/api/v1/subjects?limit=200', { token }));
      assert.ok(!listed.includes(foreign.id) && !listed.includes(orphan.id));
      assert.ok(listed.includes(own.id) && listed.includes(shared.id));
      const none = await t.call('POST', '/api/v1/api-keys', {
        body: { name: 'no programme', rights: ['subject:read'], programmeIds: [] },
      });
      assert.equal(none.statusCode, 201, none.body);
      const noneToken = none.json().token as string;
      assert.deepEqual(ids(await t.call('GET', '/api/v1/subjects?limit=200', { token: noneToken })), []);
      assert.equal((await t.call('GET', `/api/v1/subjects/${own.id}`, { token: noneToken })).statusCode, 404);
      for (const x of [own, shared, foreign, orphan])
        assert.equal((await t.call('GET', `/api/v1/subjects/${x.id}`)).statusCode, 200);
    });
  });
}
