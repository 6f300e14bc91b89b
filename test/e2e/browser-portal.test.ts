/**
 * The client portal in a real browser (Chromium) against the real servers over HTTPS and the real
 * mTLS link: a client opens the invitation link from their e-mail, passes the SMS code and sets a
 * password (a weak one is refused at the field first), lands on the application the invitation is
 * about and sees what is missing; completes a questionnaire (an error shown at the field inside a
 * repeating group, a draft saved explicitly and on leaving the page, then submitted); uploads a
 * requested document with a progress bar (scanned by the real clamd); answers a request's details
 * (its due date shown); confirms a meeting; adds, changes (every detail) and removes related parties
 * and writes to the case officer; uploads any document from the Documents page (who, which type,
 * the file); removes the authenticator; changes the password and signs in with the new one; is
 * told clearly, without a form, when an invitation link is invalid or already used; and completes
 * a questionnaire with the keyboard only (Tab, Enter, typing), the focus visible at every stop.
 * Every page: no CSP violation or script error, no serious or critical accessibility violation; the
 * main pages also at 375 px without sideways scrolling. Screenshots for the README.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, Locator, Page } from 'playwright-core';
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
  enterSmsCode,
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

/** The browser globals these tests read inside the page (the test code has no DOM types). */
interface PageGlobals {
  document: { activeElement: PageElement | null; body: PageElement };
  getComputedStyle(el: PageElement): { outlineStyle: string; outlineWidth: string };
}
interface PageElement {
  tagName: string;
  id: string;
  textContent: string | null;
  getAttribute(name: string): string | null;
}

/** What has the focus, and whether a focus indicator (a 2 px outline at least) is visible on it. */
const focusState = (page: Page) =>
  page.evaluate(() => {
    const g = globalThis as unknown as PageGlobals;
    const el = g.document.activeElement;
    if (!el || el === g.document.body) return { what: 'nothing', visible: false };
    const style = g.getComputedStyle(el);
    const what = `${el.tagName.toLowerCase()} ${el.getAttribute('type') ?? ''} "${(
      el.getAttribute('aria-label') ??
      el.textContent ??
      ''
    ).slice(0, 40)}"`;
    return { what, visible: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2 };
  });

const isFocused = (target: Locator) =>
  target.evaluate((el) => el === (globalThis as unknown as PageGlobals).document.activeElement);

