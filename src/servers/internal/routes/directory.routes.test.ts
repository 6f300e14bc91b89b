import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RouteOptions } from 'fastify';
import { backends } from '../../../../test/support/db.ts';
import { startTestApp, type TestApp } from '../../../../test/support/app.ts';
import { browser, controlClock, createStaff, signInWithTotp } from '../../../../test/support/auth.ts';
import { directoryEnv, unique } from '../../../../test/support/directory.ts';
import { directorySkip, testDirectories } from '../../../../test/support/ldap.ts';
import { BUILT_IN_ROLE_IDS, createRole } from '../../../modules/roles/index.ts';
import { makeProgramme } from '../../../../test/support/factories-applications.ts';

const UNKNOWN = '00000000-0000-4000-8000-000000000000';
const GROUP = 'cn=kyc-analysts,ou=groups,dc=corp,dc=test';

describe('directory routes without a directory', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp(backends[0]!);
  });
  after(() => t.close());

  it('the settings say "off"; sync and check answer 409 directory_not_configured', async () => {
    const res = await t.call('GET', '/api/v1/directory');
    assert.deepEqual(res.json(), { enabled: false, settings: null });
    for (const url of ['/api/v1/directory/sync', '/api/v1/directory/check']) {
      const r = await t.call('POST', url, { body: {} });
      assert.equal(r.statusCode, 409, r.body);
      assert.equal(r.json().reason, 'directory_not_configured');
    }
  });
});

