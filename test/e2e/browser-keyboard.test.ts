/**
 * The back office with the keyboard only, in Chromium over HTTPS against the real servers: a staff
 * user signs in, opens an application from the list and adds a note using Tab, Shift+Tab, Enter,
 * Space and typing (no click anywhere). Every control reached shows a visible focus indicator, and
 * after the note is added the focus stays in the note form (not lost to the top of the page).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { Right } from '../../src/modules/access/rights.ts';
import { setProgrammeMembers } from '../../src/modules/programmes/index.ts';
import { controlClock, createStaff, totpAt } from '../support/auth.ts';
import {
  assertAccessible,
  browserSkip,
  startWebStack,
  watchPage,
  type WebStack,
} from '../support/browser.ts';
import { backends } from '../support/db.ts';
import { makeApplication, makeProgramme } from '../support/factories-applications.ts';

const skip = browserSkip();

const CASE_WORKER: Right[] = ['application:read', 'application:write', 'application:transition'];

/** What the focused element is, for matching and for messages, and whether its focus is visible. */
interface Focused {
  tag: string;
  /** The accessible name as far as a keyboard user needs it: label, text or aria-label. */
  name: string;
  /** A non-'none' outline of some width (the house focus ring), or a box shadow. */
  visible: boolean;
  outline: string;
}

/** The little of the DOM the checks read (the test's TypeScript has no DOM library). */
interface El {
  tagName: string;
  textContent: string | null;
  labels?: { textContent: string | null }[];
  getAttribute(n: string): string | null;
}
interface Style {
  outlineStyle: string;
  outlineWidth: string;
  outlineColor: string;
  boxShadow: string;
}

async function focused(page: Page): Promise<Focused> {
  return page.evaluate(() => {
    const g = globalThis as unknown as {
      document: { activeElement: El | null; body: El };
      getComputedStyle: (e: El) => Style;
    };
    const el = g.document.activeElement;
    if (!el || el === g.document.body) return { tag: 'body', name: '', visible: false, outline: '' };
    const labelled = el.labels?.[0]?.textContent;
    const name = (el.getAttribute('aria-label') ?? labelled ?? el.textContent ?? '').trim();
    const s = g.getComputedStyle(el);
    const ring = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
    const shadow = s.boxShadow !== 'none' && s.boxShadow !== '';
    return {
      tag: el.tagName.toLowerCase(),
      name,
      visible: ring || shadow,
      outline: `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`,
    };
  });
}

/**
 * Presses Tab (or Shift+Tab) until the focused element matches, at most `max` times; asserts that
 * every interactive element passed on the way shows its focus, and returns the one reached.
 */
async function tabTo(
  page: Page,
  match: (f: Focused) => boolean,
  what: string,
  o: { back?: boolean; max?: number } = {},
): Promise<Focused> {
  const passed: string[] = [];
  for (let i = 0; i < (o.max ?? 60); i++) {
    await page.keyboard.press(o.back ? 'Shift+Tab' : 'Tab');
    const f = await focused(page);
    passed.push(`${f.tag} "${f.name.slice(0, 40)}"`);
    if (f.tag !== 'body')
      assert.ok(f.visible, `focus not visible on ${f.tag} "${f.name}" (outline: ${f.outline})`);
    if (match(f)) return f;
  }
  assert.fail(`${what} not reached by keyboard; passed: ${passed.join(', ')}`);
}

describe('the back office with the keyboard only (Chromium)', { skip, timeout: 180_000 }, () => {
  let w: WebStack;
  before(async () => {
    w = await startWebStack(backends[0]!);
  });
  after(async () => w?.close());

  it('signs in, opens an application from the list and adds a note without a pointer; focus is always visible', async () => {
    const clock = controlClock(w.t);
    const programme = await makeProgramme(w.t.ctx, { name: 'Keyboard programme' });
    const staff = await createStaff(w.t, { totp: true, rights: CASE_WORKER });
    await setProgrammeMembers(w.t.ctx, programme.id, [staff.id]);
    const application = await makeApplication(w.t.ctx, { programmeId: programme.id });

    const ctx = await w.newContext();
    const page = await ctx.newPage();
    const watch = watchPage(page);
    await page.goto(`${w.backofficeUrl}/`);
    await page.getByRole('heading', { name: 'Sign in to Dossier' }).waitFor();

    // Sign-in: from the page heading (which takes the focus for screen readers) to the username,
    // the password, and Enter submits.
    let f = await focused(page);
    if (!f.name.startsWith('Username'))
      await tabTo(page, (x) => x.tag === 'input' && x.name.startsWith('Username'), 'the username field');
    await page.keyboard.type(staff.username);
    await tabTo(page, (x) => x.tag === 'input' && x.name.startsWith('Password'), 'the password field');
    await page.keyboard.type(staff.password);
    await page.keyboard.press('Enter');
    await page.getByLabel('Code from your authenticator app').waitFor();
    f = await focused(page);
    assert.ok(f.name.startsWith('Code from your authenticator app'), `code field focused, not ${f.name}`);
    clock.advance(30_000);
    await page.keyboard.type(totpAt(staff.totpSecret!, clock.now()));
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();

    // The navigation comes before the page's content: back up to it from the page heading.
    await tabTo(page, (x) => x.tag === 'a' && x.name === 'Applications', 'the Applications link', {
      back: true,
    });
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Applications', level: 1 }).waitFor();
    await page.getByRole('link', { name: application.reference }).waitFor();

    // Through the filters to the application's row, and open it.
    await tabTo(page, (x) => x.tag === 'a' && x.name === application.reference, 'the application link');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: `Application ${application.reference}`, level: 1 }).waitFor();

    // The note: type it, tick "show to the client" with Space, submit with Enter on the button.
    await tabTo(page, (x) => x.tag === 'textarea' && x.name.startsWith('Note'), 'the note field');
    await page.keyboard.type('Called the client: documents follow by post.');
    await tabTo(page, (x) => x.tag === 'input' && x.name.startsWith('Show this note'), 'the share box');
    await page.keyboard.press('Space');
    assert.equal(await page.getByLabel('Show this note to the client on the portal').isChecked(), true);
    await tabTo(page, (x) => x.tag === 'button' && x.name === 'Add note', 'the Add note button');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Note added.' }).waitFor();
    await page.getByText('Called the client: documents follow by post.').waitFor();

    // The focus is back in the note field, ready for another, not lost to the top of the page.
    f = await focused(page);
    assert.equal(f.tag, 'textarea', `focus after adding a note: ${f.tag} "${f.name}"`);
    assert.ok(f.visible);

    const rows = await w.t.database.db
      .selectFrom('application_notes')
      .select(['body', 'author', 'shared_with_client'])
      .where('application_id', '=', application.id)
      .execute();
    assert.deepEqual(rows, [
      {
        body: 'Called the client: documents follow by post.',
        author: `staff:${staff.id}`,
        shared_with_client: true,
      },
    ]);
    // The note names its author: the signed-in user sees "You".
    await page.getByText(/^You, /).waitFor();
    await assertAccessible(page, 'application detail after a keyboard-only note');
    assert.deepEqual(watch.problems, []);
    await ctx.close();
  });
});
