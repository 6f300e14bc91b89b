/**
 * The Directory administration page and a directory user's sign-in in Chromium, against the real
 * servers over HTTPS and the real test directory (StartTLS): an administrator sees the settings,
 * maps the test's own group to a role, runs "Sync everything now" and sees the run's counts and the
 * run in the list; the staff users page shows the synced user's source and offers no password
 * reset; the directory user then signs in to the back office with the directory password and the
 * second factor. No CSP violation or script error; no serious or critical accessibility violation.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { confirmTotpEnrolment, startTotpEnrolment } from '../../src/modules/auth/factors/index.ts';
import { createDirectoryServices } from '../../src/modules/auth/directory/index.ts';
import { resolveDirectoryConfig } from '../../src/platform/ldap/directory.config.ts';
import { testConfig } from '../support/app.ts';
import { controlClock, createStaff, totpAt, type TestStaff } from '../support/auth.ts';
import {
  assertAccessible,
  browserSkip,
  screenshot,
  startWebStack,
  watchPage,
  type WebStack,
} from '../support/browser.ts';
import { backends } from '../support/db.ts';
import {
  addGroup,
  addUser,
  cleanup,
  directoryEnv,
  entries,
  unique,
  type TestEntries,
} from '../support/directory.ts';
import { directorySkip, testDirectories } from '../support/ldap.ts';

const skip = browserSkip() || directorySkip();
const PASSWORD = 'Directory-Passw0rd-long';

describe('the Directory page and a directory user in Chromium', { skip, timeout: 300_000 }, () => {
  let w: WebStack;
  let e: TestEntries;
  let clock: ReturnType<typeof controlClock>;
  const id = unique();
  const uid = `dz${id}web`;
  let group: string;

  before(async () => {
    w = await startWebStack(backends[0]!);
    clock = controlClock(w.t);
    // The stack is built without a directory: give its sign-in and routes one (as configuration would).
    const cfg = testConfig(directoryEnv(testDirectories!.normal));
    const services = createDirectoryServices(resolveDirectoryConfig(cfg.directory!));
    w.t.auth.directory = services;
    w.t.auth.signIn.directory = services;
    e = entries(testDirectories!.normal);
    const dn = await addUser(e, { uid, password: PASSWORD, name: 'Dana Directory' });
    group = await addGroup(e, `dz${id}-web`, [dn]);
  });
  after(async () => {
    await cleanup(e);
    await w?.close();
  });

  async function signIn(page: Page, staff: TestStaff): Promise<void> {
    await page.goto(`${w.backofficeUrl}/`);
    await page.getByLabel('Username').fill(staff.username);
    await page.getByLabel('Password').fill(staff.password);
    await page.getByRole('button', { name: 'Continue' }).click();
    const code = page.getByLabel('Code from your authenticator app');
    await code.waitFor();
    clock.advance(30_000);
    await code.fill(totpAt(staff.totpSecret!, clock.now()));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  }

  it('an administrator maps a group, syncs now and sees the result; the directory user then signs in', async () => {
    const admin = await createStaff(w.t, {
      totp: true,
      rights: ['user:manage', 'role:manage', 'programme:read'],
    });
    const ctx = await w.newContext();
    const page = await ctx.newPage();
    const watch = watchPage(page);
    await signIn(page, admin);

    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Directory (Active Directory)' })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Directory (Active Directory / LDAP)' }).waitFor();
    await page.getByText('no group is mapped', { exact: false }).waitFor();
    await page.getByText(/At most 3 failed directory passwords per account in 30 minutes/).waitFor();
    await assertAccessible(page, 'directory page, no mapping');

    const mappings = page.getByRole('region', { name: 'Group mappings' });
    await mappings.getByRole('textbox', { name: 'Group (distinguished name)' }).fill(group);
    await mappings.getByRole('combobox', { name: 'Role' }).selectOption({ label: 'Analyst' });
    await mappings.getByRole('button', { name: 'Add mapping' }).click();
    await page.getByRole('status').filter({ hasText: 'is mapped' }).waitFor();
    await mappings.getByRole('row', { name: new RegExp(`${group}.*Analyst`) }).waitFor();

    const sync = page.getByRole('region', { name: 'Sync now' });
    await sync.getByRole('button', { name: 'Sync everything now' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /Sync finished: 1 read, 1 added/ })
      .waitFor();
    await page
      .getByRole('region', { name: 'Recent syncs' })
      .getByRole('row', { name: /Full.*Administrator.*Succeeded/ })
      .waitFor();
    await assertAccessible(page, 'directory page after a sync');
    await screenshot(page, 'backoffice-admin-directory');

    // The staff users page: the synced user's source, and no password reset for them.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Staff users' }).click();
    await page.getByLabel('Name or username contains').fill(uid);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByRole('button', { name: `Manage ${uid}` }).click();
    await page.getByRole('heading', { name: `Dana Directory (${uid})` }).waitFor();
    await page.getByText('The directory (reset and change it there)').waitFor();
    assert.equal(
      await page.getByRole('button', { name: /E-mail a password reset link|Re-send activation/ }).count(),
      0,
    );
    assert.deepEqual(watch.problems, []);
    await ctx.close();

    // The directory user signs in with the directory password and an authenticator app.
    const row = await w.t.database.db
      .selectFrom('staff_users')
      .select(['id', 'source'])
      .where('username', '=', uid)
      .executeTakeFirstOrThrow();
    assert.equal(row.source, 'directory');
    const past = new Date(Date.now() - 60_000);
    const en = await startTotpEnrolment(w.t.database.db, w.t.ctx, { userId: row.id, now: past });
    assert.equal(
      await confirmTotpEnrolment(w.t.database.db, w.t.ctx, {
        userId: row.id,
        code: totpAt(en.secret, past),
        now: past,
      }),
      'ok',
    );
    const userCtx = await w.newContext();
    const userPage = await userCtx.newPage();
    const userWatch = watchPage(userPage);
    await signIn(userPage, { id: row.id, username: uid, password: PASSWORD, totpSecret: en.secret });
    await userPage.getByText('Dana Directory', { exact: false }).first().waitFor();
    assert.deepEqual(userWatch.problems, []);
    await userCtx.close();
  });
});
