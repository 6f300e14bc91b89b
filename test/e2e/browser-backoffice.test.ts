/**
 * The back office in Chromium against the real server over HTTPS: sign-in with an authenticator
 * code and the first sign-in that enrols one; the sessions page signing out another session; the
 * step-up prompt in front of a sensitive action; the dashboard; the application list and detail
 * with a four-eyes approval (the preparer cannot confirm: the API refuses and the page says why;
 * a second user confirms); notes shared with the client. Every page: no CSP violation or script
 * error, no serious or critical accessibility violation.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import {
  setProgrammeMembers,
  defaultStatusMachine,
  type ProgrammeView,
} from '../../src/modules/programmes/index.ts';
import type { Right } from '../../src/modules/access/rights.ts';
import { SESSION_COOKIE } from '../../src/servers/internal/session-cookie.ts';
import {
  auditOf,
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
} from '../support/browser.ts';
import { backends } from '../support/db.ts';
import { makeApplication, makeProgramme } from '../support/factories-applications.ts';
import { createPerson } from '../support/factories-subjects.ts';

const skip = browserSkip();

const CASE_WORKER: Right[] = ['application:read', 'application:write', 'application:transition'];
const APPROVER: Right[] = [...CASE_WORKER, 'application:approve', 'screening:run', 'subject:read'];

describe('the back office in Chromium', { skip, timeout: 240_000 }, () => {
  let w: WebStack;
  let clock: ReturnType<typeof controlClock>;
  let programme: ProgrammeView;
  let preparer: TestStaff;
  let approver: TestStaff;

  before(async () => {
    w = await startWebStack(backends[0]!);
    clock = controlClock(w.t);
    programme = await makeProgramme(w.t.ctx, {
      name: 'Private banking',
      statuses: defaultStatusMachine().statuses,
      transitions: [
        { from: 'draft', to: 'in_review' },
        { from: 'in_review', to: 'draft' },
        { from: 'in_review', to: 'approved', fourEyes: true },
        { from: 'in_review', to: 'rejected', right: 'application:approve' },
      ],
    });
    preparer = await createStaff(w.t, { totp: true, rights: CASE_WORKER });
    approver = await createStaff(w.t, { totp: true, rights: APPROVER });
    await setProgrammeMembers(w.t.ctx, programme.id, [preparer.id, approver.id]);
  });
  after(async () => w?.close());

  /** Signs in through the sign-in page with password and a fresh authenticator code. */
  async function signIn(page: Page, staff: TestStaff) {
    await page.goto(`${w.backofficeUrl}/`);
    await page.getByLabel('Username').fill(staff.username);
    await page.getByLabel('Password').fill(staff.password);
    await page.getByRole('button', { name: 'Continue' }).click();
    const code = page.getByLabel('Code from your authenticator app');
    await code.waitFor();
    clock.advance(30_000); // authenticator codes are single use: each sign-in takes the next one
    await code.fill(totpAt(staff.totpSecret!, clock.now()));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
  }

  it('a first sign-in without a second factor enrols an authenticator app and shows the recovery codes', async () => {
    const fresh = await createStaff(w.t, { rights: ['application:read'] });
    const ctx = await w.newContext();
    const page = await ctx.newPage();
    const watch = watchPage(page);
    await page.goto(`${w.backofficeUrl}/`);
    await page.getByLabel('Username').fill(fresh.username);
    await page.getByLabel('Password').fill(fresh.password);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Set up your authenticator app' }).waitFor();
    await page.getByRole('img', { name: /QR code/ }).waitFor();
    await assertAccessible(page, 'authenticator enrolment');
    const secret = (await page.locator('code.signin-secret').innerText()).trim();
    assert.match(secret, /^[A-Z2-7]+=*$/);
    // A wrong code is refused with the API's message and the enrolment stays open.
    await page.getByLabel('Code from your authenticator app').fill('000000');
    await page.getByRole('button', { name: 'Confirm and sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'not accepted' }).waitFor();
    await page.getByLabel('Code from your authenticator app').fill(totpAt(secret, clock.now()));
    await page.getByRole('button', { name: 'Confirm and sign in' }).click();
    await page.getByRole('heading', { name: 'Before you go on' }).waitFor();
    const codes = await page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem').count();
    assert.ok(codes >= 8, `${codes} recovery codes shown`);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
    const confirmed = await w.t.database.db
      .selectFrom('auth_totp_factors')
      .select('confirmed_at')
      .where('user_id', '=', fresh.id)
      .executeTakeFirst();
    assert.ok(confirmed?.confirmed_at, 'the authenticator is enrolled');
    assert.deepEqual(watch.problems, []);
    await ctx.close();
  });

  it('signs in with an authenticator code; the sessions page signs out another session', async () => {
    const ctx = await w.newContext();
    const page = await ctx.newPage();
    const watch = watchPage(page);
    await signIn(page, preparer);
    // Another session of the same user, elsewhere.
    const other = await signInWithTotp(w.t, preparer, clock);
    const alive = (token: string) =>
      browser(w.t, 'GET', '/api/v1/auth/session', { cookie: token }).then((r) => r.statusCode);
    assert.equal(await alive(other.token), 200);

    await page.getByRole('link', { name: 'Sessions and security' }).click();
    await page.getByRole('heading', { name: 'Sessions and security', level: 1 }).waitFor();
    const rows = page.getByRole('table').getByRole('row');
    await page.getByText('(this session)').waitFor();
    assert.equal(await rows.count(), 3, 'a header row and two sessions');
    await assertAccessible(page, 'sessions');
    await page.getByRole('button', { name: /^Sign out the session started/ }).click();
    await page.getByRole('status').filter({ hasText: 'That session is signed out.' }).waitFor();
    await page.waitForFunction(
      () =>
        (
          globalThis as unknown as { document: { querySelectorAll: (s: string) => { length: number } } }
        ).document.querySelectorAll('tbody tr').length === 1,
    );
    assert.equal(await alive(other.token), 401, 'the other session has ended');
    const mine = (await ctx.cookies()).find((c) => c.name === SESSION_COOKIE)!;
    assert.equal(await alive(mine.value), 200, 'this session goes on');
    assert.deepEqual(watch.problems, []);
    await ctx.close();
  });

  it('a sensitive action prompts for the second factor and succeeds after the code', async () => {
    const ctx = await w.newContext();
    const page = await ctx.newPage();
    const watch = watchPage(page);
    await signIn(page, approver);
    // The session's last second factor is an hour old: past the step-up window.
    const cookie = (await ctx.cookies()).find((c) => c.name === SESSION_COOKIE)!;
    const session = await browser(w.t, 'GET', '/api/v1/auth/session', { cookie: cookie.value });
    const sessionId = (session.json() as { session: { id: string } }).session.id;
    await w.t.database.db
      .updateTable('sessions')
      .set({ second_factor_at: new Date(Date.now() - 3600_000) })
      .where('id', '=', sessionId)
      .execute();

    await page.goto(`${w.backofficeUrl}/account/sessions`);
    await page.getByRole('heading', { name: 'Sessions and security', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Make new recovery codes' }).click();
    const dialog = page.getByRole('dialog', { name: 'Confirm it is you' });
    await dialog.waitFor();
    await dialog.getByLabel('Code from your authenticator app').waitFor();
    await assertAccessible(page, 'step-up prompt');
    // A wrong code: refused, the prompt stays.
    await dialog.getByLabel('Code from your authenticator app').fill('000000');
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await dialog.getByRole('alert').filter({ hasText: 'not accepted' }).waitFor();
    clock.advance(30_000);
    await dialog
      .getByLabel('Code from your authenticator app')
      .fill(totpAt(approver.totpSecret!, clock.now()));
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('status').filter({ hasText: 'New recovery codes made' }).waitFor();
    assert.ok(
      (await page.getByRole('list', { name: 'New recovery codes' }).getByRole('listitem').count()) >= 8,
    );
    const steppedUp = await auditOf(w.t, 'auth.stepped_up');
    assert.ok(steppedUp.some((e) => e.target_id === approver.id));
    // The session goes on with its new token and CSRF token: another change works without a prompt.
    await page.getByRole('button', { name: 'Make new recovery codes' }).click();
    await page.getByRole('status').filter({ hasText: 'New recovery codes made' }).waitFor();
    assert.equal(await page.getByRole('dialog').count(), 0);
    assert.deepEqual(watch.problems, []);
    await ctx.close();
  });

  it('four-eyes: the preparer cannot approve alone (the API refuses, the page says why); a second user approves', async () => {
    const application = await makeApplication(w.t.ctx, { programmeId: programme.id });
    const moved = await w.t.call('POST', `/api/v1/applications/${application.id}/transitions`, {
      body: { to: 'in_review' },
    });
    assert.equal(moved.statusCode, 200, moved.body);
    const detailUrl = `/applications/${application.id}`;

    // The preparer opens it from the list and prepares the approval.
    const ctx1 = await w.newContext();
    const page1 = await ctx1.newPage();
    const watch1 = watchPage(page1);
    await signIn(page1, preparer);
    await page1.getByRole('navigation').getByRole('link', { name: 'Applications' }).click();
    await page1.getByRole('heading', { name: 'Applications', level: 1 }).waitFor();
    await page1.getByLabel('Status').selectOption('in_review');
    await page1.waitForURL(/status=in_review/);
    const link = page1.getByRole('link', { name: application.reference });
    await link.waitFor();
    await assertAccessible(page1, 'application list');
    await link.click();
    await page1.getByRole('heading', { name: `Application ${application.reference}` }).waitFor();
    await page1.getByRole('button', { name: 'Approved (needs a second person)' }).waitFor();
    // Rejecting needs application:approve, which the preparer lacks: not offered, and said why.
    assert.equal(await page1.getByRole('button', { name: /Rejected/ }).count(), 0);
    await page1.getByText('Rejected: Your role does not have the right this move requires.').waitFor();
    await page1.getByLabel('Reason for the move (optional)').fill('Documents complete');
    await page1.getByRole('button', { name: 'Approved (needs a second person)' }).click();
    await page1.getByRole('status').filter({ hasText: 'awaits confirmation by a second person' }).waitFor();
    await page1.getByText('You prepared this decision, so you cannot confirm or reject it').waitFor();
    assert.equal(await page1.getByRole('button', { name: /^Confirm/ }).count(), 0);

    // The preparer tries to confirm anyway, straight at the API from the page: refused.
    const refusal = await page1.evaluate(async (url: string) => {
      const f = (globalThis as unknown as { fetch: typeof fetch }).fetch;
      const s = (await (await f('/api/v1/auth/session')).json()) as { session: { csrfToken: string } };
      const app = (await (await f(url)).json()) as { pendingDecision: { id: string } };
      const res = await f(`${url}/decisions/${app.pendingDecision.id}/confirm`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': s.session.csrfToken },
        body: '{}',
      });
      return { status: res.status, body: (await res.json()) as { reason?: string } };
    }, `/api/v1${detailUrl}`);
    assert.equal(refusal.status, 403);
    assert.equal(refusal.body.reason, 'same_person');

    // A note, shared with the client, then kept internal again.
    await page1
      .getByRole('textbox', { name: 'Note', exact: true })
      .fill('Source of funds confirmed by the bank statement.');
    await page1.getByLabel('Show this note to the client on the portal').check();
    await page1.getByRole('button', { name: 'Add note' }).click();
    await page1.getByRole('status').filter({ hasText: 'Note added.' }).waitFor();
    await page1.getByText('Shared with the client', { exact: true }).waitFor();
    await page1.getByRole('button', { name: 'Stop sharing' }).click();
    await page1.getByRole('status').filter({ hasText: 'no longer shown to the client' }).waitFor();
    await page1.getByText('Internal', { exact: true }).waitFor();
    await page1.getByRole('button', { name: 'Share with the client' }).click();
    await page1.getByRole('status').filter({ hasText: 'now shown to the client' }).waitFor();
    await assertAccessible(page1, 'application detail (preparer)');
    assert.deepEqual(watch1.problems, []);
    await ctx1.close();

    // A few more files, so that the dashboard has something to chart.
    for (const [to, risk] of [
      [null, null],
      [null, null],
      ['in_review', 'low'],
      ['in_review', 'medium'],
      ['rejected', 'high'],
    ] as const) {
      const a = await makeApplication(w.t.ctx, { programmeId: programme.id });
      const url = `/api/v1/applications/${a.id}`;
      if (risk) await w.t.call('PATCH', `${url}/risk`, { body: { riskLevel: risk, reason: 'assessed' } });
      if (to) await w.t.call('POST', `${url}/transitions`, { body: { to: 'in_review' } });
      if (to === 'rejected') await w.t.call('POST', `${url}/transitions`, { body: { to } });
    }

    // The second user: the dashboard shows the decision waiting, then the approval.
    const ctx2 = await w.newContext();
    const page2 = await ctx2.newPage();
    const watch2 = watchPage(page2);
    await signIn(page2, approver);
    await page2.getByRole('figure', { name: 'Applications by status' }).waitFor();
    const waiting = page2.getByRole('listitem').filter({ hasText: 'Decisions awaiting a second person' });
    assert.match(await waiting.innerText(), /^1\b/);
    await assertAccessible(page2, 'dashboard');
    await screenshot(page2, 'backoffice-dashboard');
    await page2
      .getByRole('figure', { name: 'Applications by status' })
      .getByRole('link', { name: 'In review' })
      .click();
    await page2.waitForURL(/\/applications\?status=in_review/);
    await page2.getByRole('link', { name: application.reference }).click();
    await page2.getByRole('heading', { name: `Application ${application.reference}` }).waitFor();
    const confirm = page2.getByRole('button', { name: 'Confirm: Approved' });
    await confirm.waitFor();
    await page2.getByText('Source of funds confirmed by the bank statement.').waitFor();
    // Who prepared the decision and wrote the note, by name (not "another staff user").
    const preparerName = (
      await w.t.database.db
        .selectFrom('staff_users')
        .select('display_name')
        .where('id', '=', preparer.id)
        .executeTakeFirstOrThrow()
    ).display_name;
    await page2.getByText(`Prepared by ${preparerName} on `).waitFor();
    await page2
      .locator('.apps-note-meta')
      .filter({ hasText: `${preparerName}, ` })
      .waitFor();
    await assertAccessible(page2, 'application detail (approver)');
    await screenshot(page2, 'backoffice-application');
    await page2.getByLabel('Reason for your decision (optional)').fill('Checked the file');
    await confirm.click();
    await page2
      .getByRole('status')
      .filter({ hasText: 'Decision confirmed: the application is now Approved.' })
      .waitFor();
    await page2.getByRole('cell', { name: 'Confirmed' }).waitFor();
    const historyRow = page2.getByRole('row').filter({ hasText: 'Confirmed' });
    assert.match(await historyRow.innerText(), new RegExp(`${preparerName},[^]*You,`));

    // The dashboard's risk links filter on the server: the request carries the filter, and only
    // the open medium-risk file comes back.
    const listed = page2.waitForRequest(
      (r) => /\/api\/v1\/applications\?/.test(r.url()) && /riskLevel=medium/.test(r.url()),
    );
    await page2.goto(`${w.backofficeUrl}/applications?risk=medium&open=1`);
    assert.match((await listed).url(), /open=true/);
    await page2.getByRole('status').filter({ hasText: '1 application shown.' }).waitFor();
    assert.equal(await page2.getByRole('table').getByRole('row').count(), 2, 'a header row and one file');
    const row = await w.t.database.db
      .selectFrom('applications')
      .select('status')
      .where('id', '=', application.id)
      .executeTakeFirstOrThrow();
    assert.equal(row.status, 'approved');
    const decision = await w.t.database.db
      .selectFrom('application_decisions')
      .select(['prepared_by', 'decided_by', 'status'])
      .where('application_id', '=', application.id)
      .executeTakeFirstOrThrow();
    assert.deepEqual(decision, {
      prepared_by: `staff:${preparer.id}`,
      decided_by: `staff:${approver.id}`,
      status: 'confirmed',
    });
    assert.deepEqual(watch2.problems, []);
    await ctx2.close();
  });

  it('a sign-in from a trusted network skips the second factor and the page says so', async () => {
    const added = await w.t.call('POST', '/api/v1/trusted-networks', {
      body: { cidr: '127.0.0.1/32', label: 'Test loopback' },
    });
    assert.equal(added.statusCode, 201, added.body);
    // The skip is off unless the operator turns it on (DOSSIER_TRUSTED_NETWORK_SKIP); on here.
    w.t.auth.signIn.trustedNetworkSkip = true;
    try {
      const skipper = await createStaff(w.t, {
        totp: true,
        rights: ['application:read'],
        trustedNetworkSkip: true,
      });
      const ctx = await w.newContext();
      const page = await ctx.newPage();
      const watch = watchPage(page);
      await page.goto(`${w.backofficeUrl}/`);
      await page.getByLabel('Username').fill(skipper.username);
      await page.getByLabel('Password').fill(skipper.password);
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
      await page
        .getByRole('status')
        .filter({ hasText: 'Signed in from a trusted network without a second factor' })
        .waitFor();
      await page.getByRole('link', { name: 'Sessions and security' }).click();
      await page.getByRole('cell', { name: 'Skipped (trusted network)' }).waitFor();
      assert.deepEqual(watch.problems, []);
      await ctx.close();
    } finally {
      w.t.auth.signIn.trustedNetworkSkip = false;
      const id = (added.json() as { id: string }).id;
      await w.t.call('DELETE', `/api/v1/trusted-networks/${id}`);
    }
  });

  it('at 1280×800 no back-office page scrolls sideways, long content included', async () => {
    // Separation of duties keeps case work and administration apart: one user of each.
    const analyst = await createStaff(w.t, {
      totp: true,
      rights: ['application:read', 'application:write', 'subject:read', 'screening:run', 'document:view'],
    });
    const admin = await createStaff(w.t, {
      totp: true,
      rights: [
        'user:manage',
        'role:manage',
        'api-key:manage',
        'trusted-network:manage',
        'programme:members',
        'programme:read',
        'audit:read',
        'client:manage',
      ],
    });
    await setProgrammeMembers(w.t.ctx, programme.id, [preparer.id, approver.id, analyst.id]);
    // Content that tends to push a page wider than the window: long unbroken words and names.
    const longWord = `https://documents.example.test/${'statement-2024-'.repeat(12)}final.pdf`;
    const person = await createPerson(w.t.ctx, {
      programmeId: programme.id,
      givenNames: 'Maximiliana-Konstantina-Bartholomea',
      familyName: 'Wolfeschlegelsteinhausenbergerdorff-Featherstonehaugh',
    });
    const application = await makeApplication(w.t.ctx, {
      programmeId: programme.id,
      applicantId: person.id,
    });
    const url = `/api/v1/applications/${application.id}`;
    await w.t.call('POST', `${url}/notes`, { body: { body: `See ${longWord} for the source of funds.` } });
    await w.t.call('POST', `${url}/transitions`, { body: { to: 'in_review' } });
    await w.t.call('POST', `${url}/transitions`, { body: { to: 'approved', reason: longWord } });

    const visits: [TestStaff, [string, string][]][] = [
      [
        analyst,
        [
          ['/', 'Dashboard'],
          ['/applications', 'Applications'],
          [`/applications/${application.id}`, `Application ${application.reference}`],
          ['/subjects', 'Subjects'],
          [`/subjects/${person.id}`, ''],
          ['/alerts', ''],
          ['/account/sessions', 'Sessions and security'],
        ],
      ],
      [
        admin,
        [
          ['/', 'Dashboard'],
          ['/admin/users', ''],
          ['/admin/roles', ''],
          ['/admin/programme-members', ''],
          ['/admin/trusted-networks', ''],
          ['/admin/api-keys', ''],
          ['/admin/audit', ''],
          ['/admin/clients', ''],
        ],
      ],
    ];
    const wide: string[] = [];
    for (const [staff, pages] of visits) {
      const ctx = await w.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await ctx.newPage();
      const watch = watchPage(page);
      await signIn(page, staff);
      for (const [path, heading] of pages) {
        await page.goto(`${w.backofficeUrl}${path}`);
        await page.getByRole('heading', { level: 1, ...(heading ? { name: heading } : {}) }).waitFor();
        await page.waitForLoadState('networkidle');
        await page.getByText('Loading…', { exact: true }).waitFor({ state: 'detached' });
        const m = await page.evaluate(() => {
          type El = {
            tagName: string;
            className: unknown;
            parentElement: El | null;
            scrollWidth: number;
            clientWidth: number;
            getBoundingClientRect(): { right: number };
            contains(o: El): boolean;
          };
          const g = globalThis as unknown as {
            document: {
              documentElement: { scrollWidth: number; clientWidth: number };
              querySelectorAll(s: string): El[];
            };
            getComputedStyle(e: El): { overflowX: string };
          };
          const { scrollWidth, clientWidth } = g.document.documentElement;
          // What sticks out of the window, or whose text does (a long unbroken word), outside any
          // scrolling box; the innermost such elements say what to fix.
          const out = (e: El) =>
            e.getBoundingClientRect().right > clientWidth + 1 ||
            (e.scrollWidth > e.clientWidth + 1 && g.getComputedStyle(e).overflowX === 'visible');
          const contained = (e: El) => {
            for (let p = e.parentElement; p; p = p.parentElement)
              if (g.getComputedStyle(p).overflowX !== 'visible') return true;
            return false;
          };
          const wide = [...g.document.querySelectorAll('body *')].filter((e) => out(e) && !contained(e));
          const culprits = wide
            .filter((e) => !wide.some((o) => o !== e && e.contains(o)))
            .slice(0, 5)
            .map((e) => `${e.tagName.toLowerCase()}.${String(e.className)}`);
          return { scrollWidth, clientWidth, culprits };
        });
        if (m.scrollWidth > m.clientWidth)
          wide.push(`${path}: ${m.scrollWidth} > ${m.clientWidth} (${m.culprits.join(', ')})`);
      }
      assert.deepEqual(watch.problems, []);
      await ctx.close();
    }
    assert.deepEqual(wide, [], 'pages wider than a 1280 px window');
  });
});
