/**
 * Single sign-on in Chromium: the back office (its own HTTPS listener, its public URL the real
 * one) and a real OpenID provider (oidc-provider, test/support/oidc.ts) on HTTPS. A staff user
 * clicks "Sign in with <provider>", signs in on the provider's page, and lands on the dashboard:
 * with the provider's MFA at once; without it through Dossier's own second factor (a first
 * sign-in enrols an authenticator app). Signing out at the provider ends the Dossier session by
 * back-channel logout; signing out of Dossier goes through the provider's sign-out page and back.
 * A user with no Dossier factor steps up by signing in again at the provider.
 * Each Dossier page: no CSP violation or script error, no serious accessibility violation.
 */
import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createPki } from '../../src/platform/crypto/pki.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { auditOf, totpAt } from '../support/auth.ts';
import { assertAccessible, browserSkip, chromiumPath, screenshot, watchPage } from '../support/browser.ts';
import { backends } from '../support/db.ts';
import { startTestOp, type TestOp } from '../support/oidc.ts';

const skip = browserSkip();

function spki(certPem: string): string {
  const der = new X509Certificate(certPem).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('base64');
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('single sign-on in Chromium', { skip, timeout: 180_000 }, () => {
  let t: TestApp;
  let op: TestOp;
  let browser: Browser;
  let root: string;
  let url: string;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'dossier-sso-web-'));
    const pki = await createPki(join(root, 'pki'));
    const port = await freePort();
    url = `https://localhost:${port}`;
    op = await startTestOp({
      providerIds: ['corp'],
      publicUrl: url,
      trustCa: readFileSync(pki.caCert, 'utf8'),
    });
    const config = op.configFile([
      {
        id: 'corp',
        displayName: 'Corp SSO',
        provisioning: 'jit',
        scopes: ['openid', 'email', 'profile', 'groups'],
        roleMappings: [{ value: 'kyc', roles: ['Analyst'], programmes: [] }],
        mfa: { amr: ['hwk'], acr: [] },
      },
    ]);
    t = await startTestApp(backends[0]!, {
      https: { cert: readFileSync(pki.internalCert, 'utf8'), key: readFileSync(pki.internalKey, 'utf8') },
      env: { DOSSIER_CONFIG: config, DOSSIER_PUBLIC_URL: url },
    });
    await t.app.listen({ host: '127.0.0.1', port });
    browser = await chromium.launch({
      executablePath: chromiumPath()!,
      args: [
        `--ignore-certificate-errors-spki-list=${[
          spki(readFileSync(pki.internalCert, 'utf8')),
          spki(readFileSync(op.certFile, 'utf8')),
        ].join(',')}`,
        ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
        '--disable-dev-shm-usage',
      ],
    });
  });
  after(async () => {
    await browser?.close();
    await t?.close();
    await op?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  const newPage = async () => {
    const ctx = await browser.newContext({
      locale: 'en-GB',
      timezoneId: 'Europe/London',
      viewport: { width: 1280, height: 800 },
    });
    return { ctx, page: await ctx.newPage() };
  };

  /** On the provider's page: who signs in, with or without the security key (MFA). */
  async function providerLogin(page: Page, username: string, mfa: boolean) {
    await page.getByRole('heading', { name: 'Test identity provider' }).waitFor();
    assert.ok(page.url().startsWith(op.issuer), page.url());
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill('anything');
    if (mfa) await page.getByLabel('Use my security key').check();
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  it('signs in with the provider (its MFA), is signed out by back-channel logout', async () => {
    op.accounts.set('u-ada', {
      sub: 'u-ada',
      preferred_username: 'ada.sso',
      email: 'ada.sso@corp.test',
      email_verified: true,
      name: 'Ada SSO',
      groups: ['kyc'],
    });
    const { ctx, page } = await newPage();
    const watch = watchPage(page);
    await page.goto(`${url}/`);
    await page.getByRole('heading', { name: 'Sign in to Dossier' }).waitFor();
    const button = page.getByRole('link', { name: 'Sign in with Corp SSO' });
    await button.waitFor();
    await assertAccessible(page, 'sign-in with single sign-on');
    await screenshot(page, 'backoffice-sso-sign-in');
    const problemsBefore = [...watch.problems];
    await button.click();
    await providerLogin(page, 'ada.sso', true);
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    assert.match(await page.locator('header').innerText(), /Signed in as/);
    await assertAccessible(page, 'dashboard after single sign-on');
    const cookie = (await ctx.cookies()).find((c) => c.name === '__Host-dossier_session')!;
    assert.ok(cookie.httpOnly && cookie.secure && cookie.sameSite === 'Strict');
    assert.equal(
      (await ctx.cookies()).find((c) => c.name === '__Host-dossier_sso'),
      undefined,
    );
    const signedIn = (await auditOf(t, 'auth.sso_signed_in')).at(-1)!.payload as {
      mfa: boolean;
      next: string;
    };
    assert.deepEqual([signedIn.mfa, signedIn.next], [true, 'active']);

    // Signing out at the provider (another tab): it tells Dossier by back-channel logout.
    const opTab = await ctx.newPage();
    await opTab.goto(`${op.issuer}/session/end`);
    await opTab.getByRole('button', { name: 'Yes, sign me out' }).click();
    await opTab.waitForLoadState('load');
    for (let i = 0; i < 50 && (await auditOf(t, 'auth.sso_logout_received')).length === 0; i++)
      await new Promise((r) => setTimeout(r, 100));
    const received = (await auditOf(t, 'auth.sso_logout_received')).at(-1)!.payload as {
      channel: string;
      sessionsEnded: number;
    };
    assert.deepEqual([received.channel, received.sessionsEnded], ['back', 1]);
    await page.reload();
    await page.getByRole('heading', { name: 'Sign in to Dossier' }).waitFor();
    assert.deepEqual([...problemsBefore, ...watch.problems.slice(problemsBefore.length)], []);
    await ctx.close();
  });

  it('without the provider MFA: Dossier second factor (first enrolment), then sign-out at both', async () => {
    op.accounts.set('u-bob', {
      sub: 'u-bob',
      preferred_username: 'bob.sso',
      email: 'bob.sso@corp.test',
      email_verified: true,
      name: 'Bob SSO',
      groups: ['kyc'],
    });
    const { ctx, page } = await newPage();
    const watch = watchPage(page);
    await page.goto(`${url}/sign-in`);
    await page.getByRole('link', { name: 'Sign in with Corp SSO' }).click();
    await providerLogin(page, 'bob.sso', false);
    // Back at Dossier: a new account with no second factor enrols an authenticator app.
    await page.getByRole('heading', { name: 'Set up your authenticator app' }).waitFor();
    await assertAccessible(page, 'second factor after single sign-on');
    const secret = (await page.locator('.signin-secret').innerText()).trim();
    await page.getByLabel('Code from your authenticator app').fill(totpAt(secret, new Date()));
    await page.getByRole('button', { name: 'Confirm and sign in' }).click();
    await page.getByRole('heading', { name: 'Before you go on' }).waitFor();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    const signedIn = (await auditOf(t, 'auth.sso_signed_in')).at(-1)!.payload as {
      mfa: boolean;
      next: string;
    };
    assert.deepEqual([signedIn.mfa, signedIn.next], [false, 'second_factor']);

    // Sign out: Dossier's session ends, then the provider's sign-out page, then back to Dossier.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Yes, sign me out' }).waitFor();
    assert.ok(page.url().startsWith(op.issuer), page.url());
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await page.getByRole('heading', { name: 'Sign in to Dossier' }).waitFor();
    assert.ok(page.url().startsWith(`${url}/sign-in`), page.url());
    const ended = await t.database.db
      .selectFrom('sessions')
      .select('end_reason')
      .where('sso_provider', '=', 'corp')
      .orderBy('created_at', 'desc')
      .executeTakeFirstOrThrow();
    assert.equal(ended.end_reason, 'logout');
    assert.deepEqual(watch.problems, []);
    await ctx.close();
  });

  it('an SSO user with no Dossier factor steps up at the provider, then makes recovery codes', async () => {
    op.accounts.set('u-cy', {
      sub: 'u-cy',
      preferred_username: 'cy.sso',
      email: 'cy.sso@corp.test',
      email_verified: true,
      name: 'Cy SSO',
      groups: ['kyc'],
    });
    const { ctx, page } = await newPage();
    const watch = watchPage(page);
    await page.goto(`${url}/sign-in`);
    await page.getByRole('link', { name: 'Sign in with Corp SSO' }).click();
    await providerLogin(page, 'cy.sso', true);
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    // The step-up window after the sign-in has passed.
    const s = await t.database.db
      .selectFrom('sessions')
      .select(['id', 'user_id'])
      .where('sso_provider', '=', 'corp')
      .where('ended_at', 'is', null)
      .orderBy('created_at', 'desc')
      .executeTakeFirstOrThrow();
    await t.database.db
      .updateTable('sessions')
      .set({ second_factor_at: new Date(Date.now() - 3_600_000) })
      .where('id', '=', s.id)
      .execute();

    await page.goto(`${url}/account/sessions`);
    const make = page.getByRole('button', { name: 'Make new recovery codes' });
    await make.click();
    const dialog = page.getByRole('dialog', { name: 'Confirm it is you' });
    await dialog.waitFor();
    const confirm = dialog.getByRole('button', { name: 'Confirm with Corp SSO' });
    await confirm.waitFor();
    assert.match(await dialog.innerText(), /do it again/);
    await assertAccessible(page, 'step-up with the sign-in provider');
    await screenshot(page, 'backoffice-sso-step-up');
    await confirm.click();
    // The provider asks for the sign-in again (prompt=login), though its session is alive.
    await providerLogin(page, 'cy.sso', true);
    const back = page.getByRole('dialog', { name: 'Identity confirmed' });
    await back.waitFor();
    assert.equal(new URL(page.url()).pathname, '/account/sessions');
    assert.equal(new URL(page.url()).search, '', 'the outcome is taken out of the address');
    await assertAccessible(page, 'back from the step-up at the provider');
    await back.getByRole('button', { name: 'OK' }).click();
    await make.click();
    await page.getByText('New recovery codes made').waitFor();
    assert.equal(await page.getByRole('dialog', { name: 'Confirm it is you' }).count(), 0);
    const stepped = (await auditOf(t, 'auth.stepped_up')).at(-1)!;
    assert.deepEqual(stepped.payload, { factor: 'sso', sessionId: s.id });
    const after = await t.database.db
      .selectFrom('sessions')
      .select('id')
      .where('user_id', '=', s.user_id)
      .where('ended_at', 'is', null)
      .execute();
    assert.deepEqual(after, [{ id: s.id }], 'the same session, no new one');

    // A refusal comes back as a fixed code: our message, whatever else is in the address.
    await page.goto(`${url}/account/sessions?step_up_error=no_mfa`);
    const refused = page.getByRole('dialog', { name: 'Identity not confirmed' });
    await refused.waitFor();
    assert.match(await refused.innerText(), /did not confirm a multi-factor sign-in/);
    await refused.getByRole('button', { name: 'OK' }).click();
    assert.deepEqual(watch.problems, []);
    await ctx.close();
  });

  it('a refused sign-in comes back with our own message, never the provider text', async () => {
    const { ctx, page } = await newPage();
    const watch = watchPage(page);
    await page.goto(`${url}/sign-in?sso_error=%3Cimg%20src%3Dx%3E`);
    await page.getByRole('alert').waitFor();
    assert.match(await page.getByRole('alert').innerText(), /did not work/);
    assert.equal(await page.locator('img[src="x"]').count(), 0);
    await page.goto(`${url}/sign-in?sso_error=not_allowed`);
    await page.getByText('not allowed to use Dossier').waitFor();
    await assertAccessible(page, 'single sign-on refused');
    assert.deepEqual(watch.problems, []);
    await ctx.close();
  });
});
