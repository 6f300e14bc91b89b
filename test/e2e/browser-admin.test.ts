/**
 * The administration pages in a real browser (Chromium) against the real servers over HTTPS: an
 * administrator creates a role, a staff user holding it, an API key (its token shown once and gone
 * after a reload) and a trusted network behind a step-up prompt, finds those events in the audit
 * trail, verifies the chain and exports it; a separation-of-duties refusal is explained; a user
 * without administrative rights sees none of the administration and gets 403 from the API. Each
 * admin page: no CSP violation or script error, no serious or critical accessibility violation.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { Right } from '../../src/modules/access/rights.ts';
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

const skip = browserSkip();

const ADMIN_RIGHTS: Right[] = [
  'user:manage',
  'role:manage',
  'api-key:manage',
  'trusted-network:manage',
  'programme:members',
  'programme:read',
  'audit:read',
  'audit:export',
  'client:manage',
];

const ADMIN_NAV = [
  'Staff users',
  'Roles and rights',
  'Programme members',
  'Trusted networks',
  'API keys',
  'Audit trail',
  'Client organisations',
];

describe('administration in Chromium', { skip, timeout: 240_000 }, () => {
  let w: WebStack;
  let clock: ReturnType<typeof controlClock>;
  before(async () => {
    w = await startWebStack(backends[0]!);
    clock = controlClock(w.t);
  });
  after(async () => w?.close());

  /** Signs in through the sign-in page with password and authenticator code. */
  async function signIn(page: Page, staff: TestStaff): Promise<void> {
    await page.goto(`${w.backofficeUrl}/`);
    await page.getByLabel('Username').fill(staff.username);
    await page.getByLabel('Password').fill(staff.password);
    await page.getByRole('button', { name: 'Continue' }).click();
    const code = page.getByLabel('Code from your authenticator app');
    await code.waitFor();
    clock.advance(30_000); // a TOTP step not used before by this account
    await code.fill(totpAt(staff.totpSecret!, clock.now()));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  }

  async function open(page: Page, nav: string, heading: string): Promise<void> {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: nav }).click();
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  }

  /** Makes the session's second factor older than the step-up window. */
  async function ageSecondFactor(userId: string): Promise<void> {
    await w.t.database.db
      .updateTable('sessions')
      .set({ second_factor_at: new Date(Date.now() - w.t.auth.session.stepUpWindowMs - 1000) })
      .where('user_id', '=', userId)
      .execute();
  }

  it('an administrator manages roles, users, API keys, trusted networks and client invitations, and finds it all in the audit trail', async () => {
    const admin = await createStaff(w.t, { totp: true, rights: ADMIN_RIGHTS });
    const ctx = await w.newContext();
    const page = await ctx.newPage();
    const watch = watchPage(page);
    await signIn(page, admin);
    const nav = page.getByRole('navigation', { name: 'Main' });
    for (const name of ADMIN_NAV) await nav.getByRole('link', { name }).waitFor();

    // A role, composed from the catalogue's grouped checkboxes.
    await open(page, 'Roles and rights', 'Roles and rights');
    await page.getByRole('group', { name: 'Subjects' }).waitFor();
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Browser reviewers');
    await page
      .getByRole('textbox', { name: 'Description', exact: true })
      .fill('Reads files for the browser test');
    await page.getByRole('checkbox', { name: /^subject:read\b/ }).check();
    await page.getByRole('checkbox', { name: /^application:read\b/ }).check();
    await page.getByRole('button', { name: 'Create role' }).click();
    await page.getByRole('status').filter({ hasText: 'The role Browser reviewers was created.' }).waitFor();
    const row = page.getByRole('row', { name: /Browser reviewers/ });
    await row.getByText('application:read').waitFor();
    await assertAccessible(page, 'admin roles');
    await page.evaluate(() =>
      (globalThis as unknown as { scrollTo: (x: number, y: number) => void }).scrollTo(0, 0),
    );
    await screenshot(page, 'backoffice-admin-roles');

    // A refusal by separation of duties is explained, pair by pair.
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Too powerful');
    await page.getByRole('checkbox', { name: /^user:manage\b/ }).check();
    await page.getByRole('checkbox', { name: /^application:approve\b/ }).check();
    await page.getByRole('button', { name: 'Create role' }).click();
    const refusal = page.getByRole('alert').filter({ hasText: 'Refused by separation of duties' });
    await refusal.waitFor();
    assert.match(
      await refusal.innerText(),
      /This role would hold both .*user:manage.*application:approve|application:approve.*user:manage/,
    );
    assert.equal(await page.getByRole('row', { name: /Too powerful/ }).count(), 0);

    // A staff user holding the new role.
    await open(page, 'Staff users', 'Staff users');
    await page.getByRole('heading', { name: 'Create a staff user' }).waitFor();
    const creating = page.getByRole('region', { name: 'Create a staff user' });
    await creating.getByRole('textbox', { name: 'Username', exact: true }).fill('browser.reviewer');
    await creating.getByRole('textbox', { name: 'Full name', exact: true }).fill('Browser Reviewer');
    await creating
      .getByRole('textbox', { name: 'E-mail address', exact: true })
      .fill('browser.reviewer@firm.test');
    await creating.getByRole('button', { name: 'Create user' }).click();
    await page.getByRole('status').filter({ hasText: 'browser.reviewer was created' }).waitFor();
    assert.ok(
      w.t.mailOutbox.messages().some((m) => m.to.includes('browser.reviewer@firm.test')),
      'the activation e-mail went to the user',
    );
    await page.getByRole('heading', { name: 'Browser Reviewer (browser.reviewer)' }).waitFor();
    await page.getByRole('checkbox', { name: 'Browser reviewers' }).check();
    await page.getByRole('button', { name: 'Save roles' }).click();
    await page.getByRole('status').filter({ hasText: 'The roles of browser.reviewer were saved.' }).waitFor();
    await assertAccessible(page, 'admin users');
    const reviewer = await w.t.database.db
      .selectFrom('staff_users')
      .select('id')
      .where('username', '=', 'browser.reviewer')
      .executeTakeFirstOrThrow();
    const held = await w.t.database.db
      .selectFrom('staff_user_roles as ur')
      .innerJoin('roles as r', 'r.id', 'ur.role_id')
      .select('r.name')
      .where('ur.user_id', '=', reviewer.id)
      .execute();
    assert.deepEqual(
      held.map((h) => h.name),
      ['Browser reviewers'],
    );

    // An API key: its token is shown once, works, and is gone after a reload.
    await open(page, 'API keys', 'API keys');
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Browser key');
    await page.getByRole('checkbox', { name: /^audit:read\b/ }).check();
    assert.ok(
      await page.getByRole('checkbox', { name: /^application:approve\b/ }).isDisabled(),
      'a right the administrator does not hold cannot be given',
    );
    await page.getByRole('button', { name: 'Create key' }).click();
    await page.getByText('Copy this key now: it is shown only once.').waitFor();
    const token = await page.getByRole('textbox', { name: 'API key', exact: true }).inputValue();
    assert.match(token, /^dsk_/);
    await page.getByRole('button', { name: 'Copy to clipboard' }).waitFor();
    await assertAccessible(page, 'admin API keys with a new token');
    const asKey = await w.t.call('GET', '/api/v1/audit-events?limit=1', { token });
    assert.equal(asKey.statusCode, 200);
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'API keys' }).waitFor();
    await page.getByRole('row', { name: /Browser key/ }).waitFor();
    assert.equal(await page.getByText('Copy this key now').count(), 0);
    assert.equal(await page.getByRole('textbox', { name: 'API key', exact: true }).count(), 0);
    assert.ok(!(await page.content()).includes(token), 'the token is nowhere on the page after a reload');

    // A trusted network, after a step-up: the session's second factor is too old.
    await open(page, 'Trusted networks', 'Trusted networks');
    await assertAccessible(page, 'admin trusted networks');
    await ageSecondFactor(admin.id);
    await page.getByLabel('Range (CIDR)').fill('192.0.2.77/24');
    await page.getByRole('textbox', { name: 'Label', exact: true }).fill('Browser office');
    await page.getByRole('button', { name: 'Add range' }).click();
    const dialog = page.getByRole('dialog', { name: 'Confirm it is you' });
    await dialog.waitFor();
    assert.equal(
      await w.t.database.db
        .selectFrom('trusted_networks')
        .select('id')
        .where('label', '=', 'Browser office')
        .executeTakeFirst(),
      undefined,
      'nothing is changed before the second factor',
    );
    clock.advance(30_000);
    await dialog.getByLabel('Code from your authenticator app').fill(totpAt(admin.totpSecret!, clock.now()));
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('status').filter({ hasText: 'The range 192.0.2.0/24 is now trusted.' }).waitFor();
    await page.getByRole('row', { name: /192\.0\.2\.0\/24/ }).waitFor();

    // The audit trail finds each of those events.
    await open(page, 'Audit trail', 'Audit trail');
    await page.getByRole('heading', { name: 'Events' }).waitFor();
    await assertAccessible(page, 'admin audit trail');
    for (const type of [
      'role.created',
      'staff_user.created',
      'staff_user.roles_changed',
      'api_key.created',
      'auth.stepped_up',
      'trusted_network.added',
    ]) {
      await page.getByLabel('Event type').fill(type);
      await page.getByRole('button', { name: 'Search', exact: true }).click();
      await page.waitForURL(new RegExp(`type=${type.replace('.', '\\.')}`));
      const rows = page.getByRole('table').getByRole('row').filter({ hasText: type });
      await rows.first().waitFor();
      assert.equal(
        await page.getByRole('table').getByRole('row').filter({ hasNotText: type }).count(),
        1,
        `only ${type} events (and the header row)`,
      );
    }
    // The search by actor and time range: the administrator's own events of the last hour.
    await page.getByLabel('Event type').fill('trusted_network.added');
    await page.getByLabel('Actor').fill(`staff:${admin.id}`);
    const hourAgo = new Date(Date.now() - 3_600_000);
    const local = (d: Date) =>
      new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    await page.getByLabel('From').fill(local(hourAgo));
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForURL(/from=/);
    await page
      .getByRole('table')
      .getByRole('row')
      .filter({ hasText: 'trusted_network.added' })
      .first()
      .waitFor();
    await page.getByLabel('From').fill(local(new Date(Date.now() + 3_600_000)));
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByText('No event matches.').waitFor();

    await page.getByRole('button', { name: 'Verify the chain' }).click();
    await page.getByRole('status').filter({ hasText: 'The chain is intact' }).waitFor();

    // Export (audited): the API's export document, saved as a file.
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByLabel('Event type').fill('role.created');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForURL(/type=role\.created/);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export these events' }).click(),
    ]);
    assert.match(download.suggestedFilename(), /^dossier-audit-.*\.json$/);
    const doc = JSON.parse(await readFile((await download.path())!, 'utf8'));
    assert.equal(doc.format, 'dossier.audit-export.v1');
    assert.deepEqual(doc.filters, { type: 'role.created' });
    assert.ok(doc.events.some((e: { payload: { name: string } }) => e.payload.name === 'Browser reviewers'));
    await page
      .getByRole('status')
      .filter({ hasText: /Exported \d+ events?/ })
      .waitFor();
    const exported = await w.t.database.db
      .selectFrom('audit_events')
      .select(['actor', 'payload'])
      .where('type', '=', 'audit.exported')
      .execute();
    assert.equal(exported.length, 1);
    assert.equal(exported[0]!.actor, `staff:${admin.id}`);

    // The remaining admin pages render accessibly.
    await open(page, 'Programme members', 'Programme members');
    await assertAccessible(page, 'admin programme members');
    await open(page, 'Client organisations', 'Client organisations');
    await page.getByLabel("New organisation's name").fill('Browser Clients Ltd');
    await page.getByRole('button', { name: 'Create organisation' }).click();
    const org = page.getByRole('region', { name: 'Browser Clients Ltd' });
    await org.getByRole('textbox', { name: 'Username', exact: true }).fill('browser.client');
    await org.getByRole('textbox', { name: 'Full name', exact: true }).fill('Browser Client');
    await org
      .getByRole('textbox', { name: 'E-mail address', exact: true })
      .fill('browser.client@clients.test');
    await org.getByRole('textbox', { name: 'Mobile number', exact: true }).fill('+447700900123');
    await org.getByRole('button', { name: 'Add user' }).click();
    await org.getByRole('row', { name: /browser\.client/ }).waitFor();
    await org.getByRole('button', { name: 'Invite browser.client' }).click();
    await org.getByRole('checkbox', { name: /Also tell them by SMS/ }).check();
    await org.getByRole('button', { name: 'Send invitation' }).click();
    await org
      .getByRole('status')
      .filter({ hasText: 'The invitation was e-mailed to browser.client (with an SMS notice)' })
      .waitFor();
    assert.ok(w.t.mailOutbox.messages().some((m) => m.to.includes('browser.client@clients.test')));
    await assertAccessible(page, 'admin client organisations');

    assert.deepEqual(watch.problems, []);
    await ctx.close();
  });

  it('a user without administrative rights sees no administration and gets 403 from the API', async () => {
    const analyst = await createStaff(w.t, { totp: true, rights: ['application:read', 'subject:read'] });
    const ctx = await w.newContext();
    const page = await ctx.newPage();
    const watch = watchPage(page);
    await signIn(page, analyst);
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Dashboard' }).waitFor();
    for (const name of ADMIN_NAV) assert.equal(await nav.getByRole('link', { name }).count(), 0, name);
    await page.goto(`${w.backofficeUrl}/admin/roles`);
    await page.getByText('This page does not exist.').waitFor();
    assert.equal(await page.getByRole('heading', { name: 'Roles and rights' }).count(), 0);

    const statuses = await page.evaluate(async () => {
      const f = (globalThis as unknown as { fetch: typeof fetch }).fetch;
      const out: Record<string, number> = {};
      for (const path of [
        '/api/v1/users',
        '/api/v1/roles',
        '/api/v1/separation-of-duties',
        '/api/v1/trusted-networks',
        '/api/v1/api-keys',
        '/api/v1/audit-events',
        '/api/v1/audit-verification',
        '/api/v1/client-organisations',
      ])
        out[path] = (await f(path, { credentials: 'same-origin' })).status;
      return out;
    });
    for (const [path, status] of Object.entries(statuses)) assert.equal(status, 403, path);
    assert.ok(
      (
        await w.t.database.db
          .selectFrom('audit_events')
          .select('id')
          .where('type', '=', 'access.denied')
          .where('actor', '=', `staff:${analyst.id}`)
          .execute()
      ).length >= 8,
      'each refusal is audited',
    );
    assert.deepEqual(
      watch.problems.filter((p) => !/status of 403/.test(p)),
      [],
    );
    await ctx.close();
  });
});
