import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { listMigrations, migrate } from '../../db/migrate.ts';
import { createCtx, type Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { backends, createEmptyDatabase, type TestDatabase } from '../../../test/support/db.ts';
import { insertStaffUser, testCtx } from '../../../test/support/context.ts';
import { auditOf } from '../../../test/support/factories-applications.ts';
import { testKeyring } from '../../../test/support/keyring.ts';
import type { Right } from '../access/rights.ts';
import {
  BUILT_IN_ROLES,
  BUILT_IN_ROLE_IDS,
  SeparationOfDutiesError,
  addSeparationOfDutiesRule,
  createRole,
  deleteRole,
  getRole,
  listRoles,
  listSeparationOfDuties,
  listUserRoles,
  loadStaffRights,
  removeSeparationOfDutiesRule,
  setUserRoles,
  updateRole,
} from './index.ts';

const UNKNOWN = '00000000-0000-4000-8000-000000000000';
const { administrator, complianceOfficer, analyst, auditor } = BUILT_IN_ROLE_IDS;
const code = (c: string) => (err: unknown) => err instanceof AppError && err.code === c;
const MY_MIGRATION = '20261124190000';

/** The pairs seeded by the migration: each control right with each decision right. */
const SEEDED_PAIRS = ['user:manage', 'role:manage', 'api-key:manage', 'programme:manage']
  .flatMap((control) =>
    ['application:transition', 'application:approve', 'risk:override', 'screening:resolve'].map((d) =>
      [control, d].sort().join(' × '),
    ),
  )
  .sort();

for (const backend of backends) {
  describe(`built-in roles and separation of duties [${backend.kind}]`, () => {
    let db: TestDatabase;
    let ctx: Ctx;
    let n = 0;
    before(async () => {
      db = await backend.open();
      ctx = testCtx(db.db, { rights: 'all' });
    });
    after(() => db.dispose());

    const make = (rights: Right[]) => createRole(ctx, { name: `SoD role ${++n}`, rights });
    const refusals = async (targetId: string | null) =>
      (
        await db.db
          .selectFrom('audit_events')
          .select(['type', 'target_type', 'target_id', 'payload'])
          .where('type', '=', 'role.separation_of_duties_refused')
          .orderBy('seq')
          .execute()
      ).filter((e) => (targetId === null ? e.target_id === null : e.target_id === targetId));
    /** A staff actor with these rights, as the gate would build it for a session of `userId`. */
    const staffCtx = (userId: string, rights: readonly Right[]): Ctx =>
      createCtx({
        db: db.db,
        keyring: testKeyring(),
        actor: {
          kind: 'staff',
          id: userId,
          username: 'staff',
          rights: new Set(rights),
          sessionId: randomUUID(),
          secondFactorAt: new Date(),
          programmes: 'all',
        },
      });
    const sodError = (check: (err: SeparationOfDutiesError) => void) => (err: unknown) => {
      assert.ok(err instanceof SeparationOfDutiesError, String(err));
      assert.equal(err.code, 'conflict');
      assert.equal(err.extra?.['reason'], 'separation_of_duties');
      check(err);
      return true;
    };

    describe('built-in roles', () => {
      it('are seeded by the migration as ordinary rows, exactly as listed in built-in-roles.ts', async () => {
        const rows = await db.db
          .selectFrom('roles')
          .selectAll()
          .where('created_by', '=', 'system:migration')
          .orderBy('id')
          .execute();
        assert.deepEqual(
          rows.map((r) => ({ id: r.id, name: r.name, rights: r.rights })),
          BUILT_IN_ROLES.map((r) => ({ id: r.id, name: r.name, rights: [...r.rights] })),
        );
        for (const r of rows) {
          assert.equal(r.version, 1);
          assert.equal(r.trusted_network_skip, false);
          assert.match(r.description, /^Built-in\. /);
          // Stored sorted, and only rights of the catalogue.
          assert.deepEqual((await getRole(ctx, r.id)).rights, r.rights);
        }
        assert.deepEqual((await getRole(ctx, administrator)).administrative, true);
        assert.deepEqual(
          (await listRoles(ctx)).filter((r) => r.createdBy === 'system:migration').map((r) => r.name),
          ['Administrator', 'Analyst', 'Auditor', 'Compliance officer'],
        );
      });

      it('split administration from case work: the Administrator holds no case-work right, the Auditor only reads', async () => {
        const rights = async (id: string) => (await getRole(ctx, id)).rights;
        const admin = await rights(administrator);
        assert.ok(
          admin.every((r) => !/^(subject|application|document|screening|risk):/.test(r)),
          String(admin),
        );
        const officer = await rights(complianceOfficer);
        const clerk = await rights(analyst);
        for (const r of [
          'application:approve',
          'risk:override',
          'subject:reveal-identifiers',
          'document:delete',
        ])
          assert.ok(officer.includes(r) && !clerk.includes(r), r);
        assert.ok(
          clerk.every((r) => officer.includes(r)),
          'the analyst is a subset of the compliance officer',
        );
        for (const r of await rights(auditor)) assert.match(r, /:(read|view)$|^audit:(read|export)$/);
      });

      it('are editable (rename, rights) and deletable like any role', async () => {
        const renamed = await updateRole(ctx, {
          id: auditor,
          version: 1,
          name: 'External auditor',
          rights: ['audit:read', 'programme:read'],
        });
        assert.deepEqual(
          [renamed.name, renamed.rights, renamed.version],
          ['External auditor', ['audit:read', 'programme:read'], 2],
        );
        // The name is free again for a role of one's own.
        const mine = await createRole(ctx, { name: 'auditor', rights: ['audit:read'] });
        await deleteRole(ctx, mine.id);
        await deleteRole(ctx, auditor);
        await assert.rejects(getRole(ctx, auditor), code('not_found'));
        assert.deepEqual(
          (await auditOf(db.db, auditor)).map((e) => e.type),
          ['role.updated', 'role.deleted'],
        );
      });

      it('a staff administrator holding the built-in Administrator role can hand out case-work roles to others, not to themselves', async () => {
        const adminUser = await insertStaffUser(db.db);
        const officerUser = await insertStaffUser(db.db);
        await setUserRoles(ctx, adminUser, [administrator]);
        const adminCtx = staffCtx(adminUser, [...(await loadStaffRights(db.db, adminUser))]);
        const given = await setUserRoles(adminCtx, officerUser, [complianceOfficer]);
        assert.deepEqual(
          given.map((r) => r.id),
          [complianceOfficer],
        );
        // To themselves: no escalation (checked before separation of duties).
        await assert.rejects(setUserRoles(adminCtx, adminUser, [administrator, analyst]), (err) => {
          assert.ok(code('forbidden')(err));
          assert.match((err as Error).message, /cannot give yourself rights you do not hold/);
          return true;
        });
        // A role they hold does not gain rights they lack; a role they do not hold may.
        await assert.rejects(
          updateRole(adminCtx, { id: administrator, version: 1, rights: ['subject:read', 'user:manage'] }),
          code('forbidden'),
        );
        const other = await createRole(adminCtx, { name: `Delegated ${++n}`, rights: ['subject:read'] });
        const widened = await updateRole(adminCtx, {
          id: other.id,
          version: 1,
          rights: ['subject:read', 'subject:reveal-identifiers'],
        });
        assert.equal(widened.version, 2);
        assert.deepEqual(await listUserRoles(ctx, adminUser).then((rs) => rs.map((r) => r.id)), [
          administrator,
        ]);
      });
    });

    describe('rules', () => {
      it('the migration seeds each control right against each decision right; the built-in roles break none', async () => {
        const rules = await listSeparationOfDuties(ctx);
        assert.deepEqual(rules.map((r) => `${r.rightA} × ${r.rightB}`).sort(), SEEDED_PAIRS);
        for (const r of rules) {
          assert.ok(r.rightA < r.rightB);
          assert.equal(r.createdBy, 'system:migration');
          assert.ok(r.description.length > 20);
          assert.deepEqual(r.violations, []);
        }
      });

      it('the table refuses an unordered or repeated pair', async () => {
        const row = (a: string, b: string) => ({
          id: randomUUID(),
          right_a: a,
          right_b: b,
          created_at: new Date(),
          created_by: 'system:test',
        });
        await assert.rejects(
          db.db
            .insertInto('separation_of_duties')
            .values(row('user:manage', 'application:approve'))
            .execute(),
        );
        await assert.rejects(
          db.db.insertInto('separation_of_duties').values(row('audit:read', 'audit:read')).execute(),
        );
        await assert.rejects(
          db.db
            .insertInto('separation_of_duties')
            .values(row('application:approve', 'user:manage'))
            .execute(),
        );
      });

      it('setUserRoles refuses an assignment bringing both rights of a pair, naming the pair and the roles; audited, nothing changed', async () => {
        const user = await insertStaffUser(db.db);
        await setUserRoles(ctx, user, [administrator]);
        await assert.rejects(
          setUserRoles(ctx, user, [administrator, complianceOfficer]),
          sodError((err) => {
            const approve = err.violations.find(
              (v) => v.rightA === 'application:approve' && v.rightB === 'user:manage',
            );
            assert.deepEqual(approve && { ...approve, ruleId: undefined }, {
              ruleId: undefined,
              rightA: 'application:approve',
              rightB: 'user:manage',
              userId: user,
              rolesWithA: [complianceOfficer],
              rolesWithB: [administrator],
            });
            // Every control right of the Administrator against every decision right of the officer.
            assert.equal(err.violations.length, 16);
            assert.match(
              err.message,
              /would hold both application:approve \(from "Compliance officer"\) and user:manage \(from "Administrator"\)/,
            );
          }),
        );
        assert.deepEqual(
          (await listUserRoles(ctx, user)).map((r) => r.id),
          [administrator],
        );
        const [refusal, ...more] = await refusals(user);
        assert.equal(more.length, 0);
        assert.equal(refusal?.target_type, 'staff_user');
        const payload = refusal?.payload as { operation: string; violations: { userId: string }[] };
        assert.equal(payload.operation, 'set_user_roles');
        assert.equal(payload.violations.length, 16);
        assert.ok(payload.violations.every((v) => v.userId === user));
        assert.doesNotMatch(JSON.stringify(payload), /Administrator|Compliance/, 'ids only, no names');
        // The audit trail of the user still shows one change only.
        assert.deepEqual(
          (await auditOf(db.db, user)).map((e) => e.type),
          ['staff_user.roles_changed', 'role.separation_of_duties_refused'],
        );
        // Swapping one role for the other is fine.
        await setUserRoles(ctx, user, [complianceOfficer]);
      });

      it('a pair brought by two roles of one’s own making is refused as well (any role, not only the built-in ones)', async () => {
        const user = await insertStaffUser(db.db);
        const keys = await make(['api-key:manage']);
        const risk = await make(['risk:override', 'subject:read']);
        await setUserRoles(ctx, user, [risk.id]);
        await assert.rejects(
          setUserRoles(ctx, user, [risk.id, keys.id]),
          sodError((err) =>
            assert.deepEqual(
              err.violations.map((v) => [v.rightA, v.rightB, v.rolesWithA, v.rolesWithB]),
              [['api-key:manage', 'risk:override', [keys.id], [risk.id]]],
            ),
          ),
        );
        assert.equal((await refusals(user)).length, 1);
      });

      it('updateRole refuses a change of rights after which a holder, or the role itself, would break a pair; audited on the role', async () => {
        const user = await insertStaffUser(db.db);
        const extra = await make(['subject:read']);
        await setUserRoles(ctx, user, [administrator, extra.id]);
        await assert.rejects(
          updateRole(ctx, { id: extra.id, version: 1, rights: ['subject:read', 'application:approve'] }),
          sodError((err) => {
            const v = err.violations;
            assert.ok(v.length > 0);
            assert.ok(
              v.every((x) => x.userId === user && x.rolesWithA.concat(x.rolesWithB).includes(extra.id)),
            );
            assert.ok(v.some((x) => x.rightA === 'application:approve' && x.rightB === 'role:manage'));
          }),
        );
        assert.deepEqual((await getRole(ctx, extra.id)).rights, ['subject:read']);
        const [refusal] = await refusals(extra.id);
        assert.equal(refusal?.target_type, 'role');
        assert.equal((refusal?.payload as { operation: string }).operation, 'update_role');

        // A role nobody holds: judged on its own.
        const lone = await make(['user:manage']);
        await assert.rejects(
          updateRole(ctx, { id: lone.id, version: 1, rights: ['user:manage', 'screening:resolve'] }),
          sodError((err) =>
            assert.deepEqual(err.violations, [
              {
                ruleId: err.violations[0]!.ruleId,
                rightA: 'screening:resolve',
                rightB: 'user:manage',
                userId: null,
                rolesWithA: [lone.id],
                rolesWithB: [lone.id],
              },
            ]),
          ),
        );
        assert.equal((await refusals(lone.id)).length, 1);
        // Other changes of the role are not concerned.
        assert.equal(
          (await updateRole(ctx, { id: extra.id, version: 1, name: `Renamed ${++n}` })).version,
          2,
        );
      });

      it('createRole refuses a role holding both rights of a pair; audited without a target, no role created', async () => {
        const before = (await listRoles(ctx)).length;
        const name = `Both ${++n}`;
        await assert.rejects(
          createRole(ctx, { name, rights: ['user:manage', 'application:approve', 'subject:read'] }),
          sodError((err) => {
            assert.deepEqual(
              err.violations.map((v) => [v.rightA, v.rightB, v.userId, v.rolesWithA, v.rolesWithB]),
              [['application:approve', 'user:manage', null, [], []]],
            );
            assert.match(err.message, /from the new role/);
          }),
        );
        assert.equal((await listRoles(ctx)).length, before);
        const refusal = (await refusals(null)).at(-1);
        assert.deepEqual(refusal?.payload, {
          operation: 'create_role',
          violations: [
            {
              ruleId: (await listSeparationOfDuties(ctx)).find(
                (r) => r.rightA === 'application:approve' && r.rightB === 'user:manage',
              )!.id,
              rightA: 'application:approve',
              rightB: 'user:manage',
              userId: null,
              rolesWithA: [],
              rolesWithB: [],
            },
          ],
        });
        assert.doesNotMatch(JSON.stringify(refusal?.payload), new RegExp(name));
      });

      it('a breach that predates a rule is listed and does not block other changes, but cannot grow', async () => {
        // As an installation upgraded from before the rules: a role with both rights, held by a user.
        const legacy = randomUUID();
        const now = new Date();
        await db.db
          .insertInto('roles')
          .values({
            id: legacy,
            name: `Legacy all ${++n}`,
            rights: ['application:transition', 'subject:read', 'user:manage'],
            created_at: now,
            updated_at: now,
            created_by: 'system:test',
          })
          .execute();
        const user = await insertStaffUser(db.db);
        await db.db
          .insertInto('staff_user_roles')
          .values({ user_id: user, role_id: legacy, created_at: now, created_by: 'system:test' })
          .execute();
        const rule = (await listSeparationOfDuties(ctx)).find(
          (r) => r.rightA === 'application:transition' && r.rightB === 'user:manage',
        )!;
        assert.deepEqual(
          rule.violations.map((v) => [v.userId, v.rolesWithA, v.rolesWithB]).sort(),
          [
            [null, [legacy], [legacy]],
            [user, [legacy], [legacy]],
          ].sort(),
        );
        // Unrelated and repairing changes pass.
        const reader = await make(['audit:read']);
        await setUserRoles(ctx, user, [legacy, reader.id]);
        await updateRole(ctx, { id: legacy, version: 1, description: 'to be fixed' });
        // A new breach does not.
        await assert.rejects(
          setUserRoles(ctx, user, [legacy, reader.id, administrator]),
          sodError(() => {}),
        );
        await assert.rejects(
          updateRole(ctx, {
            id: legacy,
            version: 2,
            rights: ['application:transition', 'role:manage', 'user:manage'],
          }),
          sodError((err) => assert.ok(err.violations.every((v) => v.rightB === 'role:manage'))),
        );
        const fixed = await updateRole(ctx, {
          id: legacy,
          version: 2,
          rights: ['subject:read', 'user:manage'],
        });
        assert.deepEqual(fixed.rights, ['subject:read', 'user:manage']);
        assert.ok((await listSeparationOfDuties(ctx)).every((r) => r.violations.length === 0));
      });

      it('adding a rule someone already breaks is refused with who; once fixed it is added, enforced and audited; removed, it no longer applies', async () => {
        const user = await insertStaffUser(db.db);
        const exporter = await make(['audit:export']);
        await setUserRoles(ctx, user, [analyst, exporter.id]);
        await assert.rejects(
          addSeparationOfDutiesRule(ctx, { rightA: 'subject:write', rightB: 'audit:export' }),
          (err) => {
            assert.ok(code('conflict')(err));
            const extra = (err as AppError).extra as { reason: string; violations: unknown[] };
            assert.equal(extra.reason, 'separation_of_duties');
            assert.deepEqual(extra.violations, [
              {
                rightA: 'audit:export',
                rightB: 'subject:write',
                userId: user,
                rolesWithA: [exporter.id],
                rolesWithB: [analyst],
              },
            ]);
            assert.match((err as Error).message, /1 staff user\(s\) and 0 role\(s\) already hold both/);
            return true;
          },
        );
        // A role holding both on its own counts too.
        await assert.rejects(
          addSeparationOfDutiesRule(ctx, { rightA: 'subject:write', rightB: 'subject:read' }),
          (err) =>
            code('conflict')(err) &&
            ((err as AppError).extra?.['violations'] as { userId: string | null }[]).some(
              (v) => v.userId === null,
            ),
        );
        await setUserRoles(ctx, user, [analyst]);
        const rule = await addSeparationOfDutiesRule(ctx, {
          rightA: 'subject:write',
          rightB: 'audit:export',
          description: 'Exports are not made by those who change subjects',
        });
        assert.deepEqual(
          [rule.rightA, rule.rightB, rule.violations, rule.createdBy],
          ['audit:export', 'subject:write', [], 'system:test'],
        );
        assert.deepEqual(await auditOf(db.db, rule.id), [
          {
            type: 'separation_of_duties.added',
            payload: {
              rightA: 'audit:export',
              rightB: 'subject:write',
              description: 'Exports are not made by those who change subjects',
            },
          },
        ]);
        await assert.rejects(
          setUserRoles(ctx, user, [analyst, exporter.id]),
          sodError(() => {}),
        );
        // The same pair, in either order, is a conflict; one right twice or outside the catalogue is invalid.
        await assert.rejects(
          addSeparationOfDutiesRule(ctx, { rightA: 'audit:export', rightB: 'subject:write' }),
          code('conflict'),
        );
        await assert.rejects(
          addSeparationOfDutiesRule(ctx, { rightA: 'subject:write', rightB: 'subject:write' }),
          code('validation'),
        );
        await assert.rejects(
          addSeparationOfDutiesRule(ctx, { rightA: 'subject:write', rightB: 'root' as never }),
          code('validation'),
        );

        await removeSeparationOfDutiesRule(ctx, rule.id);
        assert.deepEqual((await auditOf(db.db, rule.id)).at(-1), {
          type: 'separation_of_duties.removed',
          payload: {
            rightA: 'audit:export',
            rightB: 'subject:write',
            description: 'Exports are not made by those who change subjects',
          },
        });
        await setUserRoles(ctx, user, [analyst, exporter.id]);
        await assert.rejects(removeSeparationOfDutiesRule(ctx, rule.id), code('not_found'));
        await assert.rejects(removeSeparationOfDutiesRule(ctx, UNKNOWN), code('not_found'));
      });

      it('the rights of a user stay the union of their roles', async () => {
        const user = await insertStaffUser(db.db);
        await setUserRoles(ctx, user, [analyst, (await make(['audit:export'])).id]);
        const rights = await loadStaffRights(db.db, user);
        assert.ok(rights.has('subject:write') && rights.has('audit:export'));
      });
    });
  });

  describe(`built-in roles on an installation that already has roles [${backend.kind}]`, () => {
    it('keeps a role that already has a built-in name (any case) and adds the others', async () => {
      const db = await createEmptyDatabase(backend.kind);
      try {
        await migrate(
          db,
          listMigrations().filter((m) => m.version < MY_MIGRATION),
        );
        const mine = randomUUID();
        const now = new Date();
        await db.db
          .insertInto('roles')
          .values({
            id: mine,
            name: 'ADMINISTRATOR',
            rights: ['application:transition', 'role:manage', 'user:manage'],
            created_at: now,
            updated_at: now,
            created_by: 'system:cli',
          })
          .execute();
        const result = await migrate(db);
        assert.ok(result.applied.some((m) => m.startsWith(MY_MIGRATION)));
        const roles = await db.db.selectFrom('roles').select(['id', 'name']).orderBy('name').execute();
        assert.deepEqual(
          roles.map((r) => [r.id, r.name]),
          [
            [mine, 'ADMINISTRATOR'],
            [analyst, 'Analyst'],
            [auditor, 'Auditor'],
            [complianceOfficer, 'Compliance officer'],
          ],
        );
        // The rules are there, and the old role is listed as breaking one of them.
        const rules = await listSeparationOfDuties(testCtx(db.db, { rights: 'all' }));
        assert.equal(rules.length, SEEDED_PAIRS.length);
        assert.deepEqual(
          rules.flatMap((r) => r.violations.map((v) => `${v.rightA} × ${v.rightB}`)),
          ['application:transition × role:manage', 'application:transition × user:manage'],
        );
      } finally {
        await db.dispose();
      }
    });
  });
}
