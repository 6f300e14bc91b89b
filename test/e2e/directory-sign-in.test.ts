/**
 * Directory sign-in and sync through the HTTP API against the real test directories
 * (scripts/openldap-test-ad.sh): StartTLS and LDAPS with the second factor, a wrong CA, an empty
 * password on the directory that emulates Active Directory's anonymous-success bind, group changes
 * and disabled or removed users at the next sync, the cap of failed binds, and no local password
 * reset or change for directory users. Every test uses its own directory users and groups.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { confirmTotpEnrolment, startTotpEnrolment } from '../../src/modules/auth/factors/index.ts';
import { Directory } from '../../src/platform/ldap/directory.ts';
import { createRole } from '../../src/modules/roles/index.ts';
import { setUserRoles } from '../../src/modules/roles/index.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import {
  auditOf,
  browser,
  controlClock,
  cookieOf,
  login,
  signInWithTotp,
  totpAt,
  type TestStaff,
} from '../support/auth.ts';
import { backends } from '../support/db.ts';
import {
  addGroup,
  addMember,
  addUser,
  BASE,
  cleanup,
  countingClient,
  deleteEntry,
  directoryEnv,
  entries,
  removeMember,
  setDisabled,
  unique,
  type TestEntries,
} from '../support/directory.ts';
import { directorySkip, testDirectories } from '../support/ldap.ts';

const skip = directorySkip();
const dirs = testDirectories!;
const PASSWORD = 'Directory-Passw0rd-long';

const settingsFor = (url: string, caPem: string) => ({
  url,
  caPem,
  serverName: '127.0.0.1',
  bindDn: `cn=svc-kyc,ou=service,${BASE}`,
  bindPassword: 'svc-secret',
  userBase: `ou=people,${BASE}`,
  timeoutMs: 5000,
});

for (const backend of backends) {
  describe(`directory sign-in and sync [${backend.kind}]`, { skip }, () => {
    let t: TestApp;
    let e: TestEntries;
    let counter: ReturnType<typeof countingClient>;
    let clock: ReturnType<typeof controlClock>;
    const id = unique();
    let analysts: string;
    let admins: string;
    let analystRole: string;
    let adminRole: string;
    let manualRole: string;

    /** A directory user of this file: created with the rootDN, deleted in after(). */
    let n = 0;
    const newUser = async (groups: string[]) => {
      const uid = `dz${id}u${++n}`;
      const dn = await addUser(e, { uid, password: PASSWORD });
      for (const g of groups) await addMember(e.dir, g, dn);
      return { uid, dn };
    };
    const userRow = (username: string) =>
      t.database.db.selectFrom('staff_users').selectAll().where('username', '=', username).executeTakeFirst();
    const rolesOf = async (userId: string) =>
      (
        await t.database.db
          .selectFrom('staff_user_roles')
          .select(['role_id', 'source'])
          .where('user_id', '=', userId)
          .orderBy('role_id')
          .execute()
      ).map((r) => `${r.role_id}:${r.source}`);
    const sync = async (mode: 'full' | 'changed' = 'full') => {
      const res = await t.call('POST', '/api/v1/directory/sync', { body: { mode } });
      assert.equal(res.statusCode, 200, res.body);
      const run = res.json() as { status: string; error: string | null };
      assert.equal(run.status, 'succeeded', run.error ?? '');
      return res.json() as Record<string, number | string>;
    };
    const enrolTotp = async (userId: string) => {
      const past = new Date(Date.now() - 60_000);
      const en = await startTotpEnrolment(t.database.db, t.ctx, { userId, now: past });
      assert.equal(
        await confirmTotpEnrolment(t.database.db, t.ctx, {
          userId,
          code: totpAt(en.secret, past),
          now: past,
        }),
        'ok',
      );
      return en.secret;
    };
    const useClient = (client: Directory) => {
      counter = countingClient(client);
      t.auth.directory!.client = counter.client;
    };

    before(async () => {
      t = await startTestApp(backend, { env: directoryEnv(dirs.normal) });
      clock = controlClock(t);
      e = entries(dirs.normal);
      useClient(new Directory(settingsFor(dirs.normal.url, dirs.normal.caPem)));
      // groupOfNames needs a member: the fixed user alice, who is never mapped to anything else here.
      analysts = await addGroup(e, `dz${id}-analysts`, [`uid=alice,ou=people,${BASE}`]);
      admins = await addGroup(e, `dz${id}-admins`, [`uid=alice,ou=people,${BASE}`]);
      analystRole = (
        await createRole(t.ctx, { name: `dir analyst ${id}`, description: '', rights: ['subject:read'] })
      ).id;
      adminRole = (
        await createRole(t.ctx, { name: `dir admin ${id}`, description: '', rights: ['audit:read'] })
      ).id;
      manualRole = (
        await createRole(t.ctx, { name: `dir manual ${id}`, description: '', rights: ['programme:read'] })
      ).id;
      for (const [groupDn, roleId] of [
        [analysts, analystRole],
        [admins, adminRole],
      ] as const) {
        const res = await t.call('POST', '/api/v1/directory/mappings', { body: { groupDn, roleId } });
        assert.equal(res.statusCode, 201, res.body);
      }
    });
    after(async () => {
      await cleanup(e);
      await t?.close();
    });

    it('StartTLS: an unknown user in a mapped group is created at first sign-in, then signs in with the second factor', async () => {
      const u = await newUser([analysts]);
      const first = await login(t, u.uid, PASSWORD);
      assert.equal(first.statusCode, 200, first.body);
      assert.equal(first.json().status, 'second_factor_required');
      assert.equal(first.json().enrolmentRequired, true);
      const row = (await userRow(u.uid))!;
      assert.equal(row.source, 'directory');
      assert.equal(row.password_hash, null);
      assert.equal(row.directory_dn?.toLowerCase(), u.dn.toLowerCase());
      assert.match(row.directory_id ?? '', /^uuid:/);
      assert.deepEqual(await rolesOf(row.id), [`${analystRole}:directory`]);
      assert.ok((await auditOf(t, 'directory.user_provisioned')).some((a) => a.target_id === row.id));

      const secret = await enrolTotp(row.id);
      const staff: TestStaff = { id: row.id, username: u.uid, password: PASSWORD, totpSecret: secret };
      const s = await signInWithTotp(t, staff, clock);
      const me = await browser(t, 'GET', '/api/v1/auth/session', { cookie: s.token });
      assert.equal(me.statusCode, 200);
      assert.deepEqual(me.json().user.rights, ['subject:read']);
      assert.ok(counter.binds() >= 2);
      // By user principal name too: the same Dossier user (found by its entry, not by the name typed).
      clock.advance(30_000);
      const byUpn = await login(t, `${u.uid}@corp.test`, PASSWORD);
      assert.equal(byUpn.statusCode, 200, byUpn.body);
      assert.equal(byUpn.json().enrolmentRequired, false);
    });

    it('LDAPS: a directory user signs in with the second factor', async () => {
      const u = await newUser([analysts]);
      await sync();
      const row = (await userRow(u.uid))!;
      const secret = await enrolTotp(row.id);
      useClient(new Directory(settingsFor(dirs.normal.ldapsUrl!, dirs.normal.caPem)));
      try {
        clock.advance(30_000);
        const s = await signInWithTotp(
          t,
          { id: row.id, username: u.uid, password: PASSWORD, totpSecret: secret },
          clock,
        );
        assert.equal((await browser(t, 'GET', '/api/v1/auth/session', { cookie: s.token })).statusCode, 200);
        assert.equal(counter.binds(), 1);
      } finally {
        useClient(new Directory(settingsFor(dirs.normal.url, dirs.normal.caPem)));
      }
    });

    it('a certificate from another CA: 503 directory_unavailable, no session, audited, the attempt not counted', async () => {
      const u = await newUser([analysts]);
      await sync();
      for (const url of [dirs.normal.url, dirs.normal.ldapsUrl!]) {
        useClient(new Directory(settingsFor(url, dirs.adEmulating.caPem)));
        // More than the free attempts per account and source: none of them counts.
        for (let i = 0; i < 6; i++) {
          const res = await login(t, u.uid, PASSWORD);
          assert.equal(res.statusCode, 503, res.body);
          assert.equal(res.json().reason, 'directory_unavailable');
          assert.equal(cookieOf(res), null);
        }
        assert.equal(counter.binds(), 0);
      }
      assert.ok((await auditOf(t, 'auth.directory_unavailable')).length >= 12);
      useClient(new Directory(settingsFor(dirs.normal.url, dirs.normal.caPem)));
      const ok = await login(t, u.uid, PASSWORD);
      assert.equal(ok.statusCode, 200, ok.body);
    });

    it('an empty password never binds, even on the directory that accepts it as an anonymous success', async () => {
      useClient(new Directory(settingsFor(dirs.adEmulating.url, dirs.adEmulating.caPem)));
      try {
        // alice exists in that directory; she is not mapped there, but nothing may even be bound.
        for (const password of [' ', '\t', '   ']) {
          const res = await login(t, 'alice', password);
          assert.equal(res.statusCode, 401, res.body);
          assert.equal(cookieOf(res), null);
        }
        assert.equal((await login(t, 'alice', '')).statusCode, 400);
        assert.equal(counter.binds(), 0);
        const failed = await auditOf(t, 'auth.sign_in_failed');
        assert.ok(
          failed.filter((a) => (a.payload as { reason: string }).reason === 'empty_password').length >= 3,
        );
      } finally {
        useClient(new Directory(settingsFor(dirs.normal.url, dirs.normal.caPem)));
      }
    });

    it('a group change is reflected after a sync; an administrator’s own assignment stays', async () => {
      const u = await newUser([analysts]);
      await sync();
      const row = (await userRow(u.uid))!;
      assert.deepEqual(await rolesOf(row.id), [`${analystRole}:directory`]);
      await setUserRoles(t.ctx, row.id, [analystRole, manualRole]);
      await removeMember(e.dir, analysts, u.dn);
      await addMember(e.dir, admins, u.dn);
      const run = await sync('changed');
      assert.equal(run.mode, 'changed');
      assert.deepEqual(await rolesOf(row.id), [`${adminRole}:directory`, `${manualRole}:manual`].sort());
      const updated = await auditOf(t, 'directory.user_updated');
      assert.ok(updated.some((a) => a.target_id === row.id));
    });

    it('a user disabled in the directory (userAccountControl 514) is signed out at the next sync', async () => {
      const u = await newUser([analysts]);
      await sync();
      const row = (await userRow(u.uid))!;
      const secret = await enrolTotp(row.id);
      clock.advance(30_000);
      const s = await signInWithTotp(
        t,
        { id: row.id, username: u.uid, password: PASSWORD, totpSecret: secret },
        clock,
      );
      assert.equal((await browser(t, 'GET', '/api/v1/auth/session', { cookie: s.token })).statusCode, 200);

      await setDisabled(e.dir, u.dn, true);
      await sync('changed');
      assert.equal((await browser(t, 'GET', '/api/v1/auth/session', { cookie: s.token })).statusCode, 401);
      const after = (await userRow(u.uid))!;
      assert.equal(after.status, 'disabled');
      assert.equal(after.directory_disabled, true);
      const disabled = (await auditOf(t, 'directory.user_disabled')).find((a) => a.target_id === row.id);
      assert.equal((disabled?.payload as { reason: string }).reason, 'disabled_in_directory');
      assert.ok(
        (await auditOf(t, 'session.ended')).some(
          (a) =>
            (a.payload as { userId: string; reason: string }).userId === row.id &&
            (a.payload as { reason: string }).reason === 'directory_disabled',
        ),
      );
      // Refused at sign-in too (the directory says so, the right password does not help).
      clock.advance(30_000);
      assert.equal((await login(t, u.uid, PASSWORD)).statusCode, 401);

      // Enabled again in the directory: enabled again here (Dossier disabled it, not an administrator).
      await setDisabled(e.dir, u.dn, false);
      await sync('changed');
      assert.equal((await userRow(u.uid))!.status, 'active');
    });

    it('a user removed from the directory is disabled at the next full sync', async () => {
      const u = await newUser([analysts]);
      await sync();
      const row = (await userRow(u.uid))!;
      assert.equal(row.status, 'active');
      await deleteEntry(e.dir, u.dn);
      const run = await sync('full');
      assert.ok(Number(run.disabled) >= 1);
      const after = (await userRow(u.uid))!;
      assert.equal(after.status, 'disabled');
      const disabled = (await auditOf(t, 'directory.user_disabled')).find((a) => a.target_id === row.id);
      assert.equal((disabled?.payload as { reason: string }).reason, 'removed_from_directory');
      assert.ok((await auditOf(t, 'directory.sync_completed')).length >= 1);
    });

    it('the cap stops binds below the domain threshold: the right password is then refused without a bind', async () => {
      // lockoutThreshold 5 → at most 3 failed binds per account and window.
      const u = await newUser([analysts]);
      await sync();
      const binds = counter.binds();
      for (let i = 0; i < 3; i++)
        assert.equal((await login(t, u.uid, `wrong-${i}-password`)).statusCode, 401);
      assert.equal(counter.binds(), binds + 3);
      for (const password of ['wrong-again-password', PASSWORD]) {
        const res = await login(t, u.uid, password);
        assert.equal(res.statusCode, 401);
        assert.equal(res.json().reason, 'sign_in_failed');
      }
      assert.equal(counter.binds(), binds + 3, 'no bind once the cap is reached');
      const failed = await auditOf(t, 'auth.sign_in_failed');
      assert.ok(
        failed.filter((a) => (a.payload as { reason: string }).reason === 'directory_cap').length >= 2,
      );
      // Parallel attempts cannot slip through either.
      const burst = await Promise.all(Array.from({ length: 5 }, () => login(t, u.uid, 'parallel-wrong-pw')));
      assert.ok(burst.every((r) => r.statusCode === 401));
      assert.equal(counter.binds(), binds + 3);
    });

    it('a directory user cannot have a local password reset or change it in Dossier', async () => {
      const u = await newUser([analysts]);
      await sync();
      const row = (await userRow(u.uid))!;
      const reset = await t.call('POST', `/api/v1/users/${row.id}/password-reset`);
      assert.equal(reset.statusCode, 409, reset.body);
      assert.equal(reset.json().reason, 'managed_by_directory');
      assert.match(reset.json().detail, /managed by the directory/);
      const view = await t.call('GET', `/api/v1/users/${row.id}`);
      assert.equal(view.json().source, 'directory');

      const secret = await enrolTotp(row.id);
      clock.advance(30_000);
      const s = await signInWithTotp(
        t,
        { id: row.id, username: u.uid, password: PASSWORD, totpSecret: secret },
        clock,
      );
      const change = await browser(t, 'POST', '/api/v1/auth/password', {
        cookie: s.token,
        csrf: s.csrf,
        body: { currentPassword: PASSWORD, newPassword: 'a-brand-new-local-password' },
      });
      assert.equal(change.statusCode, 409, change.body);
      assert.equal(change.json().reason, 'managed_by_directory');
      assert.equal((await userRow(u.uid))!.password_hash, null);
    });

    it('two first sign-ins at once create one user, and both go on to the second factor', async () => {
      const u = await newUser([analysts]);
      const both = await Promise.all([login(t, u.uid, PASSWORD), login(t, u.uid, PASSWORD)]);
      for (const r of both) assert.equal(r.statusCode, 200, r.body);
      const rows = await t.database.db
        .selectFrom('staff_users')
        .select('id')
        .where('username', '=', u.uid)
        .execute();
      assert.equal(rows.length, 1);
    });

    it('a user in no mapped group is refused at sign-in, and nobody is created', async () => {
      const u = await newUser([]);
      const res = await login(t, u.uid, PASSWORD);
      assert.equal(res.statusCode, 401);
      assert.equal(await userRow(u.uid), undefined);
      const failed = await auditOf(t, 'auth.sign_in_failed');
      assert.ok(failed.some((a) => (a.payload as { reason: string }).reason === 'directory_no_group'));
    });
  });
}
