import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createApiKey } from '../../../modules/api-keys/index.ts';
import { defaultStatusMachine } from '../../../modules/programmes/index.ts';
import { backends } from '../../../../test/support/db.ts';
import { startTestApp, type TestApp } from '../../../../test/support/app.ts';
import {
  auditOf,
  makeApplication,
  makeProgramme,
  makeStaffUser,
  makeSubject,
} from '../../../../test/support/factories-applications.ts';

const UNKNOWN = '00000000-0000-4000-8000-000000000000';

for (const backend of backends) {
  describe(`applications routes [${backend.kind}]`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(backend);
    });
    after(() => t.close());

    const statusOf = async (id: string) =>
      await t.database.db
        .selectFrom('applications')
        .select(['status', 'version'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();

    /** Every route, with a body that would be valid for it. */
    const routes = async () => {
      const app = await makeApplication(t.ctx);
      const subject = await makeSubject(t.database.db);
      const a = `/api/v1/applications/${app.id}`;
      return {
        app,
        list: [
          ['GET', '/api/v1/applications', undefined],
          [
            'POST',
            '/api/v1/applications',
            { programmeId: app.programme.id, subjects: [{ subjectId: subject.id, role: 'applicant' }] },
          ],
          ['GET', a, undefined],
          ['POST', `${a}/transitions`, { to: 'in_review' }],
          ['POST', `${a}/subjects`, { subjectId: subject.id, role: 'director' }],
          ['DELETE', `${a}/subjects/${app.subjects[0]!.id}/applicant`, undefined],
          ['PUT', `${a}/assignee`, { assigneeId: null }],
          ['POST', `${a}/notes`, { body: 'hello' }],
          ['GET', `${a}/notes`, undefined],
          ['GET', `${a}/decisions`, undefined],
          ['POST', `${a}/decisions/${UNKNOWN}/confirm`, {}],
          ['POST', `${a}/decisions/${UNKNOWN}/reject`, {}],
          ['PATCH', `${a}/risk`, { riskLevel: 'low', reason: 'checked' }],
          ['POST', `${a}/notes/${UNKNOWN}/sharing`, { shared: true }],
        ] as const,
      };
    };

    it('the detail view says what the caller may do: everything for the administrator, reading for a reader', async () => {
      const app = await makeApplication(t.ctx);
      const full = (await t.call('GET', `/api/v1/applications/${app.id}`)).json();
      assert.equal(full.abilities.edit, true);
      assert.ok(full.abilities.transitions.length > 0);
      assert.ok(full.abilities.transitions.every((x: { allowed: boolean }) => x.allowed));
      const reader = await t.tokenWith(['application:read']);
      const read = (await t.call('GET', `/api/v1/applications/${app.id}`, { token: reader })).json();
      assert.equal(read.abilities.edit, false);
      assert.equal(read.abilities.setRisk, false);
      assert.ok(read.abilities.transitions.every((x: { allowed: boolean }) => !x.allowed));
    });

    it('401 without credentials on every route', async () => {
      const { list } = await routes();
      for (const [method, url, body] of list) {
        assert.equal((await t.call(method, url, { token: null, body })).statusCode, 401, `${method} ${url}`);
      }
    });

    it('403 for a key without the right, per route, and nothing changes', async () => {
      const { app, list } = await routes();
      const expected = [
        'application:read',
        'application:write',
        'application:read',
        'application:transition',
        'application:write',
        'application:write',
        'application:write',
        'application:write',
        'application:read',
        'application:read',
        'application:transition',
        'application:transition',
        'risk:override',
        'application:write',
      ];
      for (const [i, [method, url, body]] of list.entries()) {
        const res = await t.call(method, url, { token: t.noRightsToken, body });
        assert.equal(res.statusCode, 403, `${method} ${url}`);
        // A key with every application right except the one the route needs is refused too.
        const others = (['application:read', 'application:write', 'application:transition'] as const).filter(
          (r) => r !== expected[i],
        );
        const almost = await t.call(method, url, { token: await t.tokenWith([...others]), body });
        assert.equal(almost.statusCode, 403, `${method} ${url} without ${expected[i]}`);
        assert.match(almost.json().detail, new RegExp(expected[i]!));
      }
      assert.deepEqual(await statusOf(app.id), { status: 'draft', version: 1 });
      assert.deepEqual(
        (await auditOf(t.database.db, app.id)).map((e) => e.type),
        ['application.created'],
      );
    });

    it('the right alone is enough: read, write and transition keys', async () => {
      const app = await makeApplication(t.ctx);
      const reader = await t.tokenWith(['application:read']);
      const writer = await t.tokenWith(['application:write']);
      const mover = await t.tokenWith(['application:transition']);
      assert.equal(
        (await t.call('GET', `/api/v1/applications/${app.id}`, { token: reader })).statusCode,
        200,
      );
      assert.equal(
        (await t.call('POST', `/api/v1/applications/${app.id}/notes`, { token: writer, body: { body: 'x' } }))
          .statusCode,
        201,
      );
      assert.equal(
        (
          await t.call('POST', `/api/v1/applications/${app.id}/transitions`, {
            token: mover,
            body: { to: 'in_review' },
          })
        ).statusCode,
        200,
      );
    });

    it('400 for bad input and unknown fields on every route that takes input', async () => {
      const app = await makeApplication(t.ctx);
      const applicant = app.subjects[0]!.id;
      const a = `/api/v1/applications/${app.id}`;
      const create = (body: unknown) => t.call('POST', '/api/v1/applications', { body });
      const unknown = await create({
        programmeId: app.programme.id,
        subjects: [{ subjectId: applicant, role: 'applicant' }],
        status: 'approved',
      });
      assert.equal(unknown.statusCode, 400);
      assert.deepEqual(unknown.json().errors, [{ path: 'body/status', message: 'unknown field' }]);
      assert.equal(
        (await create({ programmeId: app.programme.id, subjects: [{ subjectId: applicant, role: 'owner' }] }))
          .statusCode,
        400,
      );
      assert.equal((await create({ programmeId: app.programme.id, subjects: [] })).statusCode, 400);
      assert.equal(
        (await create({ programmeId: 'nope', subjects: [{ subjectId: applicant, role: 'applicant' }] }))
          .statusCode,
        400,
      );

      const cases: [string, string, unknown][] = [
        ['POST', `${a}/transitions`, { to: 'in_review', force: true }],
        ['POST', `${a}/transitions`, { to: '' }],
        ['POST', `${a}/subjects`, { subjectId: applicant, role: 'director', share: 10 }],
        ['POST', `${a}/subjects`, { subjectId: applicant, role: 'boss' }],
        ['DELETE', `${a}/subjects/${applicant}/boss`, undefined],
        ['DELETE', `${a}/subjects/not-a-uuid/director`, undefined],
        ['PUT', `${a}/assignee`, { assigneeId: null, note: 'x' }],
        ['PUT', `${a}/assignee`, { assigneeId: 'someone' }],
        ['PUT', `${a}/assignee`, {}],
        ['POST', `${a}/notes`, { body: 'x', pinned: true }],
        ['POST', `${a}/notes`, { body: '' }],
        ['POST', `${a}/notes`, { body: '   \n ' }],
        ['POST', `${a}/notes`, { body: 'x'.repeat(10001) }],
        ['POST', `${a}/notes`, { body: 'x', shared: 'yes' }],
        ['POST', `${a}/notes/${UNKNOWN}/sharing`, {}],
        ['POST', `${a}/notes/${UNKNOWN}/sharing`, { shared: 'yes' }],
        ['POST', `${a}/notes/${UNKNOWN}/sharing`, { shared: true, notify: true }],
        ['POST', `${a}/notes/not-a-uuid/sharing`, { shared: true }],
        ['GET', `${a}/notes?limit=500`, undefined],
        ['GET', '/api/v1/applications?owner=me', undefined],
        ['GET', '/api/v1/applications?programmeId=nope', undefined],
        ['GET', '/api/v1/applications?cursor=bm9wZQ', undefined],
        ['GET', '/api/v1/applications/not-a-uuid', undefined],
      ];
      for (const [method, url, body] of cases) {
        const res = await t.call(method, url, { body });
        assert.equal(res.statusCode, 400, `${method} ${url} ${JSON.stringify(body)?.slice(0, 60)}`);
        assert.equal(res.json().code, 'validation');
      }
      assert.equal(
        (await t.call('POST', `${a}/notes`, { body: { body: 'x'.repeat(10000) } })).statusCode,
        201,
        '10000 characters is allowed',
      );
      assert.deepEqual(await statusOf(app.id), { status: 'draft', version: 1 });
    });

    it('400 naming the field for ids in a body that name nothing, and for applicant rules', async () => {
      const programme = await makeProgramme(t.ctx, { allowedEntityTypes: ['entity'] });
      const company = await makeSubject(t.database.db, { kind: 'entity' });
      const person = await makeSubject(t.database.db, { kind: 'person' });
      const disabled = await makeStaffUser(t.database.db, { status: 'disabled' });
      const create = async (body: unknown) => {
        const res = await t.call('POST', '/api/v1/applications', { body });
        assert.equal(res.statusCode, 400, JSON.stringify(body));
        assert.equal(res.json().code, 'validation');
        return res.json().errors as { path: string; message: string }[];
      };
      const ok = { programmeId: programme.id, subjects: [{ subjectId: company.id, role: 'applicant' }] };
      assert.deepEqual((await create({ ...ok, programmeId: UNKNOWN }))[0]!.path, 'programmeId');
      assert.deepEqual(
        (await create({ ...ok, subjects: [...ok.subjects, { subjectId: UNKNOWN, role: 'director' }] })).map(
          (e) => e.path,
        ),
        ['subjects/1/subjectId'],
      );
      assert.deepEqual(
        (await create({ ...ok, assigneeId: UNKNOWN })).map((e) => e.path),
        ['assigneeId'],
      );
      assert.deepEqual(
        (await create({ ...ok, assigneeId: disabled.id })).map((e) => e.path),
        ['assigneeId'],
      );
      const wrongKind = await create({
        programmeId: programme.id,
        subjects: [{ subjectId: person.id, role: 'applicant' }],
      });
      assert.equal(wrongKind[0]!.path, 'subjects/0/subjectId');
      assert.match(wrongKind[0]!.message, /entity/);
      assert.match(
        (
          await create({ programmeId: programme.id, subjects: [{ subjectId: person.id, role: 'director' }] })
        )[0]!.message,
        /exactly one applicant/,
      );
      assert.match(
        (await create({ ...ok, subjects: [...ok.subjects, { subjectId: person.id, role: 'applicant' }] }))[0]!
          .message,
        /exactly one applicant is required \(found 2\)/,
      );
      const director = { subjectId: person.id, role: 'director' };
      assert.deepEqual(await create({ ...ok, subjects: [...ok.subjects, director, director] }), [
        { path: 'subjects/2', message: 'subject already listed as director' },
      ]);
      const count = await t.database.db
        .selectFrom('applications')
        .select('id')
        .where('programme_id', '=', programme.id)
        .execute();
      assert.equal(count.length, 0);
    });

    it('404 for an unknown application id on every route', async () => {
      const subject = await makeSubject(t.database.db);
      const a = `/api/v1/applications/${UNKNOWN}`;
      for (const [method, url, body] of [
        ['GET', a, undefined],
        ['POST', `${a}/transitions`, { to: 'in_review' }],
        ['POST', `${a}/subjects`, { subjectId: subject.id, role: 'director' }],
        ['DELETE', `${a}/subjects/${subject.id}/director`, undefined],
        ['PUT', `${a}/assignee`, { assigneeId: null }],
        ['POST', `${a}/notes`, { body: 'hello' }],
        ['GET', `${a}/notes`, undefined],
      ] as const) {
        const res = await t.call(method, url, { body });
        assert.equal(res.statusCode, 404, `${method} ${url}`);
        assert.equal(res.json().code, 'not_found');
      }
    });

    it('creates an application: reference, initial status, subjects, assignee; row and audit event', async () => {
      const programme = await makeProgramme(t.ctx);
      const company = await makeSubject(t.database.db, { kind: 'entity', displayName: 'Acme Ltd' });
      const director = await makeSubject(t.database.db, { displayName: 'Zed Director' });
      const staff = await makeStaffUser(t.database.db, { displayName: 'Grace Hopper' });
      const subjects = [
        { subjectId: director.id, role: 'director' },
        { subjectId: director.id, role: 'ubo' },
        { subjectId: company.id, role: 'applicant' },
      ];
      const res = await t.call('POST', '/api/v1/applications', {
        body: { programmeId: programme.id, assigneeId: staff.id, subjects },
      });
      assert.equal(res.statusCode, 201);
      const app = res.json();
      assert.match(app.reference, /^APP-\d{6}$/);
      assert.equal(app.status, 'draft');
      assert.deepEqual(app.allowedTransitions, ['in_review']);
      assert.deepEqual(app.programme, { id: programme.id, name: programme.name });
      assert.deepEqual(app.assignee, { id: staff.id, username: staff.username, displayName: 'Grace Hopper' });
      assert.deepEqual(app.subjects, [
        {
          id: company.id,
          kind: 'entity',
          displayName: 'Acme Ltd',
          role: 'applicant',
          addedBy: null,
          addedByName: null,
        },
        {
          id: director.id,
          kind: 'person',
          displayName: 'Zed Director',
          role: 'director',
          addedBy: null,
          addedByName: null,
        },
        {
          id: director.id,
          kind: 'person',
          displayName: 'Zed Director',
          role: 'ubo',
          addedBy: null,
          addedByName: null,
        },
      ]);
      assert.equal(app.version, 1);

      const row = await t.database.db
        .selectFrom('applications')
        .selectAll()
        .where('id', '=', app.id)
        .executeTakeFirstOrThrow();
      assert.equal(row.reference, app.reference);
      assert.equal(row.status, 'draft');
      assert.equal(row.assignee_id, staff.id);
      const links = await t.database.db
        .selectFrom('application_subjects')
        .select(['subject_id', 'role'])
        .where('application_id', '=', app.id)
        .orderBy('role')
        .execute();
      assert.deepEqual(links, [
        { subject_id: company.id, role: 'applicant' },
        { subject_id: director.id, role: 'director' },
        { subject_id: director.id, role: 'ubo' },
      ]);
      assert.deepEqual(await auditOf(t.database.db, app.id), [
        {
          type: 'application.created',
          payload: { programmeId: programme.id, reference: app.reference, status: 'draft', subjects },
        },
      ]);
      // The detail GET is the create response plus what the caller may do.
      const { abilities, ...detail } = (await t.call('GET', `/api/v1/applications/${app.id}`)).json();
      assert.deepEqual(detail, app);
      assert.equal(abilities.edit, true);

      const next = await makeApplication(t.ctx, { programmeId: programme.id });
      assert.ok(
        Number(next.reference.slice(4)) > Number(app.reference.slice(4)),
        'references come from the sequence',
      );
    });

    it('transitions along the programme only; an invalid move is refused and changes nothing', async () => {
      const app = await makeApplication(t.ctx);
      const url = `/api/v1/applications/${app.id}/transitions`;
      const bad = await t.call('POST', url, { body: { to: 'approved' } });
      assert.equal(bad.statusCode, 409);
      assert.equal(bad.json().code, 'invalid_transition');
      assert.deepEqual(bad.json().allowed, ['in_review']);
      assert.match(bad.json().detail, /allowed: in_review/);
      assert.equal((await t.call('POST', url, { body: { to: 'no_such_status' } })).statusCode, 409);
      assert.equal(
        (await t.call('POST', url, { body: { to: 'draft' } })).statusCode,
        409,
        'staying put is not a transition',
      );
      assert.deepEqual(await statusOf(app.id), { status: 'draft', version: 1 });
      assert.deepEqual(
        (await auditOf(t.database.db, app.id)).map((e) => e.type),
        ['application.created'],
      );

      const moved = await t.call('POST', url, {
        body: { to: 'in_review', reason: 'documents complete', version: 1 },
      });
      assert.equal(moved.statusCode, 200);
      assert.equal(moved.json().status, 'in_review');
      assert.equal(moved.json().version, 2);
      assert.deepEqual(moved.json().allowedTransitions, ['draft', 'approved', 'rejected']);
      assert.deepEqual(await statusOf(app.id), { status: 'in_review', version: 2 });
      assert.deepEqual((await auditOf(t.database.db, app.id)).at(-1), {
        type: 'application.status_changed',
        payload: { from: 'draft', to: 'in_review', reason: 'documents complete' },
      });

      const stale = await t.call('POST', url, { body: { to: 'approved', version: 1 } });
      assert.equal(stale.statusCode, 409);
      assert.equal(stale.json().code, 'version_conflict');
      assert.deepEqual(await statusOf(app.id), { status: 'in_review', version: 2 });

      const done = await t.call('POST', url, { body: { to: 'approved' } });
      assert.equal(done.statusCode, 200);
      assert.deepEqual(done.json().allowedTransitions, [], 'nothing leaves a terminal status');
      const after = await t.call('POST', url, { body: { to: 'draft' } });
      assert.equal(after.statusCode, 409);
      assert.deepEqual(after.json().allowed, []);
    });

    it('concurrent transitions: exactly one succeeds, with or without a version', async () => {
      for (const body of [{ to: 'in_review' }, { to: 'in_review', version: 1 }]) {
        const app = await makeApplication(t.ctx);
        const url = `/api/v1/applications/${app.id}/transitions`;
        const results = await Promise.all([t.call('POST', url, { body }), t.call('POST', url, { body })]);
        assert.deepEqual(results.map((r) => r.statusCode).sort(), [200, 409], JSON.stringify(body));
        assert.deepEqual(await statusOf(app.id), { status: 'in_review', version: 2 });
        const changes = (await auditOf(t.database.db, app.id)).filter(
          (e) => e.type === 'application.status_changed',
        );
        assert.equal(changes.length, 1);
      }
    });

    it('adds and removes subject roles; the only applicant stays', async () => {
      const app = await makeApplication(t.ctx);
      const applicant = app.subjects[0]!.id;
      const other = await makeSubject(t.database.db, { kind: 'entity' });
      const a = `/api/v1/applications/${app.id}`;

      const added = await t.call('POST', `${a}/subjects`, {
        body: { subjectId: other.id, role: 'shareholder' },
      });
      assert.equal(added.statusCode, 201);
      assert.deepEqual(
        added.json().subjects.map((s: { id: string; role: string }) => [s.id, s.role]),
        [
          [applicant, 'applicant'],
          [other.id, 'shareholder'],
        ],
      );
      assert.equal(added.json().version, 2);
      assert.deepEqual((await auditOf(t.database.db, app.id)).at(-1), {
        type: 'application.subject_added',
        payload: { subjectId: other.id, role: 'shareholder' },
      });

      const again = await t.call('POST', `${a}/subjects`, {
        body: { subjectId: other.id, role: 'shareholder' },
      });
      assert.equal(again.statusCode, 409);
      assert.equal(again.json().code, 'conflict');
      assert.equal(
        (await t.call('POST', `${a}/subjects`, { body: { subjectId: other.id, role: 'applicant' } }))
          .statusCode,
        409,
      );
      const unknownSubject = await t.call('POST', `${a}/subjects`, {
        body: { subjectId: UNKNOWN, role: 'director' },
      });
      assert.equal(unknownSubject.statusCode, 400);
      assert.deepEqual(unknownSubject.json().errors, [{ path: 'subjectId', message: 'no such subject' }]);

      const onlyApplicant = await t.call('DELETE', `${a}/subjects/${applicant}/applicant`);
      assert.equal(onlyApplicant.statusCode, 409);
      assert.match(onlyApplicant.json().detail, /only applicant/);
      assert.equal(
        (await t.call('DELETE', `${a}/subjects/${other.id}/director`)).statusCode,
        404,
        'a role the subject does not hold',
      );

      const removed = await t.call('DELETE', `${a}/subjects/${other.id}/shareholder`);
      assert.equal(removed.statusCode, 200);
      assert.equal(removed.json().subjects.length, 1);
      assert.equal(removed.json().version, 3);
      const links = await t.database.db
        .selectFrom('application_subjects')
        .select(['subject_id', 'role'])
        .where('application_id', '=', app.id)
        .execute();
      assert.deepEqual(links, [{ subject_id: applicant, role: 'applicant' }]);
      assert.deepEqual(
        (await auditOf(t.database.db, app.id)).map((e) => e.type),
        ['application.created', 'application.subject_added', 'application.subject_removed'],
      );
    });

    it('assigns to an active staff user, refuses unknown or disabled users, unassigns', async () => {
      const app = await makeApplication(t.ctx);
      const staff = await makeStaffUser(t.database.db);
      const disabled = await makeStaffUser(t.database.db, { status: 'disabled' });
      const url = `/api/v1/applications/${app.id}/assignee`;
      const res = await t.call('PUT', url, { body: { assigneeId: staff.id } });
      assert.equal(res.statusCode, 200);
      assert.equal(res.json().assignee.id, staff.id);
      for (const assigneeId of [disabled.id, UNKNOWN]) {
        const refused = await t.call('PUT', url, { body: { assigneeId } });
        assert.equal(refused.statusCode, 400);
        assert.deepEqual(refused.json().errors, [
          { path: 'assigneeId', message: 'no such active staff user' },
        ]);
      }
      const row = await t.database.db
        .selectFrom('applications')
        .select('assignee_id')
        .where('id', '=', app.id)
        .executeTakeFirstOrThrow();
      assert.equal(row.assignee_id, staff.id);
      const cleared = await t.call('PUT', url, { body: { assigneeId: null } });
      assert.equal(cleared.statusCode, 200);
      assert.equal(cleared.json().assignee, null);
      const events = (await auditOf(t.database.db, app.id)).filter((e) => e.type === 'application.assigned');
      assert.deepEqual(
        events.map((e) => e.payload),
        [
          { from: null, to: staff.id },
          { from: staff.id, to: null },
        ],
      );
    });

    it('adds notes (audited without their text) and lists them oldest first, paginated', async () => {
      const app = await makeApplication(t.ctx);
      const url = `/api/v1/applications/${app.id}/notes`;
      const created = await t.call('POST', url, { body: { body: 'Passport checked against the original' } });
      assert.equal(created.statusCode, 201);
      const note = created.json();
      assert.equal(note.body, 'Passport checked against the original');
      assert.match(note.author, /^api_key:/);
      const row = await t.database.db
        .selectFrom('application_notes')
        .selectAll()
        .where('id', '=', note.id)
        .executeTakeFirstOrThrow();
      assert.equal(row.application_id, app.id);
      const event = (await auditOf(t.database.db, app.id)).at(-1)!;
      assert.deepEqual(event, { type: 'application.note_added', payload: { noteId: note.id, length: 37 } });
      assert.ok(!JSON.stringify(event).includes('Passport'));

      await t.call('POST', url, { body: { body: 'second' } });
      await t.call('POST', url, { body: { body: 'third' } });
      const first = await t.call('GET', `${url}?limit=2`);
      assert.equal(first.statusCode, 200);
      assert.deepEqual(
        first.json().items.map((n: { body: string }) => n.body),
        ['Passport checked against the original', 'second'],
      );
      const second = await t.call('GET', `${url}?limit=2&cursor=${first.json().nextCursor}`);
      assert.deepEqual(
        second.json().items.map((n: { body: string }) => n.body),
        ['third'],
      );
      assert.equal(second.json().nextCursor, null);
    });

    it('shares a note with the client and hides it again (audited, no text); the flag shows in the notes', async () => {
      const app = await makeApplication(t.ctx);
      const other = await makeApplication(t.ctx);
      const url = `/api/v1/applications/${app.id}/notes`;
      const internal = (await t.call('POST', url, { body: { body: 'Internal: check the PEP hit' } })).json();
      assert.equal(internal.sharedWithClient, false);
      assert.equal(internal.authorKind, 'staff');
      assert.equal(internal.sharedAt, null);
      const shared = await t.call('POST', url, {
        body: { body: 'Please send the 2024 accounts', shared: true },
      });
      assert.equal(shared.statusCode, 201);
      assert.equal(shared.json().sharedWithClient, true);
      assert.match(shared.json().sharedBy, /^api_key:/);

      const on = await t.call('POST', `${url}/${internal.id}/sharing`, { body: { shared: true } });
      assert.equal(on.statusCode, 200, on.body);
      assert.equal(on.json().sharedWithClient, true);
      assert.ok(on.json().sharedAt);
      const again = await t.call('POST', `${url}/${internal.id}/sharing`, { body: { shared: true } });
      assert.equal(again.statusCode, 200, 'setting the same state is accepted');
      const off = await t.call('POST', `${url}/${internal.id}/sharing`, { body: { shared: false } });
      assert.equal(off.json().sharedWithClient, false);
      const listed = (await t.call('GET', url)).json().items;
      assert.deepEqual(
        listed.map((n: { body: string; sharedWithClient: boolean }) => [n.body, n.sharedWithClient]),
        [
          ['Internal: check the PEP hit', false],
          ['Please send the 2024 accounts', true],
        ],
      );
      const events = (await auditOf(t.database.db, app.id)).filter((e) =>
        e.type.startsWith('application.note'),
      );
      assert.deepEqual(
        events.map((e) => [e.type, e.payload]),
        [
          ['application.note_added', { noteId: internal.id, length: 27 }],
          ['application.note_added', { noteId: shared.json().id, length: 29, shared: true }],
          ['application.note_sharing_changed', { noteId: internal.id, shared: true }],
          ['application.note_sharing_changed', { noteId: internal.id, shared: false }],
        ],
        'one event per change; the no-op writes none',
      );
      assert.ok(!JSON.stringify(events).includes('PEP'));

      // A note of another application, an unknown note, an application of another programme: 404.
      const elsewhere = `/api/v1/applications/${other.id}/notes/${internal.id}/sharing`;
      assert.equal((await t.call('POST', elsewhere, { body: { shared: true } })).statusCode, 404);
      assert.equal(
        (await t.call('POST', `${url}/${UNKNOWN}/sharing`, { body: { shared: true } })).statusCode,
        404,
      );
      const { token: scoped } = await createApiKey(t.ctx, {
        name: 'other programme',
        rights: ['application:write'],
        programmeIds: [other.programme.id],
      });
      assert.equal(
        (await t.call('POST', `${url}/${internal.id}/sharing`, { token: scoped, body: { shared: true } }))
          .statusCode,
        404,
      );
      const row = await t.database.db
        .selectFrom('application_notes')
        .select('shared_with_client')
        .where('id', '=', internal.id)
        .executeTakeFirstOrThrow();
      assert.equal(row.shared_with_client, false, 'nothing changed by the refused calls');
    });

    it('lists applications with filters and keyset pagination', async () => {
      const programme = await makeProgramme(t.ctx);
      const staff = await makeStaffUser(t.database.db);
      const shared = await makeSubject(t.database.db);
      const a1 = await makeApplication(t.ctx, { programmeId: programme.id });
      const a2 = await makeApplication(t.ctx, { programmeId: programme.id, assigneeId: staff.id });
      const a3 = await makeApplication(t.ctx, { programmeId: programme.id, applicantId: shared.id });
      const elsewhere = await makeApplication(t.ctx, { applicantId: shared.id });
      await t.call('POST', `/api/v1/applications/${a3.id}/transitions`, { body: { to: 'in_review' } });

      const ids = async (query: string) => {
        const res = await t.call('GET', `/api/v1/applications?${query}`);
        assert.equal(res.statusCode, 200, query);
        return res.json().items.map((i: { id: string }) => i.id);
      };
      assert.deepEqual(await ids(`programmeId=${programme.id}`), [a1.id, a2.id, a3.id]);
      assert.deepEqual(await ids(`programmeId=${programme.id}&status=draft`), [a1.id, a2.id]);
      assert.deepEqual(await ids(`subjectId=${shared.id}`), [a3.id, elsewhere.id]);
      assert.deepEqual(await ids(`assigneeId=${staff.id}`), [a2.id]);
      assert.deepEqual(await ids(`assigneeId=${UNKNOWN}`), []);

      const page1 = (await t.call('GET', `/api/v1/applications?programmeId=${programme.id}&limit=2`)).json();
      assert.deepEqual(
        page1.items.map((i: { id: string }) => i.id),
        [a1.id, a2.id],
      );
      assert.deepEqual(page1.items[1].assignee, {
        id: staff.id,
        username: staff.username,
        displayName: staff.display_name,
      });
      assert.deepEqual(page1.items[0].programme, { id: programme.id, name: programme.name });
      assert.equal(page1.items[0].subjects, undefined, 'list items are summaries');
      const page2 = (
        await t.call(
          'GET',
          `/api/v1/applications?programmeId=${programme.id}&limit=2&cursor=${page1.nextCursor}`,
        )
      ).json();
      assert.deepEqual(
        page2.items.map((i: { id: string; status: string }) => [i.id, i.status]),
        [[a3.id, 'in_review']],
      );
      assert.equal(page2.nextCursor, null);
    });

    it('filters by risk level and open/closed on the server (terminal per programme), paging correctly', async () => {
      const programme = await makeProgramme(t.ctx);
      // Another machine, where `approved` does not close the file and `closed` does.
      const other = await makeProgramme(t.ctx, {
        statuses: [
          { key: 'draft', label: 'Draft', initial: true },
          { key: 'approved', label: 'Approved' },
          { key: 'closed', label: 'Closed', terminal: true },
        ],
        transitions: [
          { from: 'draft', to: 'approved' },
          { from: 'approved', to: 'closed' },
        ],
      });
      const make = async (
        programmeId: string,
        risk: 'low' | 'medium' | 'high' | null,
        moves: string[] = [],
      ) => {
        const a = await makeApplication(t.ctx, { programmeId });
        const url = `/api/v1/applications/${a.id}`;
        if (risk) {
          const r = await t.call('PATCH', `${url}/risk`, { body: { riskLevel: risk, reason: 'assessed' } });
          assert.equal(r.statusCode, 200, r.body);
        }
        for (const to of moves) {
          const r = await t.call('POST', `${url}/transitions`, { body: { to } });
          assert.equal(r.statusCode, 200, r.body);
        }
        return a.id;
      };
      const low = await make(programme.id, 'low');
      const high1 = await make(programme.id, 'high', ['in_review']);
      const highClosed = await make(programme.id, 'high', ['in_review', 'rejected']);
      const unknown = await make(programme.id, null);
      const high2 = await make(programme.id, 'high');
      const high3 = await make(programme.id, 'high', ['in_review', 'approved']);
      const high4 = await make(programme.id, 'high');
      const otherApproved = await make(other.id, 'high', ['approved']);
      const otherClosed = await make(other.id, 'high', ['approved', 'closed']);

      const ids = async (query: string) => {
        const res = await t.call('GET', `/api/v1/applications?${query}`);
        assert.equal(res.statusCode, 200, `${query}: ${res.body}`);
        return res.json().items.map((i: { id: string }) => i.id);
      };
      const p = `programmeId=${programme.id}`;
      assert.deepEqual(await ids(`${p}&riskLevel=low`), [low]);
      assert.deepEqual(await ids(`${p}&riskLevel=medium`), []);
      assert.deepEqual(await ids(`${p}&riskLevel=unknown`), [unknown]);
      assert.deepEqual(await ids(`${p}&riskLevel=high`), [high1, highClosed, high2, high3, high4]);
      assert.deepEqual(await ids(`${p}&open=true`), [low, high1, unknown, high2, high4]);
      assert.deepEqual(await ids(`${p}&open=false`), [highClosed, high3]);
      assert.deepEqual(await ids(`${p}&riskLevel=high&open=true`), [high1, high2, high4]);
      assert.deepEqual(await ids(`${p}&riskLevel=high&open=true&status=draft`), [high2, high4]);
      // Terminal is the application's own programme's: `approved` is open in the other machine.
      assert.deepEqual(await ids(`programmeId=${other.id}&open=true`), [otherApproved]);
      assert.deepEqual(await ids(`programmeId=${other.id}&open=false`), [otherClosed]);

      // Paging walks the filtered set only: every page full until the last, no row twice or lost.
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res = await t.call(
          'GET',
          `/api/v1/applications?${p}&riskLevel=high&open=true&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        );
        assert.equal(res.statusCode, 200, res.body);
        const body = res.json() as { items: { id: string; riskLevel: string }[]; nextCursor: string | null };
        assert.ok(body.items.every((i) => i.riskLevel === 'high'));
        if (body.nextCursor) assert.equal(body.items.length, 2);
        seen.push(...body.items.map((i) => i.id));
        cursor = body.nextCursor;
        pages++;
      } while (cursor && pages < 10);
      assert.deepEqual(seen, [high1, high2, high4]);
      assert.equal(pages, 2);

      // Scoping still applies: a key of another programme sees none of them, whatever the filter.
      const { token: scoped } = await createApiKey(t.ctx, {
        name: 'other programme only',
        rights: ['application:read'],
        programmeIds: [other.id],
      });
      const scopedRes = await t.call('GET', `/api/v1/applications?riskLevel=high&open=true`, {
        token: scoped,
      });
      assert.deepEqual(
        scopedRes.json().items.map((i: { id: string }) => i.id),
        [otherApproved],
      );

      for (const bad of ['riskLevel=extreme', 'riskLevel=', 'open=maybe', 'open=1', 'risk=high']) {
        const res = await t.call('GET', `/api/v1/applications?${bad}`);
        assert.equal(res.statusCode, 400, bad);
        assert.equal(res.json().code, 'validation');
      }
    });

    it('notes, decisions and subjects carry the current names of the actors they refer to', async () => {
      const programme = await makeProgramme(t.ctx, {
        statuses: defaultStatusMachine().statuses,
        transitions: [
          { from: 'draft', to: 'in_review' },
          { from: 'in_review', to: 'approved', fourEyes: true },
        ],
      });
      const app = await makeApplication(t.ctx, { programmeId: programme.id });
      const url = `/api/v1/applications/${app.id}`;
      const db = t.database.db;
      const staff = await makeStaffUser(db, { displayName: 'Ada Lovelace' });
      const now = new Date();
      const orgId = randomUUID();
      await db
        .insertInto('client_organisations')
        .values({ id: orgId, name: `Org ${orgId}`, status: 'active', created_at: now, updated_at: now })
        .execute();
      const clientId = randomUUID();
      await db
        .insertInto('client_users')
        .values({
          id: clientId,
          organisation_id: orgId,
          username: `client-${clientId}`,
          email: `${clientId}@example.test`,
          display_name: 'Charles Babbage',
          role: 'owner',
          status: 'active',
          created_at: now,
          updated_at: now,
        })
        .execute();
      const { token: writer } = await createApiKey(t.ctx, {
        name: 'Intake robot',
        rights: ['application:read', 'application:write', 'application:transition'],
      });
      const { token: decider } = await createApiKey(t.ctx, {
        name: 'Second pair of eyes',
        rights: ['application:read', 'application:transition'],
      });

      // A note by a key: its name, at once in the answer.
      const byKey = await t.call('POST', `${url}/notes`, {
        token: writer,
        body: { body: 'by a key', shared: true },
      });
      assert.equal(byKey.statusCode, 201, byKey.body);
      assert.equal(byKey.json().authorName, 'Intake robot');
      assert.equal(byKey.json().sharedByName, 'Intake robot');
      // A staff user's note and a client's message (as their use cases store them).
      const note = (author: string, kind: 'staff' | 'client', body: string, at: number) =>
        db
          .insertInto('application_notes')
          .values({
            id: randomUUID(),
            application_id: app.id,
            body,
            author,
            author_kind: kind,
            created_at: new Date(now.getTime() + at),
            ...(kind === 'client' ? { shared_with_client: true } : {}),
          })
          .execute();
      await note(`staff:${staff.id}`, 'staff', 'by staff', 1000);
      await note(`client:${clientId}`, 'client', 'by the client', 2000);
      await note(`staff:${UNKNOWN}`, 'staff', 'by someone gone', 3000);
      const notes = (await t.call('GET', `${url}/notes`)).json().items as {
        body: string;
        authorName: string | null;
        sharedByName: string | null;
      }[];
      assert.deepEqual(
        notes.map((n) => [n.body, n.authorName, n.sharedByName]),
        [
          ['by a key', 'Intake robot', 'Intake robot'],
          ['by staff', 'Ada Lovelace', null],
          ['by the client', 'Charles Babbage', null],
          ['by someone gone', null, null],
        ],
      );

      // A subject role a client added on the portal names the client user.
      await db
        .updateTable('application_subjects')
        .set({ added_by: `client:${clientId}`, client_organisation_id: orgId })
        .where('application_id', '=', app.id)
        .execute();

      // A decision prepared by one key, rejected by another: both named, in every view of it.
      await t.call('POST', `${url}/transitions`, { token: writer, body: { to: 'in_review' } });
      const prepared = await t.call('POST', `${url}/transitions`, {
        token: writer,
        body: { to: 'approved' },
      });
      assert.equal(prepared.statusCode, 202, prepared.body);
      assert.equal(prepared.json().preparedByName, 'Intake robot');
      assert.equal(prepared.json().decidedByName, null);
      const detail = (await t.call('GET', url)).json();
      assert.equal(detail.pendingDecision.preparedByName, 'Intake robot');
      assert.equal(detail.subjects[0].addedByName, 'Charles Babbage');
      const rejected = await t.call('POST', `${url}/decisions/${prepared.json().id}/reject`, {
        token: decider,
        body: {},
      });
      assert.equal(rejected.statusCode, 200, rejected.body);
      assert.equal(rejected.json().decidedByName, 'Second pair of eyes');
      const history = (await t.call('GET', `${url}/decisions`)).json().items;
      assert.deepEqual(
        history.map((d: { preparedByName: string; decidedByName: string }) => [
          d.preparedByName,
          d.decidedByName,
        ]),
        [['Intake robot', 'Second pair of eyes']],
      );
      // Names are current: a renamed user shows under the new name.
      await db
        .updateTable('staff_users')
        .set({ display_name: 'Ada King' })
        .where('id', '=', staff.id)
        .execute();
      const renamed = (await t.call('GET', `${url}/notes`)).json().items[1];
      assert.equal(renamed.authorName, 'Ada King');
    });

    it('an application keeps its programme status machine honest when the programme changes', async () => {
      const programme = await makeProgramme(t.ctx);
      const app = await makeApplication(t.ctx, { programmeId: programme.id });
      // draft → approved becomes allowed: the next transition sees the new machine.
      const patched = await t.call('PATCH', `/api/v1/programmes/${programme.id}`, {
        body: { version: 1, transitions: [...programme.transitions, { from: 'draft', to: 'approved' }] },
      });
      assert.equal(patched.statusCode, 200);
      assert.deepEqual((await t.call('GET', `/api/v1/applications/${app.id}`)).json().allowedTransitions, [
        'in_review',
        'approved',
      ]);
      assert.equal(
        (await t.call('POST', `/api/v1/applications/${app.id}/transitions`, { body: { to: 'approved' } }))
          .statusCode,
        200,
      );
    });
  });
}
