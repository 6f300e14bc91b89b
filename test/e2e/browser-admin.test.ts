/**
 * The administration pages in a real browser (Chromium) against the real servers over HTTPS: an
 * administrator creates a role, a staff user holding it, an API key (its token shown once and gone
 * after a reload) and a trusted network behind a step-up prompt, finds those events in the audit
 * trail, verifies the chain and exports it; a separation-of-duties refusal is explained; a user
 * without administrative rights sees none of the administration and gets 403 from the API. Then the
 * changes whose effect is felt elsewhere: a staff user's details edited (and a stale edit refused),
 * their authenticator removed and their sessions ended (their session then gets 401); programme
 * members added and removed; an API key revoked (it then gets 401); a trusted range removed; an
 * invitation naming an application chosen from the organisation's own; a client user disabled
 * (their portal session then gets 401); the audit trail showing who did what by name; and finally
 * everyone's sessions ended but the administrator's. Each admin page: no CSP violation or script
 * error, no serious or critical accessibility violation.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { Right } from '../../src/modules/access/rights.ts';
import {
  browser,
  controlClock,
  createStaff,
  signInWithTotp,
  totpAt,
  type TestStaff,
} from '../support/auth.ts';
import {
  assertAccessible,
  browserSkip,
  screenshot,
  startWebStack,
  watchPage,
  type WebStack,
  eventually,
} from '../support/browser.ts';
import { backends } from '../support/db.ts';
import { makeProgramme } from '../support/factories-applications.ts';

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

describe('administration in Chromium', { skip, timeout: 480_000 }, () => {
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
    // The list reloads after the confirmation: the row goes (or the wait fails).
    await page.getByRole('row', { name: /Too powerful/ }).waitFor({ state: 'detached' });

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
      await eventually(
        () => page.getByRole('table').getByRole('row').filter({ hasNotText: type }).count(),
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
    // The form follows the address: wait until it has been emptied before filling it again.
    await page.waitForURL((u) => !u.search.includes('type='));
    await eventually(() => page.getByLabel('Event type').inputValue(), '');
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

  /** The staff user's display name as stored. */
  const displayNameOf = async (id: string) =>
    (
      await w.t.database.db
        .selectFrom('staff_users')
        .select('display_name')
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
    ).display_name;

  /** Makes `userIds` the members of a programme (through the API, as the test administrator). */
  async function setMembers(programmeId: string, userIds: string[]): Promise<void> {
    const r = await w.staffCall('PUT', `/api/v1/programmes/${programmeId}/members`, { userIds });
    assert.equal(r.statusCode, 200, r.body);
  }

  /** The focused element as `role: start of its name` (its role attribute or tag). */
  const focused = (page: Page) =>
    page.evaluate(() => {
      const el = (
        globalThis as unknown as {
          document: {
            activeElement: {
              tagName: string;
              textContent: string | null;
              getAttribute: (n: string) => string | null;
            } | null;
          };
        }
      ).document.activeElement;
      if (!el) return 'nothing';
      const role = el.getAttribute('role') ?? el.tagName.toLowerCase();
      const name = el.getAttribute('aria-label') ?? el.textContent ?? '';
      return `${role}: ${role === 'group' ? name.split(',')[0] : name.trim()}`;
    });

  /** The status of a staff session's request for its own session (200 live, 401 ended). */
  const staffSessionStatus = async (token: string) =>
    (await browser(w.t, 'GET', '/api/v1/auth/session', { cookie: token })).statusCode;

  it("an administrator edits a staff user's details, removes their authenticator and ends their sessions, and the audit trail names who did it", async () => {
    const admin = await createStaff(w.t, { totp: true, rights: ADMIN_RIGHTS });
    const target = await createStaff(w.t, { totp: true, mobile: '+447700900111' });
    const targetSession = await signInWithTotp(w.t, target, clock);
    assert.equal(await staffSessionStatus(targetSession.token), 200);
    const ctx = await w.newContext();
    const page = await ctx.newPage();
    const watch = watchPage(page);
    await signIn(page, admin);

    await open(page, 'Staff users', 'Staff users');
    await page.getByLabel('Name or username contains').fill(target.username);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByRole('button', { name: `Manage ${target.username}` }).click();
    const before = await displayNameOf(target.id);
    await page.getByRole('heading', { name: `${before} (${target.username})` }).waitFor();

    // Name, e-mail and a new mobile number, in one save.
    const details = page.getByRole('group', { name: `Details of ${target.username}` });
    await details.getByRole('textbox', { name: 'Full name', exact: true }).fill('Renamed Person');
    await details
      .getByRole('textbox', { name: 'E-mail address', exact: true })
      .fill('renamed.person@firm.test');
    await details.getByRole('textbox', { name: 'New mobile number', exact: true }).fill('+44 7700 900222');
    w.t.mailOutbox.clear();
    await details.getByRole('button', { name: 'Save details' }).click();
    await details
      .getByRole('status')
      .filter({ hasText: `The details of ${target.username} were saved.` })
      .waitFor();
    await page.getByRole('heading', { name: `Renamed Person (${target.username})` }).waitFor();
    await page.getByText('••••0222').first().waitFor();
    const row = await w.t.database.db
      .selectFrom('staff_users')
      .select(['display_name', 'email', 'mobile_last4', 'version'])
      .where('id', '=', target.id)
      .executeTakeFirstOrThrow();
    assert.deepEqual(
      [row.display_name, row.email, row.mobile_last4],
      ['Renamed Person', 'renamed.person@firm.test', '0222'],
    );
    assert.ok(
      w.t.mailOutbox
        .messages()
        .some((m) => m.to === 'renamed.person@firm.test' && /mobile number was changed/.test(m.subject)),
      'the user is told of the new mobile number',
    );
    await assertAccessible(page, 'admin user details');
    await screenshot(page, 'backoffice-admin-user-details');

    // Someone else changes the user meanwhile: the stale edit is refused and the latest is shown.
    const elsewhere = await w.staffCall('PATCH', `/api/v1/users/${target.id}`, {
      version: row.version,
      displayName: 'Changed Elsewhere',
    });
    assert.equal(elsewhere.statusCode, 200, elsewhere.body);
    await details.getByRole('textbox', { name: 'E-mail address', exact: true }).fill('stale.edit@firm.test');
    await details.getByRole('button', { name: 'Save details' }).click();
    await details
      .getByRole('alert')
      .filter({ hasText: 'Someone else changed this user in the meantime' })
      .waitFor();
    await page.getByRole('heading', { name: `Changed Elsewhere (${target.username})` }).waitFor();
    assert.equal(
      await details.getByRole('textbox', { name: 'Full name', exact: true }).inputValue(),
      'Changed Elsewhere',
    );
    assert.equal(
      (
        await w.t.database.db
          .selectFrom('staff_users')
          .select('email')
          .where('id', '=', target.id)
          .executeTakeFirstOrThrow()
      ).email,
      'renamed.person@firm.test',
      'the stale edit changed nothing',
    );

    // The authenticator app (lost phone): removed after confirming; the user is told.
    const authenticator = page.getByRole('region', { name: 'Authenticator app' });
    await authenticator.getByText('An authenticator app is set up').waitFor();
    await authenticator.getByRole('button', { name: 'Remove their authenticator app' }).click();
    await authenticator
      .getByRole('group', { name: /Remove the authenticator app of/ })
      .getByRole('button', { name: 'Yes, remove it' })
      .click();
    await authenticator
      .getByRole('status')
      .filter({ hasText: `The authenticator app of ${target.username} was removed.` })
      .waitFor();
    await authenticator.getByText('No authenticator app.').waitFor();
    assert.equal(
      (
        await w.t.database.db
          .selectFrom('auth_totp_factors')
          .select('id')
          .where('user_id', '=', target.id)
          .execute()
      ).length,
      0,
    );
    assert.ok(
      w.t.mailOutbox.messages().some((m) => /authenticator app was removed/.test(m.subject)),
      'the user is told their authenticator was removed',
    );

    // Their sessions end: the session they had gets 401.
    await page.getByRole('button', { name: 'End their sessions' }).click();
    await page.getByRole('button', { name: 'Yes, end them' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /^1 session ended\.$/ })
      .waitFor();
    assert.equal(await staffSessionStatus(targetSession.token), 401);

    // The audit trail names the actor and the target as they are called today.
    const adminName = await displayNameOf(admin.id);
    await open(page, 'Audit trail', 'Audit trail');
    await page.getByLabel('Event type').fill('staff_user.mobile_changed');
    await page.getByLabel('Target ID').fill(target.id);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForURL(/type=staff_user\.mobile_changed/);
    const event = page.getByRole('table').getByRole('row').filter({ hasText: 'staff_user.mobile_changed' });
    await event.getByRole('link', { name: adminName, exact: true }).waitFor();
    await event.getByText('Changed Elsewhere').waitFor();
    await event.getByText(`staff:${admin.id}`).waitFor();
    await assertAccessible(page, 'admin audit trail with names');
    await screenshot(page, 'backoffice-admin-audit-names');
    // The name links to that actor's events.
    await event.getByRole('link', { name: adminName, exact: true }).click();
    await page.waitForURL(new RegExp(`actor=staff%3A${admin.id}`));
    await eventually(() => page.getByLabel('Actor').inputValue(), `staff:${admin.id}`);
    const stored = await w.t.database.db
      .selectFrom('audit_events')
      .select(['actor', 'payload'])
      .where('target_id', '=', target.id)
      .execute();
    assert.ok(!JSON.stringify(stored).includes('Changed Elsewhere'), 'names are never stored in events');

    assert.deepEqual(watch.problems, []);
    await ctx.close();
  });

  it('an administrator adds and removes a programme member, revokes an API key (it then gets 401) and removes a trusted range', async () => {
    const admin = await createStaff(w.t, { totp: true, rights: ADMIN_RIGHTS });
    const member = await createStaff(w.t, {});
    const memberName = await displayNameOf(member.id);
    const programme = await makeProgramme(w.t.ctx);
    await setMembers(programme.id, [admin.id]);
    const key = await w.staffCall('POST', '/api/v1/api-keys', {
      name: 'Key to revoke',
      rights: ['audit:read'],
    });
    assert.equal(key.statusCode, 201, key.body);
    const token = key.json().token as string;
    assert.equal((await w.t.call('GET', '/api/v1/audit-events?limit=1', { token })).statusCode, 200);
    const range = await w.staffCall('POST', '/api/v1/trusted-networks', {
      cidr: '198.51.100.0/24',
      label: 'Range to remove',
    });
    assert.equal(range.statusCode, 201, range.body);

    const ctx = await w.newContext();
    const page = await ctx.newPage();
    const watch = watchPage(page);
    await signIn(page, admin);

    // Programme membership: add a member, then remove them.
    await open(page, 'Programme members', 'Programme members');
    await page.getByLabel('Programme', { exact: true }).selectOption({ label: programme.name });
    const members = page.getByRole('region', { name: `Members of ${programme.name}` });
    await members.getByRole('row', { name: new RegExp(admin.username) }).waitFor();
    await members
      .getByLabel('Staff user to add')
      .selectOption({ label: `${memberName} (${member.username})` });
    await members.getByRole('button', { name: 'Add member' }).click();
    await members
      .getByRole('status')
      .filter({ hasText: `${member.username} was added to ${programme.name}.` })
      .waitFor();
    await members.getByRole('row', { name: new RegExp(member.username) }).waitFor();
    const memberIds = async () =>
      (
        await w.t.database.db
          .selectFrom('programme_members')
          .select('user_id')
          .where('programme_id', '=', programme.id)
          .execute()
      )
        .map((m) => m.user_id)
        .sort();
    assert.deepEqual(await memberIds(), [admin.id, member.id].sort());
    await assertAccessible(page, 'admin programme members with members');
    await members.getByRole('button', { name: `Remove ${member.username}` }).click();
    await members.getByRole('button', { name: 'Yes, remove' }).click();
    await members
      .getByRole('status')
      .filter({ hasText: `${member.username} was removed from ${programme.name}.` })
      .waitFor();
    // The list reloads after the confirmation: the row goes (or the wait fails).
    await members.getByRole('row', { name: new RegExp(member.username) }).waitFor({ state: 'detached' });
    assert.deepEqual(await memberIds(), [admin.id]);

    // An API key revoked: the key is refused at once.
    await open(page, 'API keys', 'API keys');
    await page.getByRole('button', { name: 'Revoke Key to revoke' }).click();
    await page.getByRole('button', { name: 'Yes, revoke' }).click();
    await page.getByRole('status').filter({ hasText: 'The key Key to revoke was revoked.' }).waitFor();
    assert.equal((await w.t.call('GET', '/api/v1/audit-events?limit=1', { token })).statusCode, 401);

    // A trusted range removed.
    await open(page, 'Trusted networks', 'Trusted networks');
    await page.getByRole('button', { name: 'Remove 198.51.100.0/24' }).click();
    await page.getByRole('button', { name: 'Yes, remove' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: 'The range 198.51.100.0/24 is no longer trusted.' })
      .waitFor();
    // The list reloads after the confirmation: the row goes (or the wait fails).
    await page.getByRole('row', { name: /198\.51\.100\.0\/24/ }).waitFor({ state: 'detached' });
    assert.equal(
      await w.t.database.db
        .selectFrom('trusted_networks')
        .select('id')
        .where('label', '=', 'Range to remove')
        .executeTakeFirst(),
      undefined,
    );

    assert.deepEqual(watch.problems, []);
    await ctx.close();
  });

  it("an invitation names one of the organisation's applications from a list; a disabled client user's portal session gets 401", async () => {
    const admin = await createStaff(w.t, { totp: true, rights: [...ADMIN_RIGHTS, 'application:read'] });
    const client = await w.newClient('Browser Portal Org');
    const username = (await w.portalCall('GET', '/api/v1/me', { as: client })).json().username as string;
    const applicationId = await w.applicationFor(client.organisationId);
    const application = (await w.staffCall('GET', `/api/v1/applications/${applicationId}`)).json() as {
      reference: string;
      programme: { id: string };
    };
    const elsewhere = await w.applicationFor(await w.createOrganisation('Another Portal Org'));
    const other = (await w.staffCall('GET', `/api/v1/applications/${elsewhere}`)).json() as {
      reference: string;
      programme: { id: string };
    };
    await setMembers(application.programme.id, [admin.id]);
    await setMembers(other.programme.id, [admin.id]);

    const ctx = await w.newContext();
    const page = await ctx.newPage();
    const watch = watchPage(page);
    await signIn(page, admin);
    await open(page, 'Client organisations', 'Client organisations');
    await page.getByRole('button', { name: 'Open Browser Portal Org' }).click();
    const org = page.getByRole('region', { name: 'Browser Portal Org' });
    await org.getByRole('button', { name: `Invite ${username}` }).click();
    const choice = org.getByLabel('Application to complete');
    await choice.waitFor();
    const options = await choice.locator('option').allInnerTexts();
    assert.equal(options.length, 2, options.join(' | '));
    assert.ok(options[1]!.startsWith(application.reference), options[1]);
    assert.ok(!options.some((o) => o.includes(other.reference)), "another organisation's is not offered");
    await choice.selectOption(applicationId);
    await assertAccessible(page, 'admin invitation form');
    await screenshot(page, 'backoffice-admin-invitation');
    w.t.mailOutbox.clear();
    await org.getByRole('button', { name: 'Send invitation' }).click();
    await org
      .getByRole('status')
      .filter({ hasText: `The invitation was e-mailed to ${username}` })
      .waitFor();
    const mail = w.t.mailOutbox.messages().find((m) => m.to === client.email);
    assert.ok(mail?.text.includes(`complete application ${application.reference}`), mail?.text);

    // Disabling the client user ends their portal session at once.
    assert.equal((await w.portalCall('GET', '/api/v1/me', { as: client })).statusCode, 200);
    await org.getByRole('button', { name: `Disable ${username}` }).click();
    await org
      .getByRole('group', { name: `Disable ${username}? Their portal sessions end at once.` })
      .getByRole('button', { name: 'Yes, disable' })
      .click();
    await org
      .getByRole('status')
      .filter({ hasText: `${username} is disabled.` })
      .waitFor();
    assert.equal((await w.portalCall('GET', '/api/v1/me', { as: client })).statusCode, 401);

    assert.deepEqual(watch.problems, []);
    await ctx.close();
  });

  // Last: it signs out every other session of the stack.
  it("ending everyone's sessions asks first, then signs out staff and clients but not the administrator", async () => {
    const admin = await createStaff(w.t, { totp: true, rights: ADMIN_RIGHTS });
    const colleague = await createStaff(w.t, { totp: true });
    const colleagueSession = await signInWithTotp(w.t, colleague, clock);
    const client = await w.newClient('Everyone Out Ltd');
    const ctx = await w.newContext();
    const page = await ctx.newPage();
    const watch = watchPage(page);
    await signIn(page, admin);
    await open(page, 'Staff users', 'Staff users');
    const section = page.getByRole('region', { name: "End everyone's sessions" });
    await section.getByRole('button', { name: "End everyone's sessions" }).click();
    const question = section.getByRole('group', {
      name: /Sign out everyone, staff and clients, except you\?/,
    });
    await question.waitFor();
    assert.equal(await focused(page), 'group: Sign out everyone', 'focus moves to the question');
    // Cancelling changes nothing, and gives the focus back to the action.
    await question.getByRole('button', { name: 'Cancel' }).click();
    assert.equal(await focused(page), "button: End everyone's sessions");
    assert.equal(await staffSessionStatus(colleagueSession.token), 200);
    // By keyboard this time: Enter asks, Tab reaches the confirmation, Enter confirms.
    await page.keyboard.press('Enter');
    await question.waitFor();
    await assertAccessible(page, "admin end everyone's sessions");
    await page.keyboard.press('Tab');
    assert.equal(await focused(page), 'button: Yes, sign everyone out');
    await page.keyboard.press('Enter');
    await section
      .getByRole('status')
      .filter({ hasText: /^\d+ sessions? ended\. Everyone else must sign in again\.$/ })
      .waitFor();
    assert.equal(await staffSessionStatus(colleagueSession.token), 401);
    assert.equal((await w.portalCall('GET', '/api/v1/me', { as: client })).statusCode, 401);
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Staff users' }).waitFor();
    const ended = await w.t.database.db
      .selectFrom('audit_events')
      .select('payload')
      .where('type', '=', 'session.ended')
      .where('actor', '=', `staff:${admin.id}`)
      .execute();
    assert.ok(ended.some((e) => (e.payload as { userId: string }).userId === colleague.id));
    assert.ok(ended.some((e) => (e.payload as { userId: string }).userId === client.userId));
    assert.deepEqual(watch.problems, []);
    await ctx.close();
  });
});
