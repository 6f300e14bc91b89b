import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../../../../test/support/db.ts';
import { startTestApp, type TestApp } from '../../../../test/support/app.ts';
import { auditOf, makeApplication, makeProgramme } from '../../../../test/support/factories-applications.ts';

const UNKNOWN = '00000000-0000-4000-8000-000000000000';

const customMachine = {
  statuses: [
    { key: 'new', label: 'New', initial: true },
    { key: 'checking', label: 'Checking' },
    { key: 'closed', label: 'Closed', terminal: true },
  ],
  transitions: [
    { from: 'new', to: 'checking' },
    { from: 'checking', to: 'closed' },
  ],
};

for (const backend of backends) {
  describe(`programmes routes [${backend.kind}]`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(backend);
    });
    after(() => t.close());

    it('401 without credentials on every route', async () => {
      const id = (await makeProgramme(t.ctx)).id;
      for (const [method, url] of [
        ['GET', '/api/v1/programmes'],
        ['POST', '/api/v1/programmes'],
        ['GET', `/api/v1/programmes/${id}`],
        ['PATCH', `/api/v1/programmes/${id}`],
      ] as const) {
        const res = await t.call(method, url, {
          token: null,
          body: method === 'GET' ? undefined : { name: 'x' },
        });
        assert.equal(res.statusCode, 401, `${method} ${url}`);
      }
    });

    it('403 without the right: read needs programme:read, changes need programme:manage', async () => {
      const id = (await makeProgramme(t.ctx)).id;
      const reader = await t.tokenWith(['programme:read']);
      const manager = await t.tokenWith(['programme:manage']);
      const create = { name: 'Forbidden', allowedEntityTypes: ['person'] };
      assert.equal((await t.call('GET', '/api/v1/programmes', { token: t.noRightsToken })).statusCode, 403);
      assert.equal(
        (await t.call('GET', `/api/v1/programmes/${id}`, { token: t.noRightsToken })).statusCode,
        403,
      );
      assert.equal((await t.call('GET', `/api/v1/programmes/${id}`, { token: manager })).statusCode, 403);
      assert.equal((await t.call('GET', `/api/v1/programmes/${id}`, { token: reader })).statusCode, 200);
      assert.equal(
        (await t.call('POST', '/api/v1/programmes', { token: reader, body: create })).statusCode,
        403,
      );
      assert.equal(
        (
          await t.call('PATCH', `/api/v1/programmes/${id}`, {
            token: reader,
            body: { version: 1, name: 'y' },
          })
        ).statusCode,
        403,
      );
      const none = await t.database.db
        .selectFrom('programmes')
        .select('id')
        .where('name', '=', 'Forbidden')
        .execute();
      assert.equal(none.length, 0);
      const denied = await t.database.db
        .selectFrom('audit_events')
        .select('payload')
        .where('type', '=', 'access.denied')
        .execute();
      assert.ok(denied.some((d) => (d.payload as { right: string }).right === 'programme:manage'));
    });

    it('400 for bad input, unknown fields and a malformed id', async () => {
      const post = (body: unknown) => t.call('POST', '/api/v1/programmes', { body });
      const unknown = await post({ name: 'P', allowedEntityTypes: ['person'], owner: 'me' });
      assert.equal(unknown.statusCode, 400);
      assert.deepEqual(unknown.json().errors, [{ path: 'body/owner', message: 'unknown field' }]);
      const unknownNested = await post({
        name: 'P',
        allowedEntityTypes: ['person'],
        ...customMachine,
        statuses: [{ ...customMachine.statuses[0], colour: 'red' }],
      });
      assert.equal(unknownNested.statusCode, 400);
      assert.equal((await post({ name: '  ', allowedEntityTypes: ['person'] })).statusCode, 400);
      assert.equal((await post({ name: 'P', allowedEntityTypes: [] })).statusCode, 400);
      assert.equal((await post({ name: 'P', allowedEntityTypes: ['trust'] })).statusCode, 400);
      assert.equal((await post({ name: 'P', allowedEntityTypes: ['person', 'person'] })).statusCode, 400);
      assert.equal(
        (await post({ name: 'P', allowedEntityTypes: ['person'], uboThreshold: 0 })).statusCode,
        400,
      );
      assert.equal(
        (await post({ name: 'P', allowedEntityTypes: ['person'], uboThreshold: 100.5 })).statusCode,
        400,
      );
      assert.equal(
        (await post({ name: 'P', allowedEntityTypes: ['person'], statuses: customMachine.statuses }))
          .statusCode,
        400,
      );
      assert.equal(
        (
          await post({
            name: 'P',
            allowedEntityTypes: ['person'],
            ...customMachine,
            statuses: [{ key: 'Bad Key', label: 'x', initial: true }],
          })
        ).statusCode,
        400,
      );

      const twoInitials = await post({
        name: 'P',
        allowedEntityTypes: ['person'],
        statuses: [...customMachine.statuses, { key: 'other', label: 'Other', initial: true }],
        transitions: [
          ...customMachine.transitions,
          { from: 'closed', to: 'new' },
          { from: 'new', to: 'nowhere' },
        ],
      });
      assert.equal(twoInitials.statusCode, 400);
      assert.equal(twoInitials.json().code, 'validation');
      assert.deepEqual(
        twoInitials.json().errors.map((e: { path: string }) => e.path),
        ['statuses', 'transitions/2', 'transitions/3/to'],
      );

      const id = (await makeProgramme(t.ctx)).id;
      assert.equal(
        (await t.call('PATCH', `/api/v1/programmes/${id}`, { body: { name: 'no version' } })).statusCode,
        400,
      );
      const patchUnknown = await t.call('PATCH', `/api/v1/programmes/${id}`, {
        body: { version: 1, id: UNKNOWN },
      });
      assert.deepEqual(patchUnknown.json().errors, [{ path: 'body/id', message: 'unknown field' }]);
      assert.equal((await t.call('GET', '/api/v1/programmes/not-a-uuid')).statusCode, 400);
      assert.equal((await t.call('GET', '/api/v1/programmes?limit=0')).statusCode, 400);
      assert.equal((await t.call('GET', '/api/v1/programmes?sort=name')).statusCode, 400);
      assert.equal((await t.call('GET', '/api/v1/programmes?cursor=bm9wZQ')).statusCode, 400);
      const rows = await t.database.db
        .selectFrom('programmes')
        .select('id')
        .where('name', '=', 'P')
        .execute();
      assert.equal(rows.length, 0, 'nothing was created by refused requests');
    });

    it('404 for an unknown programme id', async () => {
      assert.equal((await t.call('GET', `/api/v1/programmes/${UNKNOWN}`)).statusCode, 404);
      const res = await t.call('PATCH', `/api/v1/programmes/${UNKNOWN}`, { body: { version: 1, name: 'x' } });
      assert.equal(res.statusCode, 404);
      assert.equal(res.json().code, 'not_found');
    });

    it('creates a programme with the default status machine and audits it', async () => {
      const res = await t.call('POST', '/api/v1/programmes', {
        body: { name: '  Retail onboarding ', allowedEntityTypes: ['person'] },
      });
      assert.equal(res.statusCode, 201);
      const p = res.json();
      assert.equal(p.name, 'Retail onboarding');
      assert.equal(p.uboThreshold, 25);
      assert.equal(p.version, 1);
      assert.deepEqual(
        p.statuses.map((s: { key: string; initial: boolean; terminal: boolean }) => [
          s.key,
          s.initial,
          s.terminal,
        ]),
        [
          ['draft', true, false],
          ['in_review', false, false],
          ['approved', false, true],
          ['rejected', false, true],
        ],
      );
      assert.equal(p.transitions.length, 4);
      const row = await t.database.db
        .selectFrom('programmes')
        .selectAll()
        .where('id', '=', p.id)
        .executeTakeFirstOrThrow();
      assert.deepEqual(row.allowed_entity_types, ['person']);
      assert.equal(Number(row.ubo_threshold), 25);
      assert.deepEqual(await auditOf(t.database.db, p.id), [
        {
          type: 'programme.created',
          payload: {
            name: 'Retail onboarding',
            allowedEntityTypes: ['person'],
            uboThreshold: 25,
            subjectSharing: 'full',
          },
        },
      ]);
      const got = await t.call('GET', `/api/v1/programmes/${p.id}`);
      const { abilities, ...detail } = got.json();
      assert.deepEqual(detail, p);
      assert.deepEqual(abilities, { edit: true, manageMembers: true });
      const reader = await t.tokenWith(['programme:read']);
      assert.deepEqual(
        (await t.call('GET', `/api/v1/programmes/${p.id}`, { token: reader })).json().abilities,
        {
          edit: false,
          manageMembers: false,
        },
      );
    });

    it('creates a programme with its own status machine and UBO threshold', async () => {
      const res = await t.call('POST', '/api/v1/programmes', {
        body: {
          name: 'Corporate',
          description: 'Legal entities',
          allowedEntityTypes: ['entity', 'person'],
          uboThreshold: 10.5,
          ...customMachine,
        },
      });
      assert.equal(res.statusCode, 201);
      const p = res.json();
      assert.equal(p.uboThreshold, 10.5);
      assert.equal(p.description, 'Legal entities');
      assert.deepEqual(p.allowedEntityTypes, ['entity', 'person']);
      assert.deepEqual(p.transitions, customMachine.transitions);
      assert.deepEqual(p.statuses[2], { key: 'closed', label: 'Closed', initial: false, terminal: true });
    });

    it('409 conflict for a name already used, ignoring case, on create and on rename', async () => {
      await makeProgramme(t.ctx, { name: 'Private Banking' });
      const dup = await t.call('POST', '/api/v1/programmes', {
        body: { name: 'PRIVATE banking', allowedEntityTypes: ['person'] },
      });
      assert.equal(dup.statusCode, 409);
      assert.equal(dup.json().code, 'conflict');
      const other = await makeProgramme(t.ctx);
      const rename = await t.call('PATCH', `/api/v1/programmes/${other.id}`, {
        body: { version: 1, name: 'private BANKING' },
      });
      assert.equal(rename.statusCode, 409);
      assert.equal(rename.json().code, 'conflict');
      const row = await t.database.db
        .selectFrom('programmes')
        .select(['name', 'version'])
        .where('id', '=', other.id)
        .executeTakeFirstOrThrow();
      assert.deepEqual(row, { name: other.name, version: 1 });
    });

    it('concurrent creations with the same name: exactly one succeeds', async () => {
      const body = { name: 'Race', allowedEntityTypes: ['person'] };
      const results = await Promise.all([1, 2, 3].map(() => t.call('POST', '/api/v1/programmes', { body })));
      assert.deepEqual(results.map((r) => r.statusCode).sort(), [201, 409, 409]);
    });

    it('updates with optimistic concurrency, records the changed fields, and bumps the version', async () => {
      const p = await makeProgramme(t.ctx);
      const res = await t.call('PATCH', `/api/v1/programmes/${p.id}`, {
        body: { version: 1, description: 'Now with text', uboThreshold: 10, name: p.name },
      });
      assert.equal(res.statusCode, 200);
      assert.equal(res.json().version, 2);
      assert.equal(res.json().uboThreshold, 10);
      const events = await auditOf(t.database.db, p.id);
      assert.deepEqual(events.at(-1), {
        type: 'programme.updated',
        payload: {
          version: 2,
          changes: { description: { from: '', to: 'Now with text' }, uboThreshold: { from: 25, to: 10 } },
        },
      });

      const stale = await t.call('PATCH', `/api/v1/programmes/${p.id}`, {
        body: { version: 1, description: 'Lost update' },
      });
      assert.equal(stale.statusCode, 409);
      assert.equal(stale.json().code, 'version_conflict');
      assert.equal(stale.json().currentVersion, 2);
      const row = await t.database.db
        .selectFrom('programmes')
        .select(['description', 'version'])
        .where('id', '=', p.id)
        .executeTakeFirstOrThrow();
      assert.deepEqual(row, { description: 'Now with text', version: 2 });

      const noop = await t.call('PATCH', `/api/v1/programmes/${p.id}`, {
        body: { version: 2, description: 'Now with text' },
      });
      assert.equal(noop.statusCode, 200);
      assert.equal(noop.json().version, 2, 'a patch that changes nothing keeps the version');
      assert.equal((await auditOf(t.database.db, p.id)).length, 2);
    });

    it('concurrent updates at the same version: exactly one succeeds', async () => {
      const p = await makeProgramme(t.ctx);
      const results = await Promise.all(
        ['a', 'b'].map((d) =>
          t.call('PATCH', `/api/v1/programmes/${p.id}`, { body: { version: 1, description: d } }),
        ),
      );
      assert.deepEqual(results.map((r) => r.statusCode).sort(), [200, 409]);
      assert.equal(
        (
          await t.database.db
            .selectFrom('programmes')
            .select('version')
            .where('id', '=', p.id)
            .executeTakeFirstOrThrow()
        ).version,
        2,
      );
    });

    it('refuses to remove a status applications are in (409 naming it), allows removing an unused one', async () => {
      const p = await makeProgramme(t.ctx);
      await makeApplication(t.ctx, { programmeId: p.id });
      const withoutDraft = {
        statuses: [
          { key: 'in_review', label: 'In review', initial: true },
          { key: 'approved', label: 'Approved', terminal: true },
        ],
        transitions: [{ from: 'in_review', to: 'approved' }],
      };
      const refused = await t.call('PATCH', `/api/v1/programmes/${p.id}`, {
        body: { version: 1, ...withoutDraft },
      });
      assert.equal(refused.statusCode, 409);
      assert.equal(refused.json().code, 'conflict');
      assert.match(refused.json().detail, /"draft"/);
      assert.deepEqual(refused.json().statuses, ['draft']);
      const row = await t.database.db
        .selectFrom('programmes')
        .selectAll()
        .where('id', '=', p.id)
        .executeTakeFirstOrThrow();
      assert.equal(row.statuses.length, 4);
      assert.equal(row.version, 1);

      // rejected is unused: removing it (and the transition into it) is fine.
      const keep = {
        statuses: p.statuses.filter((s) => s.key !== 'rejected'),
        transitions: p.transitions.filter((tr) => tr.to !== 'rejected'),
      };
      const ok = await t.call('PATCH', `/api/v1/programmes/${p.id}`, { body: { version: 1, ...keep } });
      assert.equal(ok.statusCode, 200);
      assert.deepEqual(
        ok.json().statuses.map((s: { key: string }) => s.key),
        ['draft', 'in_review', 'approved'],
      );
      const changes = (await auditOf(t.database.db, p.id)).at(-1)!.payload['changes'] as Record<
        string,
        unknown
      >;
      assert.deepEqual(Object.keys(changes).sort(), ['statuses', 'transitions']);
    });

    it('checks statuses or transitions given alone against the stored other half', async () => {
      const p = await makeProgramme(t.ctx);
      const dangling = await t.call('PATCH', `/api/v1/programmes/${p.id}`, {
        body: { version: 1, statuses: [{ key: 'draft', label: 'Draft', initial: true }] },
      });
      assert.equal(dangling.statusCode, 400, 'stored transitions would point at removed statuses');
      const out = await t.call('PATCH', `/api/v1/programmes/${p.id}`, {
        body: { version: 1, transitions: [...p.transitions, { from: 'approved', to: 'draft' }] },
      });
      assert.equal(out.statusCode, 400);
      assert.match(JSON.stringify(out.json().errors), /terminal/);
      const added = await t.call('PATCH', `/api/v1/programmes/${p.id}`, {
        body: { version: 1, transitions: [...p.transitions, { from: 'draft', to: 'rejected' }] },
      });
      assert.equal(added.statusCode, 200);
      assert.equal(added.json().transitions.length, 5);
    });

    it('lists programmes oldest first with keyset pagination', async () => {
      const made = [await makeProgramme(t.ctx), await makeProgramme(t.ctx), await makeProgramme(t.ctx)];
      const all: string[] = [];
      let cursor: string | null = null;
      do {
        const res = await t.call('GET', `/api/v1/programmes?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        assert.equal(res.statusCode, 200);
        const page = res.json() as { items: { id: string }[]; nextCursor: string | null };
        assert.ok(page.items.length <= 2);
        all.push(...page.items.map((i) => i.id));
        cursor = page.nextCursor;
      } while (cursor);
      const ids = made.map((m) => m.id);
      assert.deepEqual(
        all.filter((id) => ids.includes(id)),
        ids,
      );
      assert.equal(new Set(all).size, all.length, 'no programme listed twice');
      const count = await t.database.db
        .selectFrom('programmes')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow();
      assert.equal(all.length, Number(count.n));
    });
  });
}
