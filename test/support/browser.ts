/**
 * Browser tests: Debian's Chromium driven by playwright-core (nothing downloaded), against the real
 * servers over HTTPS on loopback: the internal server (API + back office) and the portal (its
 * client API + web app) talking over the real mTLS link. Chromium trusts exactly the test servers'
 * keys (`--ignore-certificate-errors-spki-list`), nothing else. Also: an axe-core check run in the
 * page (through the DevTools protocol, so the page's CSP stays as strict as in production), a
 * record of CSP violations and page errors, and screenshots for the README.
 *
 * `npm run build` must have run (the `pretest` script does it). Without Chromium the browser tests
 * are skipped, unless DOSSIER_TEST_REQUIRE_BROWSER=1 (CI), which makes that a failure.
 */
import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createPki, type PkiFiles } from '../../src/platform/crypto/pki.ts';
import { buildPortalApp } from '../../src/servers/portal/build-app.ts';
import type { App } from '../../src/servers/shared/create-http-app.ts';
import { testConfig } from './app.ts';
import type { TestBackend } from './db.ts';
import { startPortalStack, type PortalStack } from './portal.ts';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** Chromium's executable, or null. */
export function chromiumPath(): string | null {
  const fromEnv = process.env['DOSSIER_TEST_CHROMIUM'];
  if (fromEnv) return fromEnv;
  return CANDIDATES.find((p) => existsSync(p)) ?? null;
}

/** `skip` for node:test: a reason when the browser tests cannot run here. */
export function browserSkip(): string | false {
  if (chromiumPath()) {
    if (!existsSync(fileURLToPath(new URL('../../dist/web/backoffice/index.html', import.meta.url))))
      return 'web apps not built (npm run build)';
    return false;
  }
  if (process.env['DOSSIER_TEST_REQUIRE_BROWSER'] === '1')
    throw new Error('DOSSIER_TEST_REQUIRE_BROWSER=1 but no Chromium (set DOSSIER_TEST_CHROMIUM)');
  return 'no Chromium (install the Debian package chromium or set DOSSIER_TEST_CHROMIUM)';
}

function spki(certPem: string): string {
  const der = new X509Certificate(certPem).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('base64');
}

/** The whole system for a browser: internal server and portal listening on HTTPS, linked by mTLS. */
export interface WebStack extends PortalStack {
  /** https://localhost:<port> of the internal server (back office). */
  backofficeUrl: string;
  /** https://localhost:<port> of the portal (its web app and client API over HTTPS). */
  portalUrl: string;
  portalTls: App;
  browser: Browser;
  /** A fresh browser context (cookies, storage) with English, a fixed time zone and a viewport. */
  newContext(o?: { viewport?: { width: number; height: number } }): Promise<BrowserContext>;
}

export async function startWebStack(backend: TestBackend): Promise<WebStack> {
  // The internal server's HTTPS certificate (the stack's own PKI serves the link).
  const webRoot = mkdtempSync(join(tmpdir(), 'dossier-web-'));
  const preliminary = await createPki(join(webRoot, 'pki'));
  const read = (p: string) => readFileSync(p, 'utf8');
  const s = await startPortalStack(backend, {
    https: { cert: read(preliminary.internalCert), key: read(preliminary.internalKey) },
  });
  await s.t.app.listen({ host: '127.0.0.1', port: 0 });
  const backofficeUrl = `https://localhost:${(s.t.app.server.address() as { port: number }).port}`;
  // The portal over HTTPS with the stack's PKI (its config reads pki/portal.crt|key under the data dir).
  const portalTls = await buildPortalApp({
    config: testConfig({ DOSSIER_DATA_DIR: s.root, DOSSIER_PORTAL_TLS: 'true' }),
    logger: false,
    linkClient: s.linkClient,
  });
  await portalTls.listen({ host: '127.0.0.1', port: 0 });
  const portalUrl = `https://localhost:${(portalTls.server.address() as { port: number }).port}`;
  const trusted = [spki(read(preliminary.internalCert)), spki(read(s.pki.portalCert))];
  const browser = await chromium.launch({
    executablePath: chromiumPath()!,
    args: [
      `--ignore-certificate-errors-spki-list=${trusted.join(',')}`,
      // Containers run tests as root, where Chromium's sandbox cannot start.
      ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
      '--disable-dev-shm-usage',
    ],
  });
  const close = s.close;
  return {
    ...s,
    backofficeUrl,
    portalUrl,
    portalTls,
    browser,
    newContext: (o = {}) =>
      browser.newContext({
        locale: 'en-GB',
        timezoneId: 'Europe/London',
        viewport: o.viewport ?? { width: 1280, height: 800 },
      }),
    close: async () => {
      await browser.close();
      await portalTls.close();
      await close();
      rmSync(webRoot, { recursive: true, force: true });
    },
  };
}

/** Records what must never happen on a page: CSP violations, uncaught errors, console errors. */
export function watchPage(page: Page): { problems: string[] } {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (
      m.type() === 'error' &&
      !/Failed to load resource: the server responded with a status of (401|403|404|409|422)/.test(m.text())
    )
      problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  return { problems };
}

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: number;
}

/**
 * Runs axe-core (WCAG 2.x A and AA rules) in the page and returns the serious and critical
 * violations. Injected through the DevTools protocol: the page's CSP is not loosened for it.
 */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: {
          run: (
            c: unknown,
            o: unknown,
          ) => Promise<{
            violations: { id: string; impact: string | null; help: string; nodes: unknown[] }[];
          }>;
        };
      }
    ).axe;
    const r = await axe.run((globalThis as unknown as { document: unknown }).document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length }));
  });
  return result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

export async function assertAccessible(page: Page, what: string): Promise<void> {
  const v = await seriousAxeViolations(page);
  assert.deepEqual(v, [], `${what}: serious or critical accessibility violations`);
}

const SHOTS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));

/** Saves a screenshot for the README (docs/screenshots/<name>.png). */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: false });
}

export type { PkiFiles };

/**
 * Asks for an SMS code on the page (sign-in or step-up), reads it from the stack's SMS outbox, enters
 * it and presses `submit` ('Sign in' or 'Confirm').
 */
export async function enterSmsCode(page: Page, w: WebStack, submit: 'Sign in' | 'Confirm'): Promise<void> {
  await page.getByRole('button', { name: 'Send me a code by SMS' }).click();
  await page.getByRole('status').filter({ hasText: 'A code was sent' }).waitFor();
  const code = w.t.smsOutbox
    .messages()
    .at(-1)!
    .body.match(/(\d{6})/)![1]!;
  await page.getByLabel('Code from the SMS').fill(code);
  await page.getByRole('button', { name: submit, exact: true }).click();
}

/**
 * Reads `read()` until it equals `expected` (a page that is still re-rendering after a navigation
 * or a reload shows the old state for a moment), then asserts it, so a value that never comes fails.
 */
export async function eventually<T>(
  read: () => Promise<T>,
  expected: T,
  message?: string,
  timeoutMs = 10_000,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  let actual = await read();
  while (!isDeepStrictEqual(actual, expected) && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 50));
    actual = await read();
  }
  assert.deepEqual(actual, expected, message);
}
