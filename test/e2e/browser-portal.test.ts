/**
 * The client portal in a real browser (Chromium) against the real servers over HTTPS and the real
 * mTLS link: a client opens the invitation link from their e-mail, passes the SMS code and sets a
 * password (a weak one is refused at the field first), lands on the application the invitation is
 * about and sees what is missing; completes a questionnaire (an error shown at the field inside a
 * repeating group, a draft saved explicitly and on leaving the page, then submitted); uploads a
 * requested document with a progress bar (scanned by the real clamd); answers a request's details
 * (its due date shown); confirms a meeting; adds a related party and writes to the case officer.
 * Every page: no CSP violation or script error, no serious or critical accessibility violation; the
 * main pages also at 375 px without sideways scrolling. Screenshots for the README.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { requireClamd, testClamdSettings } from '../../src/platform/clamav/test-clamd.ts';
import { PORTAL_COOKIE } from '../../src/servers/portal/client-routes.ts';
import { controlClock, totpAt } from '../support/auth.ts';
import {
  assertAccessible,
  browserSkip,
  screenshot,
  startWebStack,
  watchPage,
  type WebStack,
} from '../support/browser.ts';
import { backends } from '../support/db.ts';
import { samplePdf } from '../support/documents.ts';

const skip =
  browserSkip() || (testClamdSettings() || requireClamd() ? false : 'no clamd (set DOSSIER_TEST_CLAMD)');

const PASSWORD = 'copper kettle sings at dawn 47';
const HOME = { type: 'residential', lines: ['1 Old Street'], city: 'London', country: 'GB' };

const definition = {
  key: 'company-questionnaire',
  title: 'Company questionnaire',
  fields: [
    { key: 'company_name', kind: 'text', label: 'Company name', required: true, maxLength: 200 },
    { key: 'employees', kind: 'number', label: 'Employees', required: true, integer: true, min: 0 },
    { key: 'regulated', kind: 'boolean', label: 'Is the company regulated?', required: true },
    {
      key: 'regulator',
      kind: 'text',
      label: 'Which regulator?',
      required: true,
      showIf: { field: 'regulated', equals: true },
    },
    {
      key: 'sector',
      kind: 'choice',
      label: 'Sector',
      required: false,
      options: [
        { value: 'finance', label: 'Finance' },
        { value: 'retail', label: 'Retail' },
      ],
    },
    {
      key: 'directors',
      kind: 'group',
      label: 'List all directors',
      required: true,
      repeat: { min: 1, max: 10 },
      fields: [
        { key: 'name', kind: 'text', label: 'Full name', required: true },
        { key: 'date_of_birth', kind: 'date', label: 'Date of birth', required: true, relative: 'past' },
        { key: 'nationality', kind: 'country', label: 'Nationality', required: false },
      ],
    },
  ],
};

/**
 * What went wrong on a page. The browser logs every 4xx answer as a console error; these tests
 * provoke 400 refusals on purpose (a weak password, answers and details with errors), so those are
 * expected here; anything else (CSP violations, script errors, other failures) is not.
 */
const unexpected = (w: { problems: string[] }) =>
  w.problems.filter((p) => !/status of 400 \(Bad Request\)/.test(p));

/** How far the page scrolls sideways (0 when it fits). */
const sideways = (page: Page) =>
  page.evaluate(() => {
    const d = (
      globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }
    ).document;
    return d.documentElement.scrollWidth - d.documentElement.clientWidth;
  });

