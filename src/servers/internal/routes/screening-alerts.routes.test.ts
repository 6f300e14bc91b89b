/**
 * The alert queue (GET /screening/alerts): open alerts across subjects, ranked by score, with the
 * per-token explanation of the run that raised them, limited to the subjects the actor sees, and
 * keyset-paginated. And a subject's screening history (GET /subjects/:id/screenings).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { setProgrammeMembers, type ProgrammeView } from '../../../modules/programmes/index.ts';
import { backends } from '../../../../test/support/db.ts';
import { startTestApp, type TestApp } from '../../../../test/support/app.ts';
import { browser, controlClock, createStaff, signInWithTotp } from '../../../../test/support/auth.ts';
import { uploadTo } from '../../../../test/support/documents.ts';
import { makeProgramme, makeSubject } from '../../../../test/support/factories-applications.ts';

const unList = readFileSync(
  fileURLToPath(new URL('../../../../test/fixtures/lists/un_consolidated.xml', import.meta.url)),
);

interface QueueItem {
  id: string;
  subjectId: string;
  score: number;
  status: string;
  version: number;
  subject: { id: string; displayName: string; kind: string };
  nameScore: number | null;
  explanation: { tokens: { query: string; matched: string | null; how: string }[] } | null;
}

for (const backend of backends) {
  describe(`screening alert queue [${backend.kind}]`, () => {
    let t: TestApp;
    let mine: ProgrammeView;
    let theirs: ProgrammeView;
    const subjects: Record<string, string> = {};

    const subjectIn = async (programme: ProgrammeView, displayName: string) => {
      const made = await makeSubject(t.database.db, { displayName });
      await t.database.db
        .updateTable('subjects')
        .set({ programme_id: programme.id })
        .where('id', '=', made.id)
        .execute();
      return made.id;
    };

    before(async () => {
      t = await startTestApp(backend);
      const imported = await uploadTo(
        t,
        '/api/v1/screening/lists/un/snapshots',
        { format: 'un-xml' },
        { name: 'un.xml', content: unList },
      );
      assert.equal(imported.statusCode, 201, imported.body);
      mine = await makeProgramme(t.ctx);
      theirs = await makeProgramme(t.ctx);
      subjects['mine'] = await subjectIn(mine, 'Saddam Hussein al-Tikriti');
      subjects['mineWeaker'] = await subjectIn(mine, 'Saddam Husein');
      subjects['theirs'] = await subjectIn(theirs, 'Ahmad Oumar Imhamad al-Fitouri');
      for (const id of Object.values(subjects)) {
        const run = await t.call('POST', `/api/v1/subjects/${id}/screenings`);
        assert.equal(run.statusCode, 201, run.body);
      }
    });
    after(() => t.close());

    const queue = async (query = '', token?: string) => {
      const res = await t.call('GET', `/api/v1/screening/alerts${query}`, token ? { token } : {});
      assert.equal(res.statusCode, 200, res.body);
      return res.json() as { items: QueueItem[]; nextCursor: string | null };
    };

    it('401 without a credential, 403 without screening:run', async () => {
      assert.equal((await t.call('GET', '/api/v1/screening/alerts', { token: null })).statusCode, 401);
      const reader = await t.tokenWith(['subject:read', 'screening:resolve']);
      assert.equal((await t.call('GET', '/api/v1/screening/alerts', { token: reader })).statusCode, 403);
      const bad = await t.call('GET', '/api/v1/screening/alerts?cursor=bm90LWEtY3Vyc29y');
      assert.equal(bad.statusCode, 400);
    });

    it('open alerts of every subject, highest score first, with the subject and the per-token explanation', async () => {
      const { items } = await queue('?limit=200');
      const bySubject = new Set(items.map((i) => i.subjectId));
      for (const id of Object.values(subjects)) assert.ok(bySubject.has(id), `alerts of ${id}`);
      for (let i = 1; i < items.length; i++)
        assert.ok(items[i - 1]!.score >= items[i]!.score, 'ranked by score');
      assert.ok(items.every((i) => i.status === 'open'));
      const saddam = items.find((i) => i.subjectId === subjects['mine'])!;
      assert.equal(saddam.subject.displayName, 'Saddam Hussein al-Tikriti');
      assert.equal(saddam.subject.kind, 'person');
      assert.ok(saddam.nameScore !== null && saddam.nameScore > 0);
      assert.ok(saddam.explanation && saddam.explanation.tokens.length > 0);
      assert.ok(saddam.explanation.tokens.some((tk) => tk.query === 'saddam' && tk.matched === 'saddam'));
    });

    it('pages follow the ranking without gaps or repeats', async () => {
      const all = (await queue('?limit=200')).items.map((i) => i.id);
      const paged: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { items: QueueItem[]; nextCursor: string | null } = await queue(
          `?limit=1${cursor ? `&cursor=${cursor}` : ''}`,
        );
        assert.ok(page.items.length <= 1);
        paged.push(...page.items.map((i) => i.id));
        cursor = page.nextCursor;
      } while (cursor);
      assert.deepEqual(paged, all);
    });

    it("an analyst of one programme sees only its subjects' alerts; a decided alert leaves the queue", async () => {
      const clock = controlClock(t);
      const analyst = await createStaff(t, { totp: true, rights: ['screening:run', 'screening:resolve'] });
      await setProgrammeMembers(t.ctx, mine.id, [analyst.id]);
      const s = await signInWithTotp(t, analyst, clock);
      const res = await browser(t, 'GET', '/api/v1/screening/alerts', { cookie: s.token });
      assert.equal(res.statusCode, 200, res.body);
      const items = res.json().items as QueueItem[];
      assert.ok(items.length > 0);
      assert.ok(
        items.every((i) => i.subjectId === subjects['mine'] || i.subjectId === subjects['mineWeaker']),
        'no alert of another programme',
      );
      const first = items[0]!;
      const decided = await browser(t, 'POST', `/api/v1/screening/alerts/${first.id}/decision`, {
        cookie: s.token,
        csrf: s.csrf,
        body: { decision: 'false_positive', reason: 'different person', version: first.version },
      });
      assert.equal(decided.statusCode, 200, decided.body);
      const after = (await browser(t, 'GET', '/api/v1/screening/alerts', { cookie: s.token })).json()
        .items as QueueItem[];
      assert.ok(!after.some((i) => i.id === first.id));
      assert.equal(after.length, items.length - 1);
    });

    it("a subject's screening history: its runs, newest first; another programme's subject is not found", async () => {
      const runner = await t.tokenWith(['subject:read']);
      const url = `/api/v1/subjects/${subjects['mine']}/screenings`;
      assert.equal((await t.call('GET', url, { token: null })).statusCode, 401);
      assert.equal((await t.call('GET', url, { token: runner })).statusCode, 403);
      const again = await t.call('POST', url);
      assert.equal(again.statusCode, 201, again.body);
      const res = await t.call('GET', url);
      assert.equal(res.statusCode, 200, res.body);
      const items = res.json().items as {
        id: string;
        hitCount: number;
        lists: string[];
        threshold: number;
      }[];
      assert.ok(items.length >= 2);
      assert.equal(items[0]!.id, again.json().runId, 'newest first');
      assert.deepEqual(items[0]!.lists, ['un']);
      assert.equal(items[0]!.threshold, again.json().threshold);
      assert.equal(items[0]!.hitCount, again.json().matches.length);
      const clock = controlClock(t);
      const analyst = await createStaff(t, { totp: true, rights: ['screening:run'] });
      await setProgrammeMembers(t.ctx, theirs.id, [analyst.id]);
      const s = await signInWithTotp(t, analyst, clock);
      assert.equal((await browser(t, 'GET', url, { cookie: s.token })).statusCode, 404);
      const own = await browser(t, 'GET', `/api/v1/subjects/${subjects['theirs']}/screenings`, {
        cookie: s.token,
      });
      assert.equal(own.statusCode, 200, own.body);
    });

    it('the stored run keeps the explanation but never an identifier number', async () => {
      const created = await t.call('POST', '/api/v1/subjects', {
        body: {
          kind: 'person',
          givenNames: 'Ahmad Oumar',
          familyName: 'Imhamad al-Fitouri',
          dateOfBirth: '1988-05-07',
          // The passport number of the list entry: the match's identifier qualifier names it.
          identityDocuments: [{ type: 'passport', number: 'LY53FP76', country: 'LY' }],
          programmeId: mine.id,
          ignoreDuplicates: true,
        },
      });
      assert.equal(created.statusCode, 201, created.body);
      const run = await t.call('POST', `/api/v1/subjects/${created.json().subject.id}/screenings`);
      assert.equal(run.statusCode, 201, run.body);
      const stored = await t.database.db
        .selectFrom('screening_runs')
        .select('hits')
        .where('id', '=', run.json().runId)
        .executeTakeFirstOrThrow();
      const text = JSON.stringify(stored.hits);
      assert.ok(text.includes('"tokens"') && text.includes('identifier matched'), text);
      assert.ok(!text.includes('LY53FP76'));
    });
  });
}
