import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RouteOptions } from 'fastify';
import { backends } from '../../../../test/support/db.ts';
import { startTestApp, type TestApp } from '../../../../test/support/app.ts';
import { insertStaffUser } from '../../../../test/support/context.ts';
import { auditOf } from '../../../../test/support/factories-applications.ts';
import { BUILT_IN_ROLE_IDS, createRole, setUserRoles } from '../../../modules/roles/index.ts';

const UNKNOWN = '00000000-0000-4000-8000-000000000000';

for (const backend of backends) {
  describe(`roles routes [${backend.kind}]`, () => {
    let t: TestApp;
    const routes: RouteOptions[] = [];
    let n = 0;
    before(async () => {
      t = await startTestApp(backend, { onRoute: (r) => routes.push(r) });
    });
    after(() => t.close());

    const makeRole = () => createRole(t.ctx, { name: `Role ${++n}`, rights: ['subject:read'] });
    const roleCount = async () =>
      Number(
        (
          await t.database.db
            .selectFrom('roles')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );

    it('401 without credentials on every route', async () => {
      const role = await makeRole();
      const user = await insertStaffUser(t.database.db);
      for (const [method, url] of [
        ['GET', '/api/v1/rights'],
        ['GET', '/api/v1/roles'],
        ['POST', '/api/v1/roles'],
        ['GET', `/api/v1/roles/${role.id}`],
        ['PATCH', `/api/v1/roles/${role.id}`],
        ['DELETE', `/api/v1/roles/${role.id}`],
        ['GET', `/api/v1/users/${user}/roles`],
        ['PUT', `/api/v1/users/${user}/roles`],
      ] as const) {
        const body = method === 'GET' || method === 'DELETE' ? undefined : {};
        assert.equal((await t.call(method, url, { token: null, body })).statusCode, 401, `${method} ${url}`);
      }
    });

    it('403 without role:manage on every role route; the catalogue needs only authentication', async () => {
      const role = await makeRole();
      const user = await insertStaffUser(t.database.db);
      const token = await t.tokenWith(['subject:read', 'user:manage', 'trusted-network:manage']);
      for (const [method, url, body] of [
        ['GET', '/api/v1/roles', undefined],
        ['POST', '/api/v1/roles', { name: 'Forbidden', rights: [] }],
        ['GET', `/api/v1/roles/${role.id}`, undefined],
        ['PATCH', `/api/v1/roles/${role.id}`, { version: 1, name: 'Forbidden' }],
        ['DELETE', `/api/v1/roles/${role.id}`, undefined],
        ['GET', `/api/v1/users/${user}/roles`, undefined],
        ['PUT', `/api/v1/users/${user}/roles`, { roleIds: [role.id] }],
      ] as const) {
        const res = await t.call(method, url, { token, body });
        assert.equal(res.statusCode, 403, `${method} ${url}`);
        assert.equal(res.json().code, 'forbidden');
      }
      assert.ok(await t.call('GET', `/api/v1/roles/${role.id}`).then((r) => r.statusCode === 200));
      assert.equal((await auditOf(t.database.db, role.id)).length, 1, 'only the creation');
      assert.equal((await auditOf(t.database.db, user)).length, 0);
      const rights = await t.call('GET', '/api/v1/rights', { token: t.noRightsToken });
      assert.equal(rights.statusCode, 200);
      assert.deepEqual(
        rights.json().items.find((r: { right: string }) => r.right === 'user:manage'),
        {
          right: 'user:manage',
          description:
            'Create and disable staff users, start password resets, lift sign-in delays, end sessions',
          administrative: true,
        },
      );
    });

    it('every write declares stepUp; reads do not', () => {
      const mine = routes.filter((r) => /^\/api\/v1\/(roles|rights|users\/:id\/roles)/.test(r.url));
      const byKey = new Map(
        mine.flatMap((r) =>
          (Array.isArray(r.method) ? r.method : [r.method])
            .filter((m) => m !== 'HEAD')
            .map((m) => [`${m} ${r.url}`, r.config] as const),
        ),
      );
      assert.deepEqual([...byKey.entries()].map(([k, c]) => [k, c?.access, c?.stepUp === true]).sort(), [
        ['DELETE /api/v1/roles/:id', 'role:manage', true],
        ['GET /api/v1/rights', 'authenticated', false],
        ['GET /api/v1/roles', 'role:manage', false],
        ['GET /api/v1/roles/:id', 'role:manage', false],
        ['GET /api/v1/users/:id/roles', 'role:manage', false],
        ['PATCH /api/v1/roles/:id', 'role:manage', true],
        ['POST /api/v1/roles', 'role:manage', true],
        ['PUT /api/v1/users/:id/roles', 'role:manage', true],
      ]);
    });

    it('400 for unknown fields (no mass assignment), bad rights, bad ids and the skip rule', async () => {
      const before = await roleCount();
      const post = (body: unknown) => t.call('POST', '/api/v1/roles', { body });
      for (const extra of ['id', 'version', 'createdBy', 'createdAt', 'administrative']) {
        const res = await post({ name: 'Mass', rights: ['subject:read'], [extra]: 'x' });
        assert.equal(res.statusCode, 400, extra);
        assert.deepEqual(res.json().errors, [{ path: `body/${extra}`, message: 'unknown field' }]);
      }
      const unknownRight = await post({ name: 'Bad', rights: ['subject:read', 'root'] });
      assert.equal(unknownRight.statusCode, 400);
      assert.equal(unknownRight.json().errors[0].path, 'body/rights/1');
      assert.equal((await post({ name: 'Bad', rights: ['subject:read', 'subject:read'] })).statusCode, 400);
      assert.equal((await post({ name: '   ', rights: [] })).statusCode, 400);
      assert.equal((await post({ name: 'No rights field' })).statusCode, 400);
      assert.equal((await post({ name: 'Skip', rights: [], trustedNetworkSkip: 'yes' })).statusCode, 400);

      const skipAdmin = await post({ name: 'Skip admin', rights: ['role:manage'], trustedNetworkSkip: true });
      assert.equal(skipAdmin.statusCode, 400);
      assert.equal(skipAdmin.json().code, 'validation');
      assert.match(
        skipAdmin.json().detail,
        /administrative right \(role:manage\) cannot let its users skip the second factor/,
      );
      assert.deepEqual(
        skipAdmin.json().errors.map((e: { path: string }) => e.path),
        ['trustedNetworkSkip'],
      );

      const role = await makeRole();
      const patch = (body: unknown) => t.call('PATCH', `/api/v1/roles/${role.id}`, { body });
      assert.equal((await patch({ name: 'no version' })).statusCode, 400);
      const patchExtra = await patch({ version: 1, createdBy: 'me' });
      assert.deepEqual(patchExtra.json().errors, [{ path: 'body/createdBy', message: 'unknown field' }]);
      assert.equal(
        (await patch({ version: 1, rights: ['user:manage'], trustedNetworkSkip: true })).statusCode,
        400,
      );

      const user = await insertStaffUser(t.database.db);
      const put = (body: unknown) => t.call('PUT', `/api/v1/users/${user}/roles`, { body });
      assert.deepEqual((await put({ roleIds: [role.id], userId: user })).json().errors, [
        { path: 'body/userId', message: 'unknown field' },
      ]);
      assert.equal((await put({ roleIds: ['not-a-uuid'] })).statusCode, 400);
      assert.equal((await put({ roleIds: [role.id, role.id] })).statusCode, 400);
      assert.equal((await put({})).statusCode, 400);
      assert.equal((await t.call('GET', '/api/v1/roles/not-a-uuid')).statusCode, 400);
      assert.equal((await t.call('GET', '/api/v1/users/not-a-uuid/roles')).statusCode, 400);

      assert.equal(await roleCount(), before + 1, 'only the role made by the test');
      assert.equal((await auditOf(t.database.db, role.id)).length, 1);
      assert.equal((await auditOf(t.database.db, user)).length, 0);
    });

    it('404 for an unknown role or user', async () => {
      const role = await makeRole();
      const user = await insertStaffUser(t.database.db);
      for (const [method, url, body] of [
        ['GET', `/api/v1/roles/${UNKNOWN}`, undefined],
        ['PATCH', `/api/v1/roles/${UNKNOWN}`, { version: 1, name: 'x' }],
        ['DELETE', `/api/v1/roles/${UNKNOWN}`, undefined],
        ['GET', `/api/v1/users/${UNKNOWN}/roles`, undefined],
        ['PUT', `/api/v1/users/${UNKNOWN}/roles`, { roleIds: [role.id] }],
        ['PUT', `/api/v1/users/${user}/roles`, { roleIds: [role.id, UNKNOWN] }],
      ] as const) {
        const res = await t.call(method, url, { body });
        assert.equal(res.statusCode, 404, `${method} ${url}`);
        assert.equal(res.json().code, 'not_found');
      }
      assert.deepEqual((await t.call('GET', `/api/v1/users/${user}/roles`)).json(), { items: [] });
    });

    it('201 on create, audited; GET returns the same view; listed', async () => {
      const res = await t.call('POST', '/api/v1/roles', {
        body: {
          name: ' Onboarding clerk ',
          description: 'Front office',
          rights: ['subject:write', 'application:read'],
          trustedNetworkSkip: true,
        },
      });
      assert.equal(res.statusCode, 201);
      const role = res.json();
      assert.equal(role.name, 'Onboarding clerk');
      assert.deepEqual(role.rights, ['application:read', 'subject:write']);
      assert.equal(role.trustedNetworkSkip, true);
      assert.equal(role.administrative, false);
      assert.equal(role.version, 1);
      assert.match(role.createdBy, /^api_key:/);
      assert.deepEqual(await auditOf(t.database.db, role.id), [
        {
          type: 'role.created',
          payload: {
            name: 'Onboarding clerk',
            rights: ['application:read', 'subject:write'],
            trustedNetworkSkip: true,
          },
        },
      ]);
      assert.deepEqual((await t.call('GET', `/api/v1/roles/${role.id}`)).json(), role);
      const list = (await t.call('GET', '/api/v1/roles')).json();
      assert.deepEqual(
        list.items.find((r: { id: string }) => r.id === role.id),
        role,
      );
    });

    it('409 for a name in use (any case), a stale version, and deleting a role users hold', async () => {
      const role = await makeRole();
      const dup = await t.call('POST', '/api/v1/roles', {
        body: { name: role.name.toUpperCase(), rights: [] },
      });
      assert.equal(dup.statusCode, 409);
      assert.equal(dup.json().code, 'conflict');

      const ok = await t.call('PATCH', `/api/v1/roles/${role.id}`, {
        body: { version: 1, description: 'first', rights: ['subject:read', 'audit:read'] },
      });
      assert.equal(ok.statusCode, 200);
      assert.equal(ok.json().version, 2);
      const stale = await t.call('PATCH', `/api/v1/roles/${role.id}`, {
        body: { version: 1, description: 'lost' },
      });
      assert.equal(stale.statusCode, 409);
      assert.equal(stale.json().code, 'version_conflict');
      assert.equal(stale.json().currentVersion, 2);

      const user = await insertStaffUser(t.database.db);
      await setUserRoles(t.ctx, user, [role.id]);
      const held = await t.call('DELETE', `/api/v1/roles/${role.id}`);
      assert.equal(held.statusCode, 409);
      assert.equal(held.json().code, 'conflict');
      assert.equal(held.json().holders, 1);
      assert.equal((await t.call('GET', `/api/v1/roles/${role.id}`)).statusCode, 200);
    });

    it('replaces a user’s roles (200, audited before/after), then the role can be deleted (204, audited)', async () => {
      const [a, b] = [await makeRole(), await makeRole()];
      const user = await insertStaffUser(t.database.db);
      const put = await t.call('PUT', `/api/v1/users/${user}/roles`, { body: { roleIds: [a.id, b.id] } });
      assert.equal(put.statusCode, 200);
      assert.deepEqual(
        put
          .json()
          .items.map((r: { id: string }) => r.id)
          .sort(),
        [a.id, b.id].sort(),
      );
      const listed = await t.call('GET', `/api/v1/users/${user}/roles`);
      assert.deepEqual(listed.json(), put.json());
      const cleared = await t.call('PUT', `/api/v1/users/${user}/roles`, { body: { roleIds: [b.id] } });
      assert.deepEqual(
        cleared.json().items.map((r: { id: string }) => r.id),
        [b.id],
      );
      assert.deepEqual(await auditOf(t.database.db, user), [
        { type: 'staff_user.roles_changed', payload: { before: [], after: [a.id, b.id].sort() } },
        { type: 'staff_user.roles_changed', payload: { before: [a.id, b.id].sort(), after: [b.id] } },
      ]);
      const del = await t.call('DELETE', `/api/v1/roles/${a.id}`);
      assert.equal(del.statusCode, 204);
      assert.equal(del.body, '');
      assert.equal((await t.call('GET', `/api/v1/roles/${a.id}`)).statusCode, 404);
      assert.equal((await auditOf(t.database.db, a.id)).at(-1)?.type, 'role.deleted');
    });

    it('lists the built-in roles; they are ordinary roles', async () => {
      const items = (await t.call('GET', '/api/v1/roles')).json().items as { id: string; name: string }[];
      for (const [name, id] of [
        ['Administrator', BUILT_IN_ROLE_IDS.administrator],
        ['Compliance officer', BUILT_IN_ROLE_IDS.complianceOfficer],
        ['Analyst', BUILT_IN_ROLE_IDS.analyst],
        ['Auditor', BUILT_IN_ROLE_IDS.auditor],
      ])
        assert.equal(items.find((r) => r.id === id)?.name, name);
      const res = await t.call('PATCH', `/api/v1/roles/${BUILT_IN_ROLE_IDS.auditor}`, {
        body: { version: 1, description: 'Read-only, changed by us' },
      });
      assert.equal(res.statusCode, 200);
      assert.equal(res.json().version, 2);
    });

    it('409 separation_of_duties on an assignment, a change of rights and a creation that would break a rule; each audited', async () => {
      const user = await insertStaffUser(t.database.db);
      await setUserRoles(t.ctx, user, [BUILT_IN_ROLE_IDS.administrator]);
      const put = await t.call('PUT', `/api/v1/users/${user}/roles`, {
        body: { roleIds: [BUILT_IN_ROLE_IDS.administrator, BUILT_IN_ROLE_IDS.complianceOfficer] },
      });
      assert.equal(put.statusCode, 409);
      assert.equal(put.json().code, 'conflict');
      assert.equal(put.json().reason, 'separation_of_duties');
      assert.match(
        put.json().detail,
        /application:approve \(from "Compliance officer"\) and user:manage \(from "Administrator"\)/,
      );
      assert.ok(
        put
          .json()
          .violations.some(
            (v: { rightA: string; rightB: string; rolesWithA: string[]; rolesWithB: string[] }) =>
              v.rightA === 'application:approve' &&
              v.rightB === 'role:manage' &&
              v.rolesWithA[0] === BUILT_IN_ROLE_IDS.complianceOfficer &&
              v.rolesWithB[0] === BUILT_IN_ROLE_IDS.administrator,
          ),
      );
      assert.deepEqual(
        (await t.call('GET', `/api/v1/users/${user}/roles`)).json().items.map((r: { id: string }) => r.id),
        [BUILT_IN_ROLE_IDS.administrator],
      );

      const extra = await makeRole();
      await setUserRoles(t.ctx, user, [BUILT_IN_ROLE_IDS.administrator, extra.id]);
      const patch = await t.call('PATCH', `/api/v1/roles/${extra.id}`, {
        body: { version: 1, rights: ['subject:read', 'risk:override'] },
      });
      assert.equal(patch.statusCode, 409);
      assert.equal(patch.json().reason, 'separation_of_duties');
      assert.ok(patch.json().violations.every((v: { userId: string }) => v.userId === user));

      const post = await t.call('POST', '/api/v1/roles', {
        body: { name: `Both ${++n}`, rights: ['api-key:manage', 'application:approve'] },
      });
      assert.equal(post.statusCode, 409);
      assert.equal(post.json().reason, 'separation_of_duties');

      const refused = await t.database.db
        .selectFrom('audit_events')
        .select(['target_type', 'target_id', 'payload'])
        .where('type', '=', 'role.separation_of_duties_refused')
        .orderBy('seq')
        .execute();
      assert.deepEqual(
        refused
          .slice(-3)
          .map((e) => [e.target_type, e.target_id, (e.payload as { operation: string }).operation]),
        [
          ['staff_user', user, 'set_user_roles'],
          ['role', extra.id, 'update_role'],
          [null, null, 'create_role'],
        ],
      );
    });

    it('a key cannot create a role, or hand out one, with rights it does not hold', async () => {
      const token = await t.tokenWith(['role:manage', 'subject:read']);
      const res = await t.call('POST', '/api/v1/roles', {
        token,
        body: { name: 'Escalation', rights: ['subject:read', 'user:manage'] },
      });
      assert.equal(res.statusCode, 403);
      assert.deepEqual(res.json().rights, ['user:manage']);
      const admin = await createRole(t.ctx, { name: `Admin ${++n}`, rights: ['user:manage'] });
      const user = await insertStaffUser(t.database.db);
      const put = await t.call('PUT', `/api/v1/users/${user}/roles`, {
        token,
        body: { roleIds: [admin.id] },
      });
      assert.equal(put.statusCode, 403);
      assert.deepEqual((await t.call('GET', `/api/v1/users/${user}/roles`)).json(), { items: [] });
    });
  });
}