describe('the client portal in Chromium', { skip, timeout: 300_000 }, () => {
  let w: WebStack;
  let ctx: BrowserContext;
  let page: Page;
  let watch: { problems: string[] };
  let appId: string;
  let reference: string;
  let assignmentId: string;
  let requestDue: Date;
  let userId: string;
  let email: string;
  let orgId: string;

  before(async () => {
    w = await startWebStack(backends[0]!);
    orgId = await w.createOrganisation('Acme Holdings');
    email = 'ada.owner@acme.test';
    userId = await w.createClientUser(orgId, { username: 'ada.owner', email, role: 'owner' });
    appId = await w.applicationFor(orgId);
    const app = (await w.staffCall('GET', `/api/v1/applications/${appId}`)).json();
    reference = app.reference;

    // A director the firm asks about: a passport and up-to-date contact details, due in 10 days.
    const created = await w.staffCall('POST', '/api/v1/subjects', {
      kind: 'person',
      givenNames: 'Ada',
      familyName: 'Lovelace',
      dateOfBirth: '1985-12-10',
      addresses: [HOME],
      ignoreDuplicates: true,
    });
    assert.equal(created.statusCode, 201, created.body);
    const subjectId = created.json().subject.id as string;
    const added = await w.staffCall('POST', `/api/v1/applications/${appId}/subjects`, {
      subjectId,
      role: 'director',
    });
    assert.ok(added.statusCode < 300, added.body);
    requestDue = new Date(Date.now() + 10 * 86_400_000);
    const request = await w.staffCall('POST', `/api/v1/applications/${appId}/client-requests`, {
      title: 'Periodic review 2027',
      message: 'Please send a current passport and confirm the contact details.',
      dueAt: requestDue.toISOString(),
      items: [
        { kind: 'document', subjectId, documentType: 'passport' },
        { kind: 'fields', subjectId, fields: ['addresses', 'contact'] },
      ],
    });
    assert.equal(request.statusCode, 201, request.body);

    // A published questionnaire given to the application.
    const form = await w.staffCall('POST', `/api/v1/programmes/${app.programme.id}/forms`, {
      key: definition.key,
      title: definition.title,
      definition,
    });
    assert.equal(form.statusCode, 201, form.body);
    assert.equal((await w.staffCall('POST', `/api/v1/forms/${form.json().id}/publish`)).statusCode, 200);
    const assigned = await w.staffCall('POST', `/api/v1/applications/${appId}/forms`, {
      formId: form.json().id,
      subjectId: app.subjects[0].id,
      dueAt: '2030-06-30T00:00:00.000Z',
    });
    assert.equal(assigned.statusCode, 201, assigned.body);
    assignmentId = assigned.json().id;

    ctx = await w.newContext();
    page = await ctx.newPage();
    watch = watchPage(page);
  });
  after(async () => {
    await ctx?.close();
    await w?.close();
  });

  it('a client opens the invitation link, passes the SMS code, sets a password and lands on the application', async () => {
    const sent = await w.staffCall('POST', `/api/v1/client-users/${userId}/invitations`, {
      applicationId: appId,
    });
    assert.equal(sent.statusCode, 201, sent.body);
    const mail = [...w.t.mailOutbox.messages()].reverse().find((m) => m.to === email)!;
    const link = /(https?:\/\/\S+)?\/invitation#token=([A-Za-z0-9_-]+)/.exec(mail.text);
    assert.ok(link, 'the e-mail carries the invitation link');
    await page.goto(`${w.portalUrl}/invitation#token=${link[2]}`);
    await page.getByRole('heading', { name: 'Welcome to the client portal' }).waitFor();
    await page.getByRole('button', { name: /Send me a code by SMS/ }).waitFor();
    assert.equal(new URL(page.url()).hash, '', 'the token is taken out of the address bar');
    await assertAccessible(page, 'invitation');
    await page.getByRole('button', { name: /Send me a code by SMS/ }).click();
    await page.getByRole('status').filter({ hasText: 'A code was sent' }).waitFor();
    const code = w.t.smsOutbox
      .messages()
      .at(-1)!
      .body.match(/(\d{6})/)![1]!;
    await page.getByLabel('Code from the SMS').fill(code);
    // A password the policy refuses: the reason is shown at the password field.
    await page.getByLabel('Choose a password').fill('short');
    await page.getByLabel('Repeat the password').fill('short');
    await page.getByRole('button', { name: 'Set my password and sign in' }).click();
    const passwordField = page.getByLabel('Choose a password');
    await page.getByText(/Use at least \d+ characters/).waitFor();
    assert.equal(await passwordField.getAttribute('aria-invalid'), 'true');
    await assertAccessible(page, 'invitation with a refused password');
    await passwordField.fill(PASSWORD);
    await page.getByLabel('Repeat the password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Set my password and sign in' }).click();
    // Signed in, on the application the invitation is about.
    await page.getByRole('heading', { name: `Application ${reference}` }).waitFor();
    assert.equal(new URL(page.url()).pathname, `/applications/${appId}`);
    const cookie = (await ctx.cookies()).find((c) => c.name === '__Host-dossier_portal')!;
    assert.ok(cookie.httpOnly && cookie.secure && cookie.sameSite === 'Strict');
    assert.deepEqual(unexpected(watch), []);
  });

  it('the application shows what is missing: the questionnaire and the requested items with due dates', async () => {
    const missing = page
      .locator('section')
      .filter({ has: page.getByRole('heading', { name: 'What is missing' }) });
    await missing.getByText('3 things are still needed.').waitFor();
    await missing.getByRole('link', { name: 'Complete the questionnaire “Company questionnaire”' }).waitFor();
    await missing.getByRole('link', { name: /^Passport of Ada Lovelace/ }).waitFor();
    await missing.getByRole('link', { name: /^Addresses, Contact details of Ada Lovelace/ }).waitFor();
    await assertAccessible(page, 'application overview');
    await screenshot(page, 'portal-task-list');
    // The task list across applications shows the same.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tasks' }).click();
    await page.getByRole('heading', { name: 'Your tasks' }).waitFor();
    await page.getByRole('link', { name: 'Company questionnaire' }).waitFor();
    await page.getByRole('link', { name: /Passport of Ada Lovelace/ }).waitFor();
    await assertAccessible(page, 'tasks');
    assert.deepEqual(unexpected(watch), []);
  });

  it('a questionnaire: an error shown at the field inside a group, a draft saved, then submitted', async () => {
    await page.goto(`${w.portalUrl}/applications/${appId}`);
    await page.getByRole('link', { name: 'Complete the questionnaire “Company questionnaire”' }).click();
    await page.getByRole('heading', { name: 'Company questionnaire' }).waitFor();
    await page.getByLabel('Company name').fill('Acme Holdings');
    await page.getByLabel('Employees').fill('42');
    // The conditional question appears only when the company is regulated.
    assert.equal(await page.getByLabel('Which regulator?').count(), 0);
    await page.getByRole('radio', { name: 'Yes' }).check();
    await page.getByLabel('Which regulator?').fill('FCA');
    await page.getByRole('radio', { name: 'Finance' }).check();
    await page.getByRole('button', { name: 'Add an entry to “List all directors”' }).click();
    await page.getByLabel('Full name').fill('Ada Lovelace');
    const dob = page.getByLabel('Date of birth');
    await dob.fill('2999-01-01');
    await page.getByLabel('Nationality').selectOption('GB');
    await page.getByRole('button', { name: 'Save draft' }).click();
    // The server's error for /answers/directors/0/date_of_birth, at that field.
    await page.getByRole('alert').filter({ hasText: '1 answer needs your attention' }).waitFor();
    assert.equal(await dob.getAttribute('aria-invalid'), 'true');
    const described = (await dob.getAttribute('aria-describedby'))!.split(' ')[0]!;
    assert.match(await page.locator(`[id="${described}"]`).innerText(), /Must be in the past/);
    const draftRow = () =>
      w.t.database.db
        .selectFrom('form_drafts')
        .select('saved_at')
        .where('assignment_id', '=', assignmentId)
        .executeTakeFirst();
    assert.equal(await draftRow(), undefined, 'nothing is stored while an answer is invalid');
    await dob.scrollIntoViewIfNeeded();
    await assertAccessible(page, 'questionnaire with a field error');
    await screenshot(page, 'portal-questionnaire');

    await dob.fill('1815-12-10');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.getByRole('status').filter({ hasText: 'Draft saved at' }).waitFor();
    assert.equal(await dob.getAttribute('aria-invalid'), null);
    const first = (await draftRow())!.saved_at;

    // A change, then leaving the page: the draft is saved on the way out.
    await page.getByLabel('Employees').fill('43');
    await page.getByRole('link', { name: 'Back to the application' }).click();
    await page.getByRole('heading', { name: `Application ${reference}` }).waitFor();
    for (let i = 0; i < 50 && (await draftRow())!.saved_at.getTime() === first.getTime(); i++)
      await sleep(100);
    assert.ok((await draftRow())!.saved_at.getTime() > first.getTime(), 'the draft was saved on leaving');
    await page.getByRole('link', { name: 'Company questionnaire', exact: true }).click();
    await page.getByRole('heading', { name: 'Company questionnaire' }).waitFor();
    assert.equal(await page.getByLabel('Employees').inputValue(), '43');
    assert.equal(await page.getByLabel('Date of birth').inputValue(), '1815-12-10');

    await page.getByRole('button', { name: 'Submit answers' }).click();
    await page.getByRole('status').filter({ hasText: 'your answers were submitted' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Submit answers' }).count(), 0);
    const staff = await w.staffCall('GET', `/api/v1/applications/${appId}/forms`);
    const mine = staff.json().items.find((i: { id: string }) => i.id === assignmentId);
    assert.equal(mine.status, 'submitted');
    assert.deepEqual(unexpected(watch), []);
  });

  it('a requested document is uploaded with a progress bar and completes its item', async () => {
    await page.goto(`${w.portalUrl}/applications/${appId}`);
    const request = page.getByRole('article', { name: 'Periodic review 2027' });
    await request.waitFor();
    const file = request.getByLabel('File: Passport of Ada Lovelace');
    await file.setInputFiles({ name: 'Pässport scan.pdf', mimeType: 'application/pdf', buffer: samplePdf() });
    await request.getByRole('button', { name: 'Upload' }).click();
    await request
      .getByRole('status')
      .filter({ hasText: 'Received Pässport scan.pdf' })
      .waitFor({ timeout: 30_000 });
    const bar = request.getByRole('progressbar', { name: 'Uploading Pässport scan.pdf' });
    assert.equal(await bar.getAttribute('aria-valuenow'), '100');
    await request.getByText(/1 of 2 done/).waitFor();
    const docs = await w.staffCall('GET', `/api/v1/applications/${appId}/documents`);
    assert.ok(docs.json().items.length >= 1, 'staff see the uploaded document');
    await assertAccessible(page, 'request after an upload');
    await page.getByRole('link', { name: 'Documents', exact: true }).click();
    await page.getByRole('cell', { name: /Pässport scan\.pdf/ }).waitFor();
    await page.getByText('Waiting for review').waitFor();
    await assertAccessible(page, 'documents');
    assert.deepEqual(unexpected(watch), []);
  });

  it('a request shows its due date; its details are answered, with an error shown at the field first', async () => {
    await page.goto(`${w.portalUrl}/applications/${appId}`);
    const request = page.getByRole('article', { name: 'Periodic review 2027' });
    const datePart = new Intl.DateTimeFormat('en-GB', {
      dateStyle: 'medium',
      timeZone: 'Europe/London',
    }).format(requestDue);
    assert.ok(
      (await request.innerText()).replace(/\s+/g, ' ').includes(`Due ${datePart}`),
      `the request shows "Due ${datePart}"`,
    );
    await request.getByRole('button', { name: 'Answer' }).click();
    // The values on file to start from.
    assert.equal(await request.getByLabel('Town or city').inputValue(), 'London');
    await request.getByLabel('Town or city').fill('Leeds');
    await request.getByLabel(/^Postcode/).fill('LS1 4AB');
    await request.getByLabel(/^E-mail addresses/).fill('not an e-mail');
    await request.getByLabel(/^Phone numbers/).fill('+44 20 7946 0000');
    await request.getByRole('button', { name: 'Send these details' }).click();
    const emails = request.getByLabel(/^E-mail addresses/);
    await request.locator('.field-error').first().waitFor();
    assert.equal(await emails.getAttribute('aria-invalid'), 'true');
    await emails.fill('ada@acme.test');
    await request.getByRole('button', { name: 'Send these details' }).click();
    await request.getByText(/2 of 2 done|Completed/).waitFor();
    const staff = await w.staffCall('GET', `/api/v1/client-requests?applicationId=${appId}`);
    assert.equal(staff.statusCode, 200, staff.body);
    assert.equal(staff.json().items[0].status, 'completed');
    await assertAccessible(page, 'request answered');
    assert.deepEqual(unexpected(watch), []);
  });

  it('a meeting is confirmed', async () => {
    const startsAt = new Date(Date.now() + 48 * 3_600_000).toISOString();
    const scheduled = await w.staffCall('POST', `/api/v1/applications/${appId}/meetings`, {
      mode: 'video',
      videoUrl: 'https://meet.example.test/r/7f3a',
      startsAt,
      durationMinutes: 45,
      agenda: 'Periodic review: ownership and source of funds',
      participants: { staffUserIds: [], clientUserIds: [userId] },
    });
    assert.equal(scheduled.statusCode, 201, scheduled.body);
    await page.goto(`${w.portalUrl}/applications/${appId}`);
    const meeting = page.getByRole('article', { name: /^Video meeting/ });
    await meeting.getByText('Periodic review: ownership and source of funds').waitFor();
    await meeting.getByLabel(/^Comment for your case officer/).fill('I will join from the office.');
    await meeting.getByRole('button', { name: 'Confirm attendance' }).click();
    await meeting.getByText('You confirmed that you will attend.').waitFor();
    const staff = await w.staffCall('GET', `/api/v1/meetings/${scheduled.json().id}`);
    const me = staff.json().participants.find((p: { userId: string }) => p.userId === userId);
    assert.equal(me.response, 'confirmed');
    assert.equal(me.comment, 'I will join from the office.');
    await assertAccessible(page, 'meeting confirmed');
    assert.deepEqual(unexpected(watch), []);
  });

  it('related parties: a director is added; a message is sent to the case officer', async () => {
    await page.getByRole('link', { name: 'Related parties' }).click();
    await page.getByRole('heading', { name: `Related parties of application ${reference}` }).waitFor();
    await page.getByRole('button', { name: 'Add a related party' }).click();
    await page.getByLabel('Given names').fill('Grace');
    await page.getByLabel('Family name').fill('Hopper');
    await page.getByLabel('Date of birth').fill('1906-12-09');
    await page.getByRole('checkbox', { name: 'Director' }).check();
    await page.getByRole('button', { name: 'Add the party' }).click();
    await page.getByRole('status').filter({ hasText: 'was added' }).waitFor();
    await page.getByRole('heading', { name: 'Grace Hopper' }).waitFor();
    await assertAccessible(page, 'related parties');

    await page.getByRole('link', { name: 'Messages' }).click();
    await page.getByLabel('Your message').fill('The passport was uploaded today.');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('status').filter({ hasText: 'Your message was sent.' }).waitFor();
    await page.getByText('The passport was uploaded today.').waitFor();
    await assertAccessible(page, 'messages');
    assert.deepEqual(unexpected(watch), []);
  });

  it('the account page adds an authenticator app after a step-up with an SMS code', async () => {
    controlClock(w.t).advance(61_000); // past the cooldown of the invitation's SMS code
    // The sign-in's second factor is older than the step-up window (as after a while on the portal).
    await w.t.database.db
      .updateTable('sessions')
      .set({ second_factor_at: new Date(Date.now() - 3_600_000) })
      .where('user_id', '=', userId)
      .where('ended_at', 'is', null)
      .execute();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Your account' }).click();
    await page.getByRole('heading', { name: 'Your account' }).waitFor();
    await assertAccessible(page, 'account');
    await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
    // A factor change needs a fresh second factor: the server asks, the page asks the client.
    await page.getByRole('heading', { name: 'Confirm it is you' }).waitFor();
    await page.getByRole('button', { name: 'Send me a code by SMS' }).click();
    await page.getByRole('status').filter({ hasText: 'A code was sent' }).waitFor();
    const code = w.t.smsOutbox
      .messages()
      .at(-1)!
      .body.match(/(\d{6})/)![1]!;
    await page.getByLabel('Code from the SMS').fill(code);
    await page.getByRole('button', { name: 'Confirm', exact: true }).click();
    await page.getByRole('heading', { name: 'Set up your authenticator app' }).waitFor();
    await page.getByRole('img', { name: /QR code/ }).waitFor();
    assert.match(
      (await page.getByRole('img', { name: /QR code/ }).getAttribute('src'))!,
      /^data:image\/png;base64,/,
    );
    const secret = (await page.locator('code').innerText()).trim();
    await assertAccessible(page, 'authenticator enrolment');
    await page.getByLabel('Code from your authenticator app').fill(totpAt(secret, new Date()));
    await page.getByRole('button', { name: 'Finish setting up' }).click();
    await page.getByRole('status').filter({ hasText: 'The authenticator app is set up.' }).waitFor();
    await page.getByText(/In use since/).waitFor();
    assert.deepEqual(unexpected(watch), []);
  });

  it('a read-only user sees the application without any change control', async () => {
    const reader = await w.addClient(orgId, 'read_only');
    const readerCtx = await w.newContext();
    await readerCtx.addCookies([
      {
        name: PORTAL_COOKIE,
        value: reader.cookie,
        url: w.portalUrl,
        secure: true,
        httpOnly: true,
        sameSite: 'Strict',
      },
    ]);
    const rp = await readerCtx.newPage();
    const readerWatch = watchPage(rp);
    await rp.goto(`${w.portalUrl}/applications/${appId}`);
    await rp.getByRole('heading', { name: 'Meetings' }).waitFor();
    await rp.getByRole('article', { name: 'Periodic review 2027' }).waitFor();
    assert.equal(await rp.getByRole('button', { name: 'Upload' }).count(), 0);
    assert.equal(await rp.getByRole('button', { name: 'Answer' }).count(), 0);
    await rp.goto(`${w.portalUrl}/applications/${appId}/parties`);
    await rp.getByRole('heading', { name: 'Grace Hopper' }).waitFor();
    assert.equal(await rp.getByRole('button', { name: /Add a related party|Change|Remove/ }).count(), 0);
    await rp.goto(`${w.portalUrl}/applications/${appId}/messages`);
    await rp.getByText('The passport was uploaded today.').waitFor();
    assert.equal(await rp.getByRole('button', { name: 'Send' }).count(), 0);
    assert.deepEqual(unexpected(readerWatch), []);
    await readerCtx.close();
  });

  it('the main pages fit 375 px without sideways scrolling and pass the accessibility checks', async () => {
    const mobile = await ctx.newPage();
    const mobileWatch = watchPage(mobile);
    await mobile.setViewportSize({ width: 375, height: 740 });
    const pages: [string, string][] = [
      ['/', 'Your applications'],
      ['/tasks', 'Your tasks'],
      [`/applications/${appId}`, `Application ${reference}`],
      [`/applications/${appId}/questionnaires/${assignmentId}`, 'Company questionnaire'],
      [`/applications/${appId}/documents`, `Documents of application ${reference}`],
      [`/applications/${appId}/parties`, `Related parties of application ${reference}`],
      [`/applications/${appId}/messages`, `Messages about application ${reference}`],
      ['/account', 'Your account'],
    ];
    for (const [path, heading] of pages) {
      await mobile.goto(`${w.portalUrl}${path}`);
      await mobile.getByRole('heading', { name: heading, exact: true }).waitFor();
      await mobile.waitForLoadState('networkidle');
      const overflow = await sideways(mobile);
      assert.ok(overflow <= 0, `${path} scrolls sideways by ${overflow}px at 375 px`);
      await assertAccessible(mobile, `${path} at 375 px`);
    }
    await mobile.goto(`${w.portalUrl}/applications/${appId}`);
    await mobile.getByRole('heading', { name: 'What is missing' }).waitFor();
    await screenshot(mobile, 'portal-application-mobile');
    assert.deepEqual(unexpected(mobileWatch), []);
    await mobile.close();
  });
});