/** Presses Tab until `target` has the focus, checking at every stop that the focus is visible. */
async function tabTo(page: Page, target: Locator, max = 80): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const f = await focusState(page);
    assert.ok(f.visible, `Tab ${i + 1} towards ${String(target)}: the focus is not visible on ${f.what}`);
    if (await isFocused(target)) return;
  }
  assert.fail(`${String(target)} was not reached with Tab`);
}

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
  let usedInvitation: string;
  let totpSecret: string;
  let clock: ReturnType<typeof controlClock>;

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

    clock = controlClock(w.t);
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
    usedInvitation = link[2]!;
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

  it('a questionnaire with the keyboard only: fill, add a group entry, save the draft, submit; the focus always visible', async () => {
    const app = (await w.staffCall('GET', `/api/v1/applications/${appId}`)).json();
    const keyboardForm = {
      key: 'keyboard-questionnaire',
      title: 'Keyboard questionnaire',
      fields: [
        { key: 'company_name', kind: 'text', label: 'Trading name', required: true, maxLength: 200 },
        { key: 'listed', kind: 'boolean', label: 'Is the company listed?', required: true },
        {
          key: 'officers',
          kind: 'group',
          label: 'Officers',
          required: true,
          repeat: { min: 1, max: 5 },
          fields: [
            { key: 'name', kind: 'text', label: 'Officer name', required: true },
            { key: 'born', kind: 'date', label: 'Officer date of birth', required: true, relative: 'past' },
          ],
        },
      ],
    };
    const form = await w.staffCall('POST', `/api/v1/programmes/${app.programme.id}/forms`, {
      key: keyboardForm.key,
      title: keyboardForm.title,
      definition: keyboardForm,
    });
    assert.equal(form.statusCode, 201, form.body);
    assert.equal((await w.staffCall('POST', `/api/v1/forms/${form.json().id}/publish`)).statusCode, 200);
    const assigned = await w.staffCall('POST', `/api/v1/applications/${appId}/forms`, {
      formId: form.json().id,
    });
    assert.equal(assigned.statusCode, 201, assigned.body);
    const keyboardAssignment = assigned.json().id as string;

    await page.goto(`${w.portalUrl}/applications/${appId}`);
    await page.getByRole('heading', { name: 'What is missing' }).waitFor();
    // From the application to the questionnaire: Tab to its link, Enter.
    await tabTo(
      page,
      page.getByRole('link', { name: 'Complete the questionnaire “Keyboard questionnaire”' }),
    );
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Keyboard questionnaire' }).waitFor();
    await tabTo(page, page.getByLabel('Trading name'));
    await page.keyboard.type('Acme Keys Ltd');
    // A radio group is one Tab stop (its first option when none is chosen); arrows choose in it.
    await tabTo(page, page.getByRole('radio', { name: 'Yes' }));
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.getByRole('radio', { name: 'No' }).isChecked(), true);
    // Adding an entry takes the focus to its first question.
    await tabTo(page, page.getByRole('button', { name: 'Add an entry to “Officers”' }));
    await page.keyboard.press('Enter');
    const officer = page.getByLabel('Officer name');
    await officer.waitFor();
    assert.ok(await isFocused(officer), 'the new entry’s first question has the focus');
    assert.ok((await focusState(page)).visible);
    await page.keyboard.type('Grace Hopper');
    const born = page.getByLabel('Officer date of birth');
    await tabTo(page, born);
    // Day and month alike: the segments' order follows Chromium's own locale, not the page's.
    await page.keyboard.type('05051906');
    assert.equal(await born.inputValue(), '1906-05-05');
    await tabTo(page, page.getByRole('button', { name: 'Save draft' }));
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Draft saved at' }).waitFor();
    const draft = await w.t.database.db
      .selectFrom('form_drafts')
      .select('saved_at')
      .where('assignment_id', '=', keyboardAssignment)
      .executeTakeFirst();
    assert.ok(draft, 'the draft is stored');
    await tabTo(page, page.getByRole('button', { name: 'Submit answers' }));
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'your answers were submitted' }).waitFor();
    // The buttons are gone: the focus is on the confirmation, not lost at the top of the page.
    const after = await focusState(page);
    assert.notEqual(after.what, 'nothing');
    assert.match(after.what, /your answers were submitted/);
    const staff = await w.staffCall('GET', `/api/v1/applications/${appId}/forms`);
    const mine = staff.json().items.find((i: { id: string }) => i.id === keyboardAssignment);
    assert.equal(mine.status, 'submitted');
    await assertAccessible(page, 'questionnaire submitted with the keyboard');
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

  it('the Documents page uploads any document: who it is about, its type (those for that party), the file, with a progress bar', async () => {
    await page.goto(`${w.portalUrl}/applications/${appId}/documents`);
    const section = page.getByRole('region', { name: 'Upload a document' });
    await section.waitFor();
    // Nothing chosen: each missing choice is named at its field.
    await section.getByRole('button', { name: 'Upload' }).click();
    await section.getByText('Choose who the document is about.').waitFor();
    assert.equal(await section.getByLabel('Who the document is about').getAttribute('aria-invalid'), 'true');
    assert.equal(await section.getByLabel('Type of document').getAttribute('aria-invalid'), 'true');
    await section.getByLabel('Who the document is about').selectOption({ label: 'Ada Lovelace' });
    const type = section.getByLabel('Type of document');
    await type.locator('option', { hasText: 'Proof of address' }).waitFor({ state: 'attached' });
    // Only the types that apply to a person.
    assert.equal(await type.locator('option', { hasText: 'Company registry extract' }).count(), 0);
    await type.selectOption({ label: 'Proof of address' });
    // A refusal of the server at its field: the expiry before the issue.
    await section.getByLabel(/^Date of issue/).fill('2026-05-01');
    await section.getByLabel(/^Date of expiry/).fill('2020-01-01');
    await section.getByLabel('File', { exact: true }).setInputFiles({
      name: 'Council tax bill.pdf',
      mimeType: 'application/pdf',
      buffer: samplePdf('bill'),
    });
    await section.getByRole('button', { name: 'Upload' }).click();
    const expiry = section.getByLabel(/^Date of expiry/);
    await section.locator('.field-error').first().waitFor();
    assert.equal(await expiry.getAttribute('aria-invalid'), 'true');
    await expiry.fill('');
    await section.getByRole('button', { name: 'Upload' }).click();
    await section
      .getByRole('status')
      .filter({ hasText: 'Received Council tax bill.pdf' })
      .waitFor({ timeout: 30_000 });
    const bar = section.getByRole('progressbar', { name: 'Uploading Council tax bill.pdf' });
    assert.equal(await bar.getAttribute('aria-valuenow'), '100');
    // Listed at once, with its type and who it is about.
    const row = page.getByRole('row').filter({ hasText: 'Council tax bill.pdf' });
    await row.waitFor();
    assert.match(await row.innerText(), /Proof of address[\s\S]*About Ada Lovelace/);
    const staff = await w.staffCall('GET', `/api/v1/applications/${appId}/documents`);
    const doc = staff.json().items.find((d: { type: string }) => d.type === 'proof_of_address');
    assert.ok(doc, `staff see the proof of address: ${staff.body}`);
    await assertAccessible(page, 'documents with the upload form');
    await screenshot(page, 'portal-documents-upload');
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

  it('related parties: one is changed in every detail (an error at its field first), another added and removed', async () => {
    await page.getByRole('link', { name: 'Related parties' }).click();
    const grace = page.getByRole('article', { name: 'Grace Hopper' });
    await grace.getByRole('button', { name: 'Change Grace Hopper' }).click();
    const form = grace.locator('form');
    await form.getByRole('heading', { name: 'Change Grace Hopper' }).waitFor();
    // The date of birth is masked: left empty, it stays as it is.
    await form.getByText('On file: Born in 1906. Leave empty to keep it.').waitFor();
    await form.getByLabel(/^Place of birth/).fill('New York');
    await form.getByLabel(/^Gender/).selectOption('female');
    await form.getByLabel(/^Other names/).fill('Amazing Grace');
    // Adding a nationality or an address moves the focus to it.
    await form.getByRole('button', { name: 'Add a nationality' }).click();
    const nationality = form.getByLabel('Nationality 1');
    assert.ok(await isFocused(nationality), 'the new nationality has the focus');
    await nationality.selectOption('US');
    await form.getByRole('button', { name: 'Add an address' }).click();
    assert.ok(await isFocused(form.getByLabel('Type of address')), 'the new address has the focus');
    await form.getByLabel('Address line 1', { exact: true }).fill('1 Navy Yard');
    await form.getByLabel('Town or city').fill('Arlington');
    await form.getByLabel(/^Postcode/).fill('22202');
    await form.getByLabel('Country', { exact: true }).selectOption('US');
    await form.getByLabel(/^E-mail addresses/).fill('grace@acme.test');
    const phones = form.getByLabel(/^Phone numbers/);
    await phones.fill('555 0100');
    await form.getByRole('button', { name: 'Save changes' }).click();
    // The server's error for /subject/contact/phones/0, at the phone field.
    await form.locator('.field-error').first().waitFor();
    assert.equal(await phones.getAttribute('aria-invalid'), 'true');
    const phoneError = (await phones.getAttribute('aria-describedby'))!.split(' ')[0]!;
    // In words, not the schema's pattern.
    assert.match(
      await page.locator(`[id="${phoneError}"]`).innerText(),
      /international format starting with \+/,
    );
    await assertAccessible(page, 'party form with a field error');
    await phones.fill('+1 703 555 0100');
    await screenshot(page, 'portal-party-edit');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('status').filter({ hasText: 'Grace Hopper was changed.' }).waitFor();
    await grace.getByText('1 Navy Yard, 22202 Arlington, United States').waitFor();
    assert.equal(await grace.locator('form').count(), 0, 'the form is closed after saving');

    const stored = await w.t.database.db
      .selectFrom('subjects')
      .select(['profile'])
      .where('display_name', '=', 'Grace Hopper')
      .executeTakeFirstOrThrow();
    const profile = (
      typeof stored.profile === 'string' ? JSON.parse(stored.profile) : stored.profile
    ) as Record<string, unknown>;
    assert.equal(profile.placeOfBirth, 'New York');
    assert.equal(profile.gender, 'female');
    assert.deepEqual(profile.otherNames, ['Amazing Grace']);
    assert.deepEqual(profile.nationalities, ['US']);
    assert.deepEqual(profile.addresses, [
      { type: 'residential', lines: ['1 Navy Yard'], city: 'Arlington', postcode: '22202', country: 'US' },
    ]);
    assert.deepEqual(profile.contact, { emails: ['grace@acme.test'], phones: ['+17035550100'] });
    assert.equal(profile.dateOfBirth, '1906-12-09', 'the masked date of birth is kept');

    // A corporate director is added, then removed.
    await page.getByRole('button', { name: 'Add a related party' }).click();
    const add = page
      .locator('form')
      .filter({ has: page.getByRole('heading', { name: 'Add a related party' }) });
    await add.getByRole('radio', { name: 'A company or other legal entity' }).check();
    await add.getByLabel('Registered name').fill('Hopper Holdings Ltd');
    await add.getByLabel('Registration number').fill('HH-1906');
    await add.getByLabel('Country of registration').selectOption('GB');
    await add.getByLabel('Date of incorporation').fill('1999-03-01');
    await add.getByLabel(/^Legal form/).fill('Private limited company');
    await add.getByRole('checkbox', { name: 'Director' }).check();
    await add.getByRole('button', { name: 'Add the party' }).click();
    await page.getByRole('status').filter({ hasText: 'Hopper Holdings Ltd was added.' }).waitFor();
    const holdings = page.getByRole('article', { name: 'Hopper Holdings Ltd' });
    await holdings.getByText('Private limited company').waitFor();
    await holdings.getByRole('button', { name: 'Remove Hopper Holdings Ltd' }).click();
    await holdings.getByText('Remove Hopper Holdings Ltd from this application?').waitFor();
    await assertAccessible(page, 'party removal confirmation');
    await holdings.getByRole('button', { name: 'Yes, remove' }).click();
    await page.getByRole('status').filter({ hasText: 'Hopper Holdings Ltd was removed.' }).waitFor();
    assert.equal(await page.getByRole('heading', { name: 'Hopper Holdings Ltd' }).count(), 0);
    // The confirmation has the focus (the button used is gone with the card).
    assert.match((await focusState(page)).what, /Hopper Holdings Ltd was removed/);
    const links = await w.t.database.db
      .selectFrom('application_subjects as s')
      .innerJoin('subjects as j', 'j.id', 's.subject_id')
      .select('j.display_name')
      .where('s.application_id', '=', appId)
      .execute();
    assert.ok(!links.some((l) => l.display_name === 'Hopper Holdings Ltd'), 'no longer on the application');
    assert.ok(links.some((l) => l.display_name === 'Grace Hopper'));
    assert.deepEqual(unexpected(watch), []);
  });

  it('the account page adds an authenticator app after a step-up with an SMS code', async () => {
    clock.advance(61_000); // past the cooldown of the invitation's SMS code
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
    await enterSmsCode(page, w, 'Confirm');
    await page.getByRole('heading', { name: 'Set up your authenticator app' }).waitFor();
    await page.getByRole('img', { name: /QR code/ }).waitFor();
    assert.match(
      (await page.getByRole('img', { name: /QR code/ }).getAttribute('src'))!,
      /^data:image\/png;base64,/,
    );
    const secret = (await page.locator('code').innerText()).trim();
    totpSecret = secret;
    await assertAccessible(page, 'authenticator enrolment');
    await page.getByLabel('Code from your authenticator app').fill(totpAt(secret, new Date()));
    await page.getByRole('button', { name: 'Finish setting up' }).click();
    await page.getByRole('status').filter({ hasText: 'The authenticator app is set up.' }).waitFor();
    await page.getByText(/In use since/).waitFor();
    assert.deepEqual(unexpected(watch), []);
  });

  it('the authenticator app is removed after a step-up with an authenticator code', async () => {
    // The step-up of the enrolment is old by now.
    await w.t.database.db
      .updateTable('sessions')
      .set({ second_factor_at: new Date(Date.now() - 3_600_000) })
      .where('user_id', '=', userId)
      .where('ended_at', 'is', null)
      .execute();
    clock.advance(61_000); // a TOTP step after the enrolment's code (steps are single use)
    await page.getByRole('button', { name: 'Remove the authenticator app' }).click();
    await page.getByText('Remove the authenticator app? You will then sign in with codes by SMS.').waitFor();
    await page.getByRole('button', { name: 'Yes, remove it' }).click();
    await page.getByRole('heading', { name: 'Confirm it is you' }).waitFor();
    // Both factors are offered; the authenticator is the first choice.
    assert.equal(await page.getByRole('radio', { name: 'Authenticator app' }).isChecked(), true);
    await page.getByLabel('Code from your authenticator app').fill(totpAt(totpSecret, clock.now()));
    await page.getByRole('button', { name: 'Confirm', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'The authenticator app was removed.' }).waitFor();
    await page.getByText('Not set up').waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Your account' }).waitFor();
    await page.getByText('Not set up').waitFor();
    assert.equal(await page.getByText(/In use since/).count(), 0);
    await assertAccessible(page, 'account after removing the authenticator');
    assert.deepEqual(unexpected(watch), []);
  });

  it('the password is changed (a wrong current one refused at its field), then the client signs in with the new one', async () => {
    const NEW_PASSWORD = 'seven lanterns drift over harbour 19';
    const section = page.getByRole('region', { name: 'Password' });
    await section.getByLabel('Current password').fill('not my password at all');
    await section.getByLabel(/^New password/).fill(NEW_PASSWORD);
    await section.getByLabel('Repeat the new password').fill(NEW_PASSWORD);
    await section.getByRole('button', { name: 'Change password' }).click();
    const current = section.getByLabel('Current password');
    await section.locator('.field-error').first().waitFor();
    assert.equal(await current.getAttribute('aria-invalid'), 'true');
    await current.fill(PASSWORD);
    await section.getByRole('button', { name: 'Change password' }).click();
    await section.getByRole('status').filter({ hasText: 'Your password was changed.' }).waitFor();
    assert.equal(await current.inputValue(), '', 'the fields are cleared');
    await assertAccessible(page, 'password changed');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to the client portal' }).waitFor();
    // The old password no longer works.
    await page.getByLabel('Username or e-mail').fill('ada.owner');
    await page.getByLabel(/^Password/).fill(PASSWORD);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('alert').waitFor();
    assert.equal(await page.getByLabel('Code from the SMS').count(), 0);
    await page.getByLabel(/^Password/).fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Continue' }).click();
    clock.advance(61_000); // past the cooldown of the step-up's SMS code
    await enterSmsCode(page, w, 'Sign in');
    await page.getByRole('heading', { name: 'Your applications' }).waitFor();
    assert.deepEqual(unexpected(watch), []);
  });

  it('an invalid or already used invitation link: a clear message and the way to sign in, no form', async () => {
    const other = await w.newContext();
    const op = await other.newPage();
    const otherWatch = watchPage(op);
    for (const token of ['x'.repeat(43), usedInvitation]) {
      await op.goto(`${w.portalUrl}/invitation#token=${token}`);
      await op.getByRole('heading', { name: 'Welcome to the client portal' }).waitFor();
      await op
        .getByRole('alert')
        .filter({ hasText: 'This invitation link cannot be used: it was already used, it has expired' })
        .waitFor();
      assert.equal(await op.getByRole('textbox').count(), 0, 'no form');
      assert.equal(await op.getByRole('button').count(), 0, 'no button');
      await op.getByRole('link', { name: 'Go to the sign-in page' }).waitFor();
      await assertAccessible(op, 'invalid invitation');
    }
    await screenshot(op, 'portal-invitation-invalid');
    await op.getByRole('link', { name: 'Go to the sign-in page' }).click();
    await op.getByRole('heading', { name: 'Sign in to the client portal' }).waitFor();
    assert.deepEqual(otherWatch.problems, []);
    await other.close();
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
    await rp.goto(`${w.portalUrl}/applications/${appId}/documents`);
    await rp.getByRole('cell', { name: /Pässport scan\.pdf/ }).waitFor();
    assert.equal(await rp.getByRole('heading', { name: 'Upload a document' }).count(), 0);
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
