/**
 * The web apps in a real browser (Chromium), against the real servers over HTTPS: a staff user
 * signs in to the back office with password and authenticator code; a client signs in to the portal
 * with password and SMS code and sees their applications. Each page: no CSP violation or script
 * error, no serious or critical accessibility violation; screenshots for the README.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { controlClock, createStaff, totpAt } from '../support/auth.ts';
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
import { CLIENT_PASSWORD } from '../support/portal.ts';

const skip = browserSkip();

describe('the web apps in Chromium', { skip, timeout: 120_000 }, () => {
  let w: WebStack;
  before(async () => {
    w = await startWebStack(backends[0]!);
  });
  after(async () => w?.close());

  it('a staff user signs in to the back office with password and authenticator code', async () => {
    const staff = await createStaff(w.t, { totp: true, rights: ['application:read'] });
    const ctx = await w.newContext();
    const page = await ctx.newPage();
    const watch = watchPage(page);
    await page.goto(`${w.backofficeUrl}/`);
    await page.getByRole('heading', { name: 'Sign in to Dossier' }).waitFor();
    await assertAccessible(page, 'back-office sign-in');
    await page.getByLabel('Username').fill(staff.username);
    await page.getByLabel('Password').fill(staff.password);
    await page.getByRole('button', { name: 'Continue' }).click();
    const code = page.getByLabel('Code from your authenticator app');
    await code.waitFor();
    await code.fill(totpAt(staff.totpSecret!, new Date()));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    assert.match(await page.locator('header').innerText(), /Signed in as/);
    // The session cookie is HttpOnly, Secure, SameSite=Strict and host-only.
    const cookie = (await ctx.cookies()).find((c) => c.name === '__Host-dossier_session')!;
    assert.ok(cookie.httpOnly && cookie.secure && cookie.sameSite === 'Strict');
    assert.equal(
      await page.evaluate(() => (globalThis as unknown as { document: { cookie: string } }).document.cookie),
      '',
    );
    await assertAccessible(page, 'dashboard');
    assert.deepEqual(watch.problems, []);
    await ctx.close();
  });

  it('a client signs in to the portal with password and SMS code and sees their applications', async () => {
    const client = await w.newClient('Browser Client Ltd');
    controlClock(w.t).advance(61_000); // past the cooldown of the invitation's SMS code
    const appId = await w.applicationFor(client.organisationId);
    const username = (await w.portalCall('GET', '/api/v1/me', { as: client })).json().username as string;
    const ctx = await w.newContext({ viewport: { width: 375, height: 740 } });
    const page = await ctx.newPage();
    const watch = watchPage(page);
    await page.goto(`${w.portalUrl}/`);
    await page.getByRole('heading', { name: 'Sign in to the client portal' }).waitFor();
    await assertAccessible(page, 'portal sign-in');
    await page.getByLabel('Username or e-mail').fill(username);
    await page.getByLabel('Password').fill(CLIENT_PASSWORD);
    await page.getByRole('button', { name: 'Continue' }).click();
    await enterSmsCode(page, w, 'Sign in');
    await page.getByRole('heading', { name: 'Your applications' }).waitFor();
    const reference = (await w.staffCall('GET', `/api/v1/applications/${appId}`)).json().reference as string;
    await page.getByRole('link', { name: reference }).waitFor();
    await assertAccessible(page, 'portal applications');
    // No horizontal scrolling at 375 px.
    const overflow = await page.evaluate(() => {
      const d = (
        globalThis as unknown as {
          document: { documentElement: { scrollWidth: number; clientWidth: number } };
        }
      ).document;
      return d.documentElement.scrollWidth - d.documentElement.clientWidth;
    });
    assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px at 375 px`);
    await screenshot(page, 'portal-applications-mobile');
    assert.deepEqual(watch.problems, []);
    await ctx.close();
  });
});
