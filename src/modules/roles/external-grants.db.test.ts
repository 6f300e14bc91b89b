import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { inTransaction } from '../../db/transaction.ts';
import type { GrantSource } from '../../db/types.ts';
import type { Ctx } from '../../platform/context.ts';
import { backends, type TestDatabase } from '../../../test/support/db.ts';
import { insertStaffUser, testCtx } from '../../../test/support/context.ts';
import type { Right } from '../access/rights.ts';
import { createProgramme } from '../programmes/index.ts';
import { createRole, reconcileExternalGrants, setUserRoles, type ExternalGrantsInput } from './index.ts';

for (const backend of backends) {
  describe(`reconcileExternalGrants [${backend.kind}]`, () => {
    let db: TestDatabase;
    let ctx: Ctx;
    let n = 0;
    before(async () => {
      db = await backend.open();
      ctx = testCtx(db.db, { rights: 'all' });
    });
    after(() => db.dispose());

    const role = async (rights: Right[]) => (await createRole(ctx, { name: `Ext role ${++n}`, rights })).id;
    const programme = async () =>
      (await createProgramme(ctx, { name: `Ext programme ${++n}`, allowedEntityTypes: ['person'] })).id;
    const reconcile = (
      input: Omit<ExternalGrantsInput, 'roleIds' | 'programmeIds'> & Partial<ExternalGrantsInput>,
    ) =>
      inTransaction(db.db, (tx) =>
        reconcileExternalGrants(tx, ctx, { roleIds: [], programmeIds: [], ...input }),
      );
    const grants = async (userId: string) => ({
      roles: (
        await db.db
          .selectFrom('staff_user_roles')
          .select(['role_id', 'source'])
          .where('user_id', '=', userId)
          .orderBy('role_id')
          .execute()
      ).map((r) => `${r.role_id}=${r.source}`),
      programmes: (
        await db.db
          .selectFrom('programme_members')
          .select(['programme_id', 'source'])
          .where('user_id', '=', userId)
          .orderBy('programme_id')
          .execute()
      ).map((r) => `${r.programme_id}=${r.source}`),
    });
    const give = async (userId: string, roleId: string, source: GrantSource) =>
      db.db
        .insertInto('staff_user_roles')
        .values({ user_id: userId, role_id: roleId, created_at: new Date(), created_by: 'test', source })
        .execute();
    const join = async (userId: string, programmeId: string, source: GrantSource) =>
      db.db
        .insertInto('programme_members')
        .values({
          programme_id: programmeId,
          user_id: userId,
          created_at: new Date(),
          created_by: 'test',
          source,
        })
        .execute();

    it('adds with its source, removes only its own rows; manual and other sources stay', async () => {
      const user = await insertStaffUser(db.db);
      const [r1, r2, manual, other] = [
        await role(['application:write']),
        await role(['document:view']),
        await role(['audit:read']),
        await role(['application:read']),
      ];
      const [p1, p2, pManual, pOther] = [
        await programme(),
        await programme(),
        await programme(),
        await programme(),
      ];
      await give(user, manual, 'manual');
      await give(user, other, 'sso:corp-idp');
      await join(user, pManual, 'manual');
      await join(user, pOther, 'sso:corp-idp');

      let r = await reconcile({
        userId: user,
        source: 'directory',
        roleIds: [r1, r2],
        programmeIds: [p1, p2],
      });
      assert.deepEqual(r.diff.rolesAdded, [r1, r2].sort());
      assert.deepEqual(r.diff.programmesAdded, [p1, p2].sort());
      assert.equal(r.changed, true);
      assert.equal(r.conflict, null);

      // The source no longer gives r2, p2, nor what others gave: only its own rows go.
      r = await reconcile({ userId: user, source: 'directory', roleIds: [r1], programmeIds: [p1] });
      assert.deepEqual(r.diff, {
        rolesAdded: [],
        rolesRemoved: [r2],
        programmesAdded: [],
        programmesRemoved: [p2],
      });
      const expected = {
        roles: [`${r1}=directory`, `${manual}=manual`, `${other}=sso:corp-idp`].sort(),
        programmes: [`${p1}=directory`, `${pManual}=manual`, `${pOther}=sso:corp-idp`].sort(),
      };
      assert.deepEqual(await grants(user), expected);

      // Nothing wanted any more: its own rows go, nothing else; then a second run changes nothing.
      r = await reconcile({ userId: user, source: 'directory' });
      assert.deepEqual(r.diff, {
        rolesAdded: [],
        rolesRemoved: [r1],
        programmesAdded: [],
        programmesRemoved: [p1],
      });
      r = await reconcile({ userId: user, source: 'directory' });
      assert.equal(r.changed, false);
      assert.deepEqual(await grants(user), {
        roles: [`${manual}=manual`, `${other}=sso:corp-idp`].sort(),
        programmes: [`${pManual}=manual`, `${pOther}=sso:corp-idp`].sort(),
      });
    });

    it('a grant the user already holds from elsewhere is neither taken over nor removed', async () => {
      const user = await insertStaffUser(db.db);
      const shared = await role(['application:write']);
      const p = await programme();
      await give(user, shared, 'manual');
      await join(user, p, 'directory');
      let r = await reconcile({ userId: user, source: 'sso:corp-idp', roleIds: [shared], programmeIds: [p] });
      assert.equal(r.changed, false);
      r = await reconcile({ userId: user, source: 'sso:corp-idp' });
      assert.equal(r.changed, false);
      assert.deepEqual(await grants(user), { roles: [`${shared}=manual`], programmes: [`${p}=directory`] });
    });

    it('an administrator may assign a role the user holds from a source, and remove it', async () => {
      const user = await insertStaffUser(db.db);
      const [fromSource, byHand] = [await role(['application:write']), await role(['document:view'])];
      await reconcile({ userId: user, source: 'directory', roleIds: [fromSource] });
      await setUserRoles(ctx, user, [fromSource, byHand]);
      assert.deepEqual((await grants(user)).roles, [`${fromSource}=directory`, `${byHand}=manual`].sort());
      await setUserRoles(ctx, user, [byHand]);
      assert.deepEqual((await grants(user)).roles, [`${byHand}=manual`]);
      // The source gives it again at its next run.
      const r = await reconcile({ userId: user, source: 'directory', roleIds: [fromSource] });
      assert.deepEqual(r.diff.rolesAdded, [fromSource]);
    });

    it('separation of duties: on a conflict no new role is added and the conflict is reported', async () => {
      const user = await insertStaffUser(db.db);
      // A seeded rule: user:manage × application:approve.
      const [control, decision, harmless] = [
        await role(['user:manage']),
        await role(['application:approve']),
        await role(['application:write']),
      ];
      const [old, p] = [await role(['document:view']), await programme()];
      await give(user, control, 'manual');
      await reconcile({ userId: user, source: 'sso:corp-idp', roleIds: [old] });
      const r = await reconcile({
        userId: user,
        source: 'sso:corp-idp',
        roleIds: [decision, harmless],
        programmeIds: [p],
      });
      assert.deepEqual(r.conflict?.roleIds, [decision, harmless].sort());
      assert.ok(
        r.conflict!.violations.some((v) => v.rightA === 'application:approve' && v.rightB === 'user:manage'),
      );
      assert.deepEqual(r.diff, {
        rolesAdded: [],
        rolesRemoved: [old],
        programmesAdded: [p],
        programmesRemoved: [],
      });
      assert.deepEqual(await grants(user), {
        roles: [`${control}=manual`],
        programmes: [`${p}=sso:corp-idp`],
      });

      // Without the conflicting role, the rest is granted.
      const ok = await reconcile({
        userId: user,
        source: 'sso:corp-idp',
        roleIds: [harmless],
        programmeIds: [p],
      });
      assert.equal(ok.conflict, null);
      assert.deepEqual(ok.diff.rolesAdded, [harmless]);
    });

    it('unknown role and programme ids are ignored; a malformed source is refused by the database', async () => {
      const user = await insertStaffUser(db.db);
      const r = await reconcile({
        userId: user,
        source: 'directory',
        roleIds: [randomUUID()],
        programmeIds: [randomUUID()],
      });
      assert.equal(r.changed, false);
      const p = await programme();
      for (const source of ['sso:', 'sso:Corp', 'sso:-x', 'ldap', `sso:${'a'.repeat(33)}`])
        await assert.rejects(join(user, p, source as GrantSource));
      await join(user, p, `sso:${'a'.repeat(32)}`);
    });
  });
}