for (const backend of backends) {
  describe(`directory routes [${backend.kind}]`, { skip: directorySkip() }, () => {
    let t: TestApp;
    const routes: RouteOptions[] = [];
    before(async () => {
      t = await startTestApp(backend, {
        env: directoryEnv(testDirectories!.normal),
        onRoute: (r) => routes.push(r),
      });
    });
    after(() => t.close());

    it('declares its rights: reads user:manage; mapping changes role:manage; actions and changes step-up', () => {
      const mine = routes
        .filter((r) => r.url.startsWith('/api/v1/directory'))
        .flatMap((r) =>
          (Array.isArray(r.method) ? r.method : [r.method])
            .filter((m) => m !== 'HEAD')
            .map((m) => [`${m} ${r.url}`, r.config?.access, r.config?.stepUp === true]),
        )
        .sort();
      assert.deepEqual(mine, [
        ['DELETE /api/v1/directory/mappings/:id', 'role:manage', true],
        ['GET /api/v1/directory', 'user:manage', false],
        ['GET /api/v1/directory/mappings', 'user:manage', false],
        ['GET /api/v1/directory/sync-runs', 'user:manage', false],
        ['POST /api/v1/directory/check', 'user:manage', true],
        ['POST /api/v1/directory/mappings', 'role:manage', true],
        ['POST /api/v1/directory/sync', 'user:manage', true],
      ]);
    });

    it('401 without credentials, 403 without the right; nothing is written', async () => {
      const readOnly = await t.tokenWith(['role:manage', 'subject:read']);
      const noRoles = await t.tokenWith(['user:manage', 'subject:read']);
      for (const [method, url, body, token] of [
        ['GET', '/api/v1/directory', undefined, readOnly],
        ['GET', '/api/v1/directory/mappings', undefined, readOnly],
        ['GET', '/api/v1/directory/sync-runs', undefined, readOnly],
        ['POST', '/api/v1/directory/sync', {}, readOnly],
        ['POST', '/api/v1/directory/check', {}, readOnly],
        [
          'POST',
          '/api/v1/directory/mappings',
          { groupDn: GROUP, roleId: BUILT_IN_ROLE_IDS.analyst },
          noRoles,
        ],
        ['DELETE', `/api/v1/directory/mappings/${UNKNOWN}`, undefined, noRoles],
      ] as const) {
        assert.equal((await t.call(method, url, { token: null, body })).statusCode, 401, `${method} ${url}`);
        assert.equal((await t.call(method, url, { token, body })).statusCode, 403, `${method} ${url}`);
      }
      const mappings = await t.database.db.selectFrom('directory_group_mappings').selectAll().execute();
      assert.equal(mappings.length, 0);
      const runs = await t.database.db.selectFrom('directory_sync_runs').selectAll().execute();
      assert.equal(runs.length, 0);
    });

    it('the settings never contain the service account password', async () => {
      const res = await t.call('GET', '/api/v1/directory');
      assert.equal(res.statusCode, 200);
      const body = res.json();
      assert.equal(body.enabled, true);
      assert.equal(body.settings.transport, 'starttls');
      assert.equal(body.settings.maxFailedBinds, 3);
      assert.ok(!res.body.includes('svc-secret'));
      assert.ok(!('bindPassword' in body.settings));
    });

    it('mappings: bad input 400, unknown role or programme 404, duplicate 409; add and remove audited', async () => {
      const bad = [
        { groupDn: GROUP },
        { groupDn: GROUP, roleId: null, programmeId: null },
        { groupDn: 'not a dn', roleId: BUILT_IN_ROLE_IDS.analyst },
        { groupDn: 'cn=x\u0000,dc=corp', roleId: BUILT_IN_ROLE_IDS.analyst },
        { groupDn: GROUP, roleId: 'nope' },
        { groupDn: GROUP, roleId: BUILT_IN_ROLE_IDS.analyst, extra: 1 },
      ];
      for (const body of bad)
        assert.equal(
          (await t.call('POST', '/api/v1/directory/mappings', { body })).statusCode,
          400,
          JSON.stringify(body),
        );
      assert.equal(
        (await t.call('POST', '/api/v1/directory/mappings', { body: { groupDn: GROUP, roleId: UNKNOWN } }))
          .statusCode,
        404,
      );
      assert.equal(
        (
          await t.call('POST', '/api/v1/directory/mappings', {
            body: { groupDn: GROUP, programmeId: UNKNOWN },
          })
        ).statusCode,
        404,
      );
      const programme = await makeProgramme(t.ctx);
      const add = await t.call('POST', '/api/v1/directory/mappings', {
        body: { groupDn: GROUP, roleId: BUILT_IN_ROLE_IDS.analyst, programmeId: programme.id },
      });
      assert.equal(add.statusCode, 201, add.body);
      const m = add.json();
      assert.equal(m.roleName, 'Analyst');
      assert.equal(m.programmeId, programme.id);
      const dup = await t.call('POST', '/api/v1/directory/mappings', {
        body: { groupDn: GROUP.toUpperCase(), roleId: BUILT_IN_ROLE_IDS.analyst, programmeId: programme.id },
      });
      assert.equal(dup.statusCode, 409, dup.body);
      const list = await t.call('GET', '/api/v1/directory/mappings');
      assert.equal(list.json().items.length, 1);
      assert.equal((await t.call('DELETE', `/api/v1/directory/mappings/${m.id}`)).statusCode, 204);
      assert.equal((await t.call('DELETE', `/api/v1/directory/mappings/${m.id}`)).statusCode, 404);
      const events = await t.database.db
        .selectFrom('audit_events')
        .select(['type', 'target_id'])
        .where('target_id', '=', m.id)
        .orderBy('seq')
        .execute();
      assert.deepEqual(
        events.map((e) => e.type),
        ['directory.mapping_added', 'directory.mapping_removed'],
      );
    });

    it('no escalation through a mapping: a role manager cannot map a group to administrative rights they lack', async () => {
      const token = await t.tokenWith(['role:manage', 'user:manage']);
      const admin = await createRole(t.ctx, {
        name: `dir keys ${unique()}`,
        description: '',
        rights: ['api-key:manage'],
      });
      const res = await t.call('POST', '/api/v1/directory/mappings', {
        token,
        body: { groupDn: GROUP, roleId: admin.id },
      });
      assert.equal(res.statusCode, 403, res.body);
      assert.equal(
        (await t.database.db.selectFrom('directory_group_mappings').selectAll().execute()).length,
        0,
      );
    });

    it('a staff session needs a recent second factor to change mappings or run a sync', async () => {
      const clock = controlClock(t);
      const staff = await createStaff(t, { totp: true, rights: ['user:manage', 'role:manage'] });
      const s = await signInWithTotp(t, staff, clock);
      await t.database.db
        .updateTable('sessions')
        .set({ second_factor_at: new Date(Date.now() - t.auth.session.stepUpWindowMs - 1000) })
        .where('user_id', '=', staff.id)
        .execute();
      for (const [url, body] of [
        ['/api/v1/directory/mappings', { groupDn: GROUP, roleId: BUILT_IN_ROLE_IDS.analyst }],
        ['/api/v1/directory/sync', {}],
      ] as const) {
        const res = await browser(t, 'POST', url, { cookie: s.token, csrf: s.csrf, body });
        assert.equal(res.statusCode, 403, res.body);
        assert.equal(res.json().reason, 'step_up_required');
      }
      assert.equal((await t.database.db.selectFrom('directory_sync_runs').selectAll().execute()).length, 0);
    });

    it('check and sync now: the run is listed with its counts', async () => {
      const check = await t.call('POST', '/api/v1/directory/check', { body: {} });
      assert.equal(check.statusCode, 200, check.body);
      assert.deepEqual(check.json(), { serviceAccount: 'ok', userBase: 'found', tls: 'starttls' });
      const run = await t.call('POST', '/api/v1/directory/sync', { body: {} });
      assert.equal(run.statusCode, 200, run.body);
      assert.equal(run.json().status, 'succeeded');
      assert.equal(run.json().mode, 'full');
      const runs = await t.call('GET', '/api/v1/directory/sync-runs?limit=5');
      assert.equal(runs.json().items[0].id, run.json().id);
      assert.equal((await t.call('GET', '/api/v1/directory/sync-runs?limit=0')).statusCode, 400);
    });
  });
}
