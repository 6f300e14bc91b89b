import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RouteOptions } from 'fastify';
import { backends } from '../../../../test/support/db.ts';
import { startTestApp, type TestApp } from '../../../../test/support/app.ts';
import { insertStaffUser } from '../../../../test/support/context.ts';
import { auditOf } from '../../../../test/support/factories-applications.ts';
import { BUILT_IN_ROLE_IDS, createRole, setUserRoles } from '../../../modules/roles/index.ts';

const UNKNOWN = '00000000-0000-4000-8000-000000000000';
const BASE = '/api/v1/separation-of-duties';

for (const backend of backends) {
  describe(`separation-of-duties routes [${backend.kind}]`, () => {
    let t: TestApp;
    const routes: RouteOptions[] = [];
    let n = 0;
    before(async () => {
      t = await startTestApp(backend, { onRoute: (r) => routes.push(r) });
    });
    after(() => t.close());

    const ruleCount = async () =>
      Number(
        (
          await t.database.db
            .selectFrom('separation_of_duties')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const post = (body: unknown, token?: string) => t.call('POST', BASE, { body, token });

    it('401 without credentials on every route', async () => {
      for (const [method, url] of [
        ['GET', BASE],
        ['POST', BASE],
        ['DELETE', `${BASE}/${UNKNOWN}`],
      ] as const) {
        const body = method === 'POST' ? {} : undefined;
        assert.equal((await t.call(method, url, { token: null, body })).statusCode, 401, `${method} ${url}`);
      }
    });

    it('403 without role:manage on every route, audited as a denial; nothing changes', async () => {
      const before = await ruleCount();
      const rule = (await t.call('GET', BASE)).json().items[0];
      const token = await t.tokenWith(['user:manage', 'audit:read', 'trusted-network:manage']);
      for (const [method, url, body] of [
        ['GET', BASE, undefined],
        ['POST', BASE, { rightA: 'audit:read', rightB: 'subject:write' }],
        ['DELETE', `${BASE}/${rule.id}`, undefined],
      ] as const) {
        const res = await t.call(method, url, { token, body });
        assert.equal(res.statusCode, 403, `${method} ${url}`);
        assert.equal(res.json().code, 'forbidden');
        const denied = await t.database.db
          .selectFrom('audit_events')
          .select('payload')
          .where('type', '=', 'access.denied')
          .orderBy('seq', 'desc')
          .executeTakeFirstOrThrow();
        assert.equal((denied.payload as { right: string }).right, 'role:manage');
      }
      assert.equal(await ruleCount(), before);
      assert.equal((await auditOf(t.database.db, rule.id)).length, 0);
    });

    it('reads need role:manage; writes also a recent second factor (stepUp)', () => {
      const mine = routes.filter((r) => r.url.startsWith(BASE));
      assert.deepEqual(
        mine
          .flatMap((r) =>
            (Array.isArray(r.method) ? r.method : [r.method])
              .filter((m) => m !== 'HEAD')
              .map((m) => [`${m} ${r.url}`, r.config?.access, r.config?.stepUp === true]),
          )
          .sort(),
        [
          ['DELETE /api/v1/separation-of-duties/:id', 'role:manage', true],
          ['GET /api/v1/separation-of-duties', 'role:manage', false],
          ['POST /api/v1/separation-of-duties', 'role:manage', true],
        ],
      );
    });

    it('400 for unknown fields (no mass assignment), unknown rights, one right twice, missing fields, bad ids', async () => {
      const before = await ruleCount();
      for (const extra of ['id', 'createdBy', 'createdAt', 'violations', 'programmeId', 'status']) {
        const res = await post({ rightA: 'audit:read', rightB: 'subject:write', [extra]: 'x' });
        assert.equal(res.statusCode, 400, extra);
        assert.deepEqual(res.json().errors, [{ path: `body/${extra}`, message: 'unknown field' }]);
      }
      const unknown = await post({ rightA: 'audit:read', rightB: 'root' });
      assert.equal(unknown.statusCode, 400);
      assert.equal(unknown.json().errors[0].path, 'body/rightB');
      const same = await post({ rightA: 'audit:read', rightB: 'audit:read' });
      assert.equal(same.statusCode, 400);
      assert.equal(same.json().code, 'validation');
      assert.deepEqual(same.json().errors, [{ path: 'rightB', message: 'must differ from rightA' }]);
      assert.equal((await post({ rightA: 'audit:read' })).statusCode, 400);
      assert.equal(
        (await post({ rightA: 'audit:read', rightB: 'subject:write', description: 7 })).statusCode,
        400,
      );
      assert.equal((await t.call('DELETE', `${BASE}/not-a-uuid`)).statusCode, 400);
      assert.equal(await ruleCount(), before);
    });

    it('404 deleting an unknown rule', async () => {
      const res = await t.call('DELETE', `${BASE}/${UNKNOWN}`);
      assert.equal(res.statusCode, 404);
      assert.equal(res.json().code, 'not_found');
    });

    it('lists the seeded rules, nobody breaking them', async () => {
      const res = await t.call('GET', BASE);
      assert.equal(res.statusCode, 200);
      const items = res.json().items as { rightA: string; rightB: string; violations: unknown[] }[];
      assert.equal(items.length, 16);
      assert.ok(items.some((r) => r.rightA === 'application:approve' && r.rightB === 'user:manage'));
      assert.ok(items.every((r) => r.rightA < r.rightB && r.violations.length === 0));
    });

    it('201 on create (pair stored in order), audited, listed; 409 for the same pair in either order; 204 on delete, audited', async () => {
      const res = await post({
        rightA: 'subject:write',
        rightB: 'audit:export',
        description: 'Who changes subjects does not export the trail',
      });
      assert.equal(res.statusCode, 201);
      const rule = res.json();
      assert.deepEqual(
        { ...rule, id: undefined, createdAt: undefined },
        {
          id: undefined,
          createdAt: undefined,
          rightA: 'audit:export',
          rightB: 'subject:write',
          description: 'Who changes subjects does not export the trail',
          createdBy: rule.createdBy,
          violations: [],
        },
      );
      assert.match(rule.createdBy, /^api_key:/);
      assert.deepEqual(
        (await t.call('GET', BASE)).json().items.find((r: { id: string }) => r.id === rule.id),
        rule,
      );
      for (const body of [
        { rightA: 'subject:write', rightB: 'audit:export' },
        { rightA: 'audit:export', rightB: 'subject:write' },
      ]) {
        const dup = await post(body);
        assert.equal(dup.statusCode, 409);
        assert.equal(dup.json().code, 'conflict');
      }
      const del = await t.call('DELETE', `${BASE}/${rule.id}`);
      assert.equal(del.statusCode, 204);
      assert.equal(del.body, '');
      assert.deepEqual(
        (await auditOf(t.database.db, rule.id)).map((e) => e.type),
        ['separation_of_duties.added', 'separation_of_duties.removed'],
      );
      assert.equal((await t.call('DELETE', `${BASE}/${rule.id}`)).statusCode, 404);
    });

    it('409 adding a rule someone already breaks, listing the users and the roles bringing each right', async () => {
      const user = await insertStaffUser(t.database.db);
      const exporter = await createRole(t.ctx, { name: `Exporter ${++n}`, rights: ['audit:export'] });
      await setUserRoles(t.ctx, user, [BUILT_IN_ROLE_IDS.analyst, exporter.id]);
      const before = await ruleCount();
      const res = await post({ rightA: 'audit:export', rightB: 'subject:write' });
      assert.equal(res.statusCode, 409);
      assert.equal(res.json().code, 'conflict');
      assert.equal(res.json().reason, 'separation_of_duties');
      assert.deepEqual(res.json().violations, [
        {
          rightA: 'audit:export',
          rightB: 'subject:write',
          userId: user,
          rolesWithA: [exporter.id],
          rolesWithB: [BUILT_IN_ROLE_IDS.analyst],
        },
      ]);
      assert.equal(await ruleCount(), before);
      // Fixed, the rule is added; the assignment that broke it is then refused.
      await setUserRoles(t.ctx, user, [BUILT_IN_ROLE_IDS.analyst]);
      assert.equal((await post({ rightA: 'audit:export', rightB: 'subject:write' })).statusCode, 201);
      const put = await t.call('PUT', `/api/v1/users/${user}/roles`, {
        body: { roleIds: [BUILT_IN_ROLE_IDS.analyst, exporter.id] },
      });
      assert.equal(put.statusCode, 409);
      assert.equal(put.json().reason, 'separation_of_duties');
    });

    it('a key with role:manage only can add and remove rules (they restrict; they grant nothing)', async () => {
      const token = await t.tokenWith(['role:manage']);
      const res = await post({ rightA: 'document:delete', rightB: 'audit:export' }, token);
      assert.equal(res.statusCode, 201);
      assert.equal((await t.call('DELETE', `${BASE}/${res.json().id}`, { token })).statusCode, 204);
    });
  });
}
