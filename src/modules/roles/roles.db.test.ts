import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { backends, type TestDatabase } from '../../../test/support/db.ts';
import { insertStaffUser, testCtx } from '../../../test/support/context.ts';
import { auditOf } from '../../../test/support/factories-applications.ts';
import {
  createRole,
  deleteRole,
  getRole,
  listRights,
  listRoles,
  listUserRoles,
  loadStaffRights,
  setUserRoles,
  updateRole,
  type CreateRoleInput,
} from './index.ts';

const UNKNOWN = '00000000-0000-4000-8000-000000000000';
const code = (c: string) => (err: unknown) => err instanceof AppError && err.code === c;

for (const backend of backends) {
  describe(`roles [${backend.kind}]`, () => {
    let db: TestDatabase;
    let ctx: Ctx;
    let n = 0;
    before(async () => {
      db = await backend.open();
      ctx = testCtx(db.db, { rights: 'all' });
    });
    after(() => db.dispose());

    const make = (over: Partial<CreateRoleInput> = {}) =>
      createRole(ctx, { name: `Role ${++n}`, rights: ['subject:read'], ...over });
    const roleRow = (id: string) =>
      db.db.selectFrom('roles').selectAll().where('id', '=', id).executeTakeFirst();

    it('creates a role: trimmed name, sorted rights, creator recorded, audited in the same transaction', async () => {
      const role = await createRole(ctx, {
        name: '  Reviewer ',
        description: 'Reviews files',
        rights: ['subject:read', 'application:read'],
        trustedNetworkSkip: true,
      });
      assert.deepEqual(
        { ...role, id: undefined, createdAt: undefined, updatedAt: undefined },
        {
          id: undefined,
          name: 'Reviewer',
          description: 'Reviews files',
          rights: ['application:read', 'subject:read'],
          trustedNetworkSkip: true,
          administrative: false,
          version: 1,
          createdAt: undefined,
          updatedAt: undefined,
          createdBy: 'system:test',
        },
      );
      const row = await roleRow(role.id);
      assert.deepEqual(row?.rights, ['application:read', 'subject:read']);
      assert.equal(row?.trusted_network_skip, true);
      assert.deepEqual(await auditOf(db.db, role.id), [
        {
          type: 'role.created',
          payload: {
            name: 'Reviewer',
            rights: ['application:read', 'subject:read'],
            trustedNetworkSkip: true,
          },
        },
      ]);
      assert.deepEqual(await getRole(ctx, role.id), role);
    });

    it('refuses a name already used, ignoring case; concurrent creations: exactly one succeeds', async () => {
      await make({ name: 'Front Office Lead' });
      await assert.rejects(make({ name: 'FRONT OFFICE lead' }), code('conflict'));
      const results = await Promise.allSettled([1, 2, 3].map(() => make({ name: 'Race' })));
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of results)
        if (r.status === 'rejected') assert.ok(code('conflict')(r.reason), String(r.reason));
    });

    it('refuses rights outside the catalogue', async () => {
      await assert.rejects(make({ rights: ['subject:read', 'root' as never] }), (err) => {
        assert.ok(code('validation')(err));
        assert.deepEqual((err as AppError).extra, {
          errors: [{ path: 'rights/1', message: '"root" is not a right of the catalogue' }],
        });
        return true;
      });
    });

    it('refuses trustedNetworkSkip on a role holding an administrative right, with a 400 naming the rule', async () => {
      await assert.rejects(
        make({ name: 'Admins', rights: ['subject:read', 'user:manage'], trustedNetworkSkip: true }),
        (err) => {
          assert.ok(code('validation')(err));
          assert.match(
            (err as Error).message,
            /administrative right \(user:manage\).*skip the second factor/,
          );
          return true;
        },
      );
      assert.equal(
        (await db.db.selectFrom('roles').select('id').where('name', '=', 'Admins').execute()).length,
        0,
      );
      const admin = await make({ rights: ['user:manage', 'role:manage'] });
      assert.equal(admin.administrative, true);
      assert.equal(admin.trustedNetworkSkip, false);
    });

    it('refuses to grant rights the actor does not hold (no escalation)', async () => {
      const limited = testCtx(db.db, { rights: ['role:manage', 'subject:read'] });
      await assert.rejects(
        createRole(limited, { name: 'Escalate', rights: ['subject:read', 'user:manage'] }),
        code('forbidden'),
      );
      const ok = await createRole(limited, { name: 'Readers', rights: ['subject:read'] });
      const withAudit = await make({ rights: ['audit:read'] });
      await assert.rejects(
        updateRole(limited, { id: withAudit.id, version: 1, rights: ['audit:read', 'user:manage'] }),
        code('forbidden'),
      );
      // Removing a right the actor lacks, or keeping it, is not granting it.
      const kept = await updateRole(limited, { id: withAudit.id, version: 1, description: 'audit readers' });
      assert.equal(kept.version, 2);
      assert.equal(ok.version, 1);
    });

    it('updates under optimistic concurrency; records changed fields; a no-op keeps the version', async () => {
      const role = await make({ rights: ['subject:read'] });
      const updated = await updateRole(ctx, {
        id: role.id,
        version: 1,
        name: role.name,
        description: 'now described',
        rights: ['subject:write', 'subject:read'],
        trustedNetworkSkip: true,
      });
      assert.equal(updated.version, 2);
      assert.deepEqual(updated.rights, ['subject:read', 'subject:write']);
      assert.deepEqual((await auditOf(db.db, role.id)).at(-1), {
        type: 'role.updated',
        payload: {
          version: 2,
          changes: {
            description: { from: '', to: 'now described' },
            rights: { from: ['subject:read'], to: ['subject:read', 'subject:write'] },
            trustedNetworkSkip: { from: false, to: true },
          },
        },
      });
      await assert.rejects(updateRole(ctx, { id: role.id, version: 1, description: 'stale' }), (err) => {
        assert.ok(code('version_conflict')(err));
        assert.deepEqual((err as AppError).extra, { currentVersion: 2 });
        return true;
      });
      const noop = await updateRole(ctx, {
        id: role.id,
        version: 2,
        rights: ['subject:write', 'subject:read'],
        trustedNetworkSkip: true,
      });
      assert.equal(noop.version, 2);
      assert.equal((await auditOf(db.db, role.id)).length, 2);
      await assert.rejects(updateRole(ctx, { id: UNKNOWN, version: 1, description: 'x' }), code('not_found'));
    });

    it('refuses, on update, an administrative right on a role that allows skipping, unless skipping is turned off', async () => {
      const role = await make({ rights: ['subject:read'], trustedNetworkSkip: true });
      await assert.rejects(
        updateRole(ctx, { id: role.id, version: 1, rights: ['subject:read', 'role:manage'] }),
        code('validation'),
      );
      const admin = await make({ rights: ['api-key:manage'] });
      await assert.rejects(
        updateRole(ctx, { id: admin.id, version: 1, trustedNetworkSkip: true }),
        code('validation'),
      );
      assert.equal((await roleRow(role.id))?.version, 1);
      const both = await updateRole(ctx, {
        id: role.id,
        version: 1,
        rights: ['subject:read', 'role:manage'],
        trustedNetworkSkip: false,
      });
      assert.deepEqual([both.administrative, both.trustedNetworkSkip, both.version], [true, false, 2]);
    });

    it('renaming onto another role’s name (any case) is a conflict; changing only the case is allowed', async () => {
      const a = await make({ name: 'Front office' });
      const b = await make();
      await assert.rejects(updateRole(ctx, { id: b.id, version: 1, name: 'FRONT OFFICE' }), code('conflict'));
      const renamed = await updateRole(ctx, { id: a.id, version: 1, name: 'Front Office' });
      assert.equal(renamed.name, 'Front Office');
    });

    it('replaces a user’s roles, auditing the role ids before and after; unchanged sets write nothing', async () => {
      const user = await insertStaffUser(db.db);
      const [r1, r2, r3] = [await make(), await make(), await make()];
      const first = await setUserRoles(ctx, user, [r1!.id, r2!.id, r1!.id]);
      assert.deepEqual(first.map((r) => r.id).sort(), [r1!.id, r2!.id].sort());
      const second = await setUserRoles(ctx, user, [r2!.id, r3!.id]);
      assert.deepEqual(second.map((r) => r.id).sort(), [r2!.id, r3!.id].sort());
      await setUserRoles(ctx, user, [r3!.id, r2!.id]);
      const events = await auditOf(db.db, user);
      assert.deepEqual(events, [
        { type: 'staff_user.roles_changed', payload: { before: [], after: [r1!.id, r2!.id].sort() } },
        {
          type: 'staff_user.roles_changed',
          payload: { before: [r1!.id, r2!.id].sort(), after: [r2!.id, r3!.id].sort() },
        },
      ]);
      const assignments = await db.db
        .selectFrom('staff_user_roles')
        .select(['role_id', 'created_by'])
        .where('user_id', '=', user)
        .execute();
      assert.deepEqual(
        assignments.map((a) => [a.role_id, a.created_by]).sort(),
        [
          [r2!.id, 'system:test'],
          [r3!.id, 'system:test'],
        ].sort(),
      );
      assert.deepEqual(
        (await listUserRoles(ctx, user)).map((r) => r.name),
        [r2!.name, r3!.name].sort(),
      );
      assert.deepEqual(await setUserRoles(ctx, user, []), []);
      assert.deepEqual((await auditOf(db.db, user)).at(-1)?.payload, {
        before: [r2!.id, r3!.id].sort(),
        after: [],
      });
    });

    it('404 for an unknown user or an unknown role, and nothing changes', async () => {
      const user = await insertStaffUser(db.db);
      const role = await make();
      await setUserRoles(ctx, user, [role.id]);
      await assert.rejects(setUserRoles(ctx, UNKNOWN, [role.id]), (err) => {
        assert.ok(code('not_found')(err));
        assert.match((err as Error).message, /staff user/);
        return true;
      });
      await assert.rejects(setUserRoles(ctx, user, [randomUUID()]), (err) => {
        assert.ok(code('not_found')(err));
        assert.match((err as Error).message, /role/);
        return true;
      });
      await assert.rejects(listUserRoles(ctx, UNKNOWN), code('not_found'));
      assert.deepEqual(
        (await listUserRoles(ctx, user)).map((r) => r.id),
        [role.id],
      );
      assert.equal((await auditOf(db.db, user)).length, 1);
    });

    it('refuses to give a user a role with rights the actor does not hold', async () => {
      const user = await insertStaffUser(db.db);
      const admin = await make({ rights: ['user:manage'] });
      const reader = await make({ rights: ['subject:read'] });
      const limited = testCtx(db.db, { rights: ['role:manage', 'subject:read'] });
      await assert.rejects(setUserRoles(limited, user, [admin.id, reader.id]), code('forbidden'));
      assert.deepEqual(await listUserRoles(ctx, user), []);
      await setUserRoles(ctx, user, [admin.id]);
      // Keeping a role the actor could not give, while adding one it can, is allowed.
      const after = await setUserRoles(limited, user, [admin.id, reader.id]);
      assert.equal(after.length, 2);
    });

    it('loadStaffRights is the union of the user’s roles’ rights, dropping unknown strings', async () => {
      const user = await insertStaffUser(db.db);
      assert.deepEqual(await loadStaffRights(db.db, user), new Set());
      const a = await make({ rights: ['subject:read', 'application:read'] });
      const b = await make({ rights: ['application:read', 'audit:read'] });
      await db.db
        .updateTable('roles')
        .set({ rights: ['audit:read', 'withdrawn:right'] })
        .where('id', '=', b.id)
        .execute();
      await setUserRoles(ctx, user, [a.id, b.id]);
      assert.deepEqual([...(await loadStaffRights(db.db, user))].sort(), [
        'application:read',
        'audit:read',
        'subject:read',
      ]);
      assert.deepEqual((await getRole(ctx, b.id)).rights, ['audit:read']);
      assert.deepEqual(await loadStaffRights(db.db, UNKNOWN), new Set());
    });

    it('deletes a role only when nobody holds it (409 with the count), audited', async () => {
      const user = await insertStaffUser(db.db);
      const role = await make();
      await setUserRoles(ctx, user, [role.id]);
      await assert.rejects(deleteRole(ctx, role.id), (err) => {
        assert.ok(code('conflict')(err));
        assert.deepEqual((err as AppError).extra, { holders: 1 });
        return true;
      });
      assert.ok(await roleRow(role.id));
      await setUserRoles(ctx, user, []);
      await deleteRole(ctx, role.id);
      assert.equal(await roleRow(role.id), undefined);
      assert.deepEqual((await auditOf(db.db, role.id)).at(-1), {
        type: 'role.deleted',
        payload: { name: role.name, rights: ['subject:read'], version: 1 },
      });
      await assert.rejects(deleteRole(ctx, role.id), code('not_found'));
      await assert.rejects(getRole(ctx, role.id), code('not_found'));
    });

    it('deleting a staff user removes their assignments; the foreign key refuses a held role being deleted', async () => {
      const user = await insertStaffUser(db.db);
      const role = await make();
      await setUserRoles(ctx, user, [role.id]);
      await assert.rejects(db.db.deleteFrom('roles').where('id', '=', role.id).execute());
      await db.db.deleteFrom('staff_users').where('id', '=', user).execute();
      assert.equal(
        (
          await db.db
            .selectFrom('staff_user_roles')
            .select('user_id')
            .where('role_id', '=', role.id)
            .execute()
        ).length,
        0,
      );
      await deleteRole(ctx, role.id);
    });

    it('an assignment racing a deletion: either the role is deleted and the assignment 404s, or the deletion 409s', async () => {
      const user = await insertStaffUser(db.db);
      const role = await make();
      const [assigned, deleted] = await Promise.allSettled([
        setUserRoles(ctx, user, [role.id]),
        deleteRole(ctx, role.id),
      ]);
      const outcome = [assigned.status, deleted.status].join('/');
      if (outcome === 'fulfilled/rejected') {
        assert.ok(code('conflict')((deleted as PromiseRejectedResult).reason));
        assert.ok(await roleRow(role.id));
      } else {
        assert.equal(outcome, 'rejected/fulfilled');
        assert.ok(code('not_found')((assigned as PromiseRejectedResult).reason));
        assert.equal(await roleRow(role.id), undefined);
      }
    });

    it('lists roles by name, case-insensitively', async () => {
      await make({ name: 'zeta list' });
      await make({ name: 'Alpha list' });
      await make({ name: 'beta list' });
      const names = (await listRoles(ctx)).map((r) => r.name).filter((x) => x.endsWith(' list'));
      assert.deepEqual(names, ['Alpha list', 'beta list', 'zeta list']);
    });

    it('lists the rights catalogue with descriptions and the administrative flag', () => {
      const rights = listRights();
      assert.ok(rights.length > 10);
      assert.deepEqual(
        rights.find((r) => r.right === 'role:manage'),
        {
          right: 'role:manage',
          description:
            'Create, change and delete roles, assign them to staff users, and configure separation of duties',
          administrative: true,
        },
      );
      assert.equal(rights.find((r) => r.right === 'subject:read')?.administrative, false);
    });
  });
}
