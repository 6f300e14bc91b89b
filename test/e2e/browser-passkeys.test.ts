/**
 * Passkeys in a real browser: Chromium's virtual authenticator (DevTools protocol: CTAP2, internal
 * transport, resident keys, user verification) stands in for a phone or a security key. In the
 * back office a staff user registers a passkey, signs out, signs in with it alone (passwordless),
 * then removes it after a step-up given with the same passkey. On the portal a client registers one
 * and signs in with it as the second factor. The relying party is the host each page is on
 * (localhost), the origin the one the browser loads. Each page: no CSP violation or script error,
 * no serious accessibility violation; screenshots for the README.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
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

/** A platform authenticator that holds discoverable credentials and verifies the user. */
async function addVirtualAuthenticator(ctx: BrowserContext, page: Page): Promise<string> {
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return authenticatorId;
}

describe('passkeys in Chromium', { skip, timeout: 180_000 }, () => {
  let w: WebStack;
  before(async () => {
    w = await startWebStack(backends[0]!);
    // The relying party of each realm is the origin the browser loads (random test ports).
    w.t.auth.signIn.passkeys = { ...w.t.auth.signIn.passkeys!, origin: w.backofficeUrl };
    w.t.auth.clientSignIn.passkeys = { ...w.t.auth.clientSignIn.passkeys!, origin: w.portalUrl };
  });
  after(async () => w?.close());

  it('back office: register a passkey, sign out, sign in with it alone, remove it after a step-up', async () => {
    const staff = await createStaff(w.t, { totp: true, rights: ['application:read'] });
    const ctx = await w.newContext();
    const page = await ctx.newPage();
    const watch = watchPage(page);
    await addVirtualAuthenticator(ctx, page);

    await page.goto(`${w.backofficeUrl}/`);
    await page.getByRole('heading', { name: 'Sign in to Dossier' }).waitFor();
    await page.getByLabel('Username').fill(staff.username);
    await page.getByLabel('Password').fill(staff.password);
    await page.getByRole('button', { name: 'Continue' }).click();
    const code = page.getByLabel('Code from your authenticator app');
    await code.waitFor();
    await code.fill(totpAt(staff.totpSecret!, new Date()));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();

    await page.getByRole('link', { name: 'Passkeys' }).click();
    await page.getByRole('heading', { name: 'Passkeys', level: 1 }).waitFor();
    await page.getByText('You have no passkey yet.').waitFor();
    await page.getByLabel('Name of the passkey').fill('Browser passkey');
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await page.getByText('The passkey Browser passkey was added.').waitFor();
    await page.getByRole('rowheader', { name: 'Browser passkey' }).waitFor();
    await page.getByRole('cell', { name: 'Sign-in without password, or second factor' }).waitFor();
    await assertAccessible(page, 'passkeys page');
    await screenshot(page, 'backoffice-passkeys');

    // Sign out, then in with the passkey alone.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to Dossier' }).waitFor();
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    const signedIn = await w.t.database.db
      .selectFrom('audit_events')
      .select('payload')
      .where('type', '=', 'auth.signed_in')
      .where('target_id', '=', staff.id)
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    assert.equal((signedIn.payload as { passwordless?: boolean }).passwordless, true);

    // Removal needs a recent second factor: make this session's old, then step up with the passkey.
    await w.t.database.db
      .updateTable('sessions')
      .set({ second_factor_at: new Date(Date.now() - 3_600_000) })
      .where('user_id', '=', staff.id)
      .where('ended_at', 'is', null)
      .execute();
    await page.getByRole('link', { name: 'Passkeys' }).click();
    await page.getByRole('button', { name: 'Remove Browser passkey' }).click();
    await page.getByRole('button', { name: 'Yes, remove Browser passkey' }).click();
    const dialog = page.getByRole('dialog', { name: 'Confirm it is you' });
    await dialog.waitFor();
    await assertAccessible(page, 'step-up with a passkey');
    await screenshot(page, 'backoffice-stepup-passkey');
    await dialog.getByRole('button', { name: 'Use a passkey' }).click();
    await page.getByText('The passkey Browser passkey was removed.').waitFor();
    await page.getByText('You have no passkey yet.').waitFor();
    const removed = await w.t.database.db
      .selectFrom('passkey_credentials')
      .select('id')
      .where('user_id', '=', staff.id)
      .execute();
    assert.deepEqual(removed, []);
    assert.deepEqual(watch.problems, []);
    await ctx.close();
  });

  it('portal: a client registers a passkey and signs in with it as the second factor', async () => {
    const client = await w.newClient('Passkey Browser Ltd');
    controlClock(w.t).advance(61_000); // past the cooldown of the invitation's SMS code
    const username = (await w.portalCall('GET', '/api/v1/me', { as: client })).json().username as string;
    const ctx = await w.newContext();
    const page = await ctx.newPage();
    const watch = watchPage(page);
    await addVirtualAuthenticator(ctx, page);

    await page.goto(`${w.portalUrl}/`);
    await page.getByRole('heading', { name: 'Sign in to the client portal' }).waitFor();
    await page.getByLabel('Username or e-mail').fill(username);
    await page.getByLabel('Password').fill(CLIENT_PASSWORD);
    await page.getByRole('button', { name: 'Continue' }).click();
    await enterSmsCode(page, w, 'Sign in');
    await page.getByRole('heading', { name: 'Your applications' }).waitFor();

    await page.getByRole('link', { name: 'Your account' }).click();
    await page.getByRole('heading', { name: 'Passkeys' }).waitFor();
    await page.getByLabel('Name of the passkey').fill('Portal passkey');
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await page.getByText('The passkey Portal passkey was added.').waitFor();
    await assertAccessible(page, 'portal account with a passkey');
    await screenshot(page, 'portal-account-passkeys');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to the client portal' }).waitFor();
    await page.getByLabel('Username or e-mail').fill(username);
    await page.getByLabel('Password').fill(CLIENT_PASSWORD);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('button', { name: 'Use your passkey' }).click();
    await page.getByRole('heading', { name: 'Your applications' }).waitFor();
    const ev = await w.t.database.db
      .selectFrom('audit_events')
      .select('payload')
      .where('type', '=', 'auth.signed_in')
      .where('target_id', '=', client.userId)
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    assert.equal((ev.payload as { secondFactor: string }).secondFactor, 'passkey');
    assert.deepEqual(watch.problems, []);
    await ctx.close();
  });
});
