/**
 * The back office's subjects, documents and screening alerts in Chromium, over HTTPS against the
 * real servers: a PDF in the sandboxed viewer (audited; no download control without
 * `document:download`, and the download URL refused from the page), an upload with its progress
 * bar, the ownership organigram of a two-level chain with the effective percentage read on keyboard
 * focus, and an alert resolved from the queue. Each page: no CSP violation or script error, no
 * serious or critical accessibility violation.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import type { Right } from '../../src/modules/access/rights.ts';
import { setProgrammeMembers, type ProgrammeView } from '../../src/modules/programmes/index.ts';
import { createStaff, totpAt, type TestStaff } from '../support/auth.ts';
import {
  assertAccessible,
  browserSkip,
  screenshot,
  startWebStack,
  watchPage,
  type WebStack,
} from '../support/browser.ts';
import { backends } from '../support/db.ts';
import { largePdf, samplePdf, uploadTo } from '../support/documents.ts';
import { makeProgramme, makeSubject } from '../support/factories-applications.ts';
import { createCompany, createPerson, createShareholding } from '../support/factories-subjects.ts';

const skip = browserSkip();

const unList = () =>
  readFileSync(fileURLToPath(new URL('../fixtures/lists/un_consolidated.xml', import.meta.url)));

describe(
  'subjects, documents and screening alerts in the back office (Chromium)',
  { skip, timeout: 240_000 },
  () => {
    let w: WebStack;
    let programme: ProgrammeView;
    const members: string[] = [];

    before(async () => {
      w = await startWebStack(backends[0]!);
      programme = await makeProgramme(w.t.ctx);
    });
    after(async () => w?.close());

    /** A staff user with these rights, member of the test programme only. */
    const staffWith = async (rights: Right[]): Promise<TestStaff> => {
      const staff = await createStaff(w.t, { totp: true, rights });
      members.push(staff.id);
      await setProgrammeMembers(w.t.ctx, programme.id, [...members]);
      return staff;
    };

    /** Signs in through the sign-in page and waits for the dashboard. */
    const signIn = async (staff: TestStaff, viewport?: { width: number; height: number }) => {
      const ctx = await w.newContext(viewport ? { viewport } : {});
      const page = await ctx.newPage();
      const watch = watchPage(page);
      await page.goto(`${w.backofficeUrl}/`);
      await page.getByLabel('Username').fill(staff.username);
      await page.getByLabel('Password').fill(staff.password);
      await page.getByRole('button', { name: 'Continue' }).click();
      const code = page.getByLabel('Code from your authenticator app');
      await code.waitFor();
      await code.fill(totpAt(staff.totpSecret!, new Date()));
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('button', { name: 'Sign out' }).waitFor();
      return { ctx, page, watch };
    };

    /** A person of the test programme with one uploaded PDF. */
    const personWithPdf = async (text: string) => {
      const person = await createPerson(w.t.ctx, { programmeId: programme.id });
      const res = await uploadTo(
        w.t,
        `/api/v1/subjects/${person.id}/documents`,
        { type: 'passport', expiryDate: '2031-05-31' },
        { name: 'passport-scan.pdf', content: samplePdf(text), type: 'application/pdf' },
      );
      assert.equal(res.statusCode, 201, res.body);
      return { person, documentId: res.json().document.id as string };
    };

    const noSideScroll = async (page: Page) => {
      const overflow = await page.evaluate(() => {
        const d = (
          globalThis as unknown as {
            document: { documentElement: { scrollWidth: number; clientWidth: number } };
          }
        ).document;
        return d.documentElement.scrollWidth - d.documentElement.clientWidth;
      });
      assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px`);
    };

    it('a PDF opens in the sandboxed viewer; without document:download there is no download control and the URL is refused', async () => {
      const { documentId } = await personWithPdf('Passport of Ada Lovelace');
      const analyst = await staffWith(['subject:read', 'document:view', 'document:review']);
      const { ctx, page, watch } = await signIn(analyst);
      await page.goto(`${w.backofficeUrl}/documents/${documentId}`);
      await page.getByRole('heading', { name: 'Passport: passport-scan.pdf' }).waitFor();
      const frame = page.locator('iframe.documents-frame');
      await frame.waitFor();
      // No permission at all for the frame's content: no scripts, an opaque origin.
      assert.equal(await frame.getAttribute('sandbox'), '');
      assert.match((await frame.getAttribute('src')) ?? '', /^blob:/);
      const pageImage = page.frameLocator('iframe.documents-frame').getByRole('img', { name: 'Page 1 of 1' });
      await pageImage.waitFor();
      const size = await pageImage.evaluate((img) => {
        const i = img as unknown as { naturalWidth: number; complete: boolean };
        return i.complete ? i.naturalWidth : 0;
      });
      assert.ok(size > 100, 'the page was rendered to an image');
      await page.getByRole('status').filter({ hasText: 'Showing 1 of 1 pages' }).waitFor();
      // Expiry and validity are shown; the reviewer may set them.
      await page.getByText('Expiry date').first().waitFor();
      await page.getByLabel('Expiry date').waitFor();
      assert.equal(await page.getByRole('link', { name: 'Download the original' }).count(), 0);
      assert.equal(await page.getByRole('button', { name: /download/i }).count(), 0);
      const status = await page.evaluate(
        async (id) =>
          (await fetch(`/api/v1/documents/${id}/download`, { credentials: 'same-origin' })).status,
        documentId,
      );
      assert.equal(status, 403, 'the download URL is refused');
      const viewed = await w.t.database.db
        .selectFrom('audit_events')
        .select('type')
        .where('target_id', '=', documentId)
        .where('type', '=', 'document.viewed')
        .execute();
      assert.equal(viewed.length, 1, 'the view was audited once');
      await assertAccessible(page, 'document viewer');
      await noSideScroll(page);
      await screenshot(page, 'backoffice-viewer');
      // A reviewer sets the validity.
      await page.getByLabel('Validity').selectOption('valid');
      await page.getByRole('button', { name: 'Save the review' }).click();
      await page.getByRole('status').filter({ hasText: 'The review was saved.' }).waitFor();
      assert.deepEqual(watch.problems, []);
      await ctx.close();

      // Someone who may download sees the control.
      const downloader = await staffWith(['subject:read', 'document:view', 'document:download']);
      const other = await signIn(downloader);
      await other.page.goto(`${w.backofficeUrl}/documents/${documentId}`);
      await other.page.getByRole('link', { name: 'Download the original' }).waitFor();
      assert.deepEqual(other.watch.problems, []);
      await other.ctx.close();
    });

    it('uploading a document shows its progress, and the new document appears', async () => {
      const person = await createPerson(w.t.ctx, {
        programmeId: programme.id,
        givenNames: 'Upload',
        familyName: 'Tester',
      });
      const analyst = await staffWith(['subject:read', 'document:upload', 'programme:read']);
      const { ctx, page, watch } = await signIn(analyst);
      await page.goto(`${w.backofficeUrl}/subjects/${person.id}`);
      await page.getByRole('heading', { name: 'Upload Tester' }).waitFor();
      await page.getByText('No documents yet.').waitFor();
      await assertAccessible(page, 'subject detail');
      const form = page.locator('form.documents-upload');
      await form.getByLabel('Document type').selectOption('passport');
      await form.getByLabel('Expiry date').fill('2032-01-31');
      await form.getByLabel('File').setInputFiles({
        name: 'big-scan.pdf',
        mimeType: 'application/pdf',
        buffer: largePdf(6 * 1024 * 1024),
      });
      // Record every value the progress bar shows.
      await page.evaluate(() => {
        const g = globalThis as unknown as {
          progressSeen: string[];
          document: { body: unknown; querySelector(s: string): { getAttribute(n: string): string } | null };
          MutationObserver: new (cb: () => void) => { observe(n: unknown, o: unknown): void };
        };
        g.progressSeen = [];
        new g.MutationObserver(() => {
          const bar = g.document.querySelector('[role="progressbar"]');
          if (bar) g.progressSeen.push(bar.getAttribute('aria-valuenow'));
        }).observe(g.document.body, { subtree: true, childList: true, attributes: true });
      });
      await form.getByRole('button', { name: 'Upload' }).click();
      await page
        .getByRole('status')
        .filter({ hasText: 'big-scan.pdf was uploaded.' })
        .waitFor({ timeout: 60_000 });
      const seen = await page.evaluate(
        () => (globalThis as unknown as { progressSeen: string[] }).progressSeen,
      );
      assert.ok(seen.length > 0, 'a progress bar was shown');
      assert.ok(seen.includes('100'), `the bar reached 100% (${seen.join(',')})`);
      await page.getByRole('link', { name: 'Open Passport' }).waitFor();
      await page.getByRole('cell', { name: 'big-scan.pdf' }).waitFor();
      assert.equal(await page.locator('[role="progressbar"]').count(), 0, 'the bar is gone when done');
      assert.deepEqual(watch.problems, []);
      await ctx.close();
    });

    it('the organigram of a two-level chain shows the shares, marks the UBO, and reads the effective percentage on focus', async () => {
      const target = await createCompany(w.t.ctx, {
        programmeId: programme.id,
        registeredName: 'Target Trading SA',
      });
      const holding = await createCompany(w.t.ctx, {
        programmeId: programme.id,
        registeredName: 'Holding Alpha SA',
      });
      const ubo = await createPerson(w.t.ctx, {
        programmeId: programme.id,
        givenNames: 'Ulla',
        familyName: 'Bohr',
      });
      const minority = await createPerson(w.t.ctx, {
        programmeId: programme.id,
        givenNames: 'Mina',
        familyName: 'Ority',
      });
      await createShareholding(w.t.ctx, holding, target, 50);
      await createShareholding(w.t.ctx, ubo, holding, 60);
      await createShareholding(w.t.ctx, minority, target, 20);
      const analyst = await staffWith(['subject:read']);
      const { ctx, page, watch } = await signIn(analyst);
      await page.goto(`${w.backofficeUrl}/subjects/${target.id}`);
      await page.getByRole('heading', { name: 'Target Trading SA' }).waitFor();
      const nodes = page.locator('.react-flow__node');
      await page.locator(`.react-flow__node[data-id="${ubo.id}"]`).waitFor();
      assert.equal(await nodes.count(), 4);
      // Edge labels carry the shares of both levels.
      const edgeText = await page.locator('.react-flow__edge-text').allTextContents();
      assert.deepEqual([...edgeText].sort(), ['20%', '50%', '60%']);
      // The UBO is marked (in the node and the table), not by colour alone.
      const uboNode = page.locator(`.react-flow__node[data-id="${ubo.id}"]`);
      assert.match(await uboNode.innerText(), /UBO/);
      assert.match((await uboNode.getAttribute('aria-label')) ?? '', /Ulla Bohr.*beneficial owner.*30%/);
      // Keyboard: Tab reaches the nodes; the focused node's effective share is shown and announced.
      await page.locator('.react-flow__node').first().focus();
      for (let i = 0; i < 4; i++) {
        if (
          await uboNode.evaluate(
            (n) => n === (n.ownerDocument as unknown as { activeElement: unknown }).activeElement,
          )
        )
          break;
        await page.keyboard.press('Tab');
      }
      assert.ok(
        await uboNode.evaluate(
          (n) => n === (n.ownerDocument as unknown as { activeElement: unknown }).activeElement,
        ),
        'the UBO node takes the keyboard focus',
      );
      const detail = page.getByTestId('organigram-detail');
      await detail.filter({ hasText: 'Ulla Bohr holds 30%' }).waitFor();
      assert.match(await detail.innerText(), /0% directly, 30% indirectly/);
      assert.match(await detail.innerText(), /Holds 60% of Holding Alpha SA/);
      assert.equal(await detail.getAttribute('aria-live'), 'polite');
      await uboNode.getByText('Effective 30%').waitFor();
      // The minority holder is not a UBO.
      assert.doesNotMatch(
        await page.locator(`.react-flow__node[data-id="${minority.id}"]`).innerText(),
        /UBO/,
      );
      await assertAccessible(page, 'subject detail with organigram');
      await noSideScroll(page);
      await page
        .locator('#subjects-ownership')
        .evaluate((h) =>
          (h as unknown as { scrollIntoView(o: unknown): void }).scrollIntoView({ block: 'start' }),
        );
      await screenshot(page, 'backoffice-organigram');
      assert.deepEqual(watch.problems, []);
      await ctx.close();
    });

    it('an alert is resolved from the queue, which shows the per-token explanation', async () => {
      const imported = await uploadTo(
        w.t,
        '/api/v1/screening/lists/un/snapshots',
        { format: 'un-xml' },
        { name: 'un.xml', content: unList() },
      );
      assert.equal(imported.statusCode, 201, imported.body);
      const made = await makeSubject(w.t.database.db, { displayName: 'Saddam Hussein al-Tikriti' });
      await w.t.database.db
        .updateTable('subjects')
        .set({ programme_id: programme.id })
        .where('id', '=', made.id)
        .execute();
      const run = await w.staffCall('POST', `/api/v1/subjects/${made.id}/screenings`);
      assert.equal(run.statusCode, 201, run.body);
      assert.ok(run.json().alerts.raised >= 1);
      const analyst = await staffWith(['subject:read', 'screening:run', 'screening:resolve']);
      const { ctx, page, watch } = await signIn(analyst);
      await page.getByRole('link', { name: 'Screening alerts' }).click();
      await page.getByRole('heading', { name: 'Screening alerts', level: 1 }).waitFor();
      const card = page.getByRole('article').filter({ hasText: 'un:IQi.001' });
      await card.waitFor();
      const tokens = card.getByRole('table', { name: 'How the name matched' });
      await tokens.getByRole('rowheader', { name: 'saddam' }).waitFor();
      await assertAccessible(page, 'alert queue');
      await noSideScroll(page);
      await screenshot(page, 'backoffice-alerts');
      await card.getByRole('button', { name: 'Resolve' }).click();
      await card.getByRole('button', { name: 'Record the decision' }).click();
      await card.getByText('Give a reason.').waitFor();
      await card.getByLabel('False positive').check();
      await card.getByLabel('Reason').fill('Different person: born 1990 in Basra, passport checked.');
      await assertAccessible(page, 'alert queue with the decision form');
      await card.getByRole('button', { name: 'Record the decision' }).click();
      await page
        .getByRole('status')
        .filter({ hasText: 'The alert on Saddam Hussein al-Tikriti was resolved as False positive' })
        .waitFor();
      assert.equal(await page.getByRole('article').filter({ hasText: 'un:IQi.001' }).count(), 0);
      const alerts = (await w.staffCall('GET', `/api/v1/subjects/${made.id}/alerts`)).json().items as {
        entityId: string;
        status: string;
        reason: string;
      }[];
      const decided = alerts.find((a) => a.entityId === 'un:IQi.001')!;
      assert.equal(decided.status, 'false_positive');
      assert.match(decided.reason, /Basra/);
      // The subject's page shows the decided alert and the screening history.
      await page.goto(`${w.backofficeUrl}/subjects/${made.id}`);
      await page.getByRole('heading', { name: 'Saddam Hussein al-Tikriti', level: 1 }).waitFor();
      const history = page.getByRole('table', { name: 'Screening history' });
      await history.waitFor();
      assert.equal(await history.locator('tbody tr').count(), 1);
      const alertRow = page
        .getByRole('table', { name: 'Alerts' })
        .getByRole('row')
        .filter({ hasText: 'Basra' });
      assert.match(await alertRow.innerText(), /False positive/);
      await assertAccessible(page, 'subject detail with screening');
      assert.deepEqual(watch.problems, []);
      await ctx.close();
    });
  },
);
