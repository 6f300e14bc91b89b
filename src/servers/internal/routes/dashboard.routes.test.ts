/**
 * GET /api/v1/dashboard: 401 without credentials, 403 without application:read; counts only within
 * the caller's programmes (a key of one programme never counts another's applications, alerts,
 * requests or documents); the screening and document sections only for callers with the rights to
 * see those lists.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createApiKey } from '../../../modules/api-keys/index.ts';
import type { DashboardView } from '../../../modules/dashboard/index.ts';
import type { ProgrammeView } from '../../../modules/programmes/index.ts';
import { backends } from '../../../../test/support/db.ts';
import { startTestApp, type TestApp } from '../../../../test/support/app.ts';
import { makeApplication, makeProgramme } from '../../../../test/support/factories-applications.ts';

const DAY = 24 * 3600 * 1000;
const isoDate = (d: Date) => d.toISOString().slice(0, 10);

for (const backend of backends) {
  describe(`dashboard route [${backend.kind}]`, () => {
    let t: TestApp;
    let mine: ProgrammeView;
    let other: ProgrammeView;
    /** A key of `mine` only, with every right the dashboard looks at. */
    let member: string;

    /** Arranges, in `programme`: applications, a pending decision, an alert, requests and documents. */
    async function arrange(programme: ProgrammeView) {
      const a1 = await makeApplication(t.ctx, { programmeId: programme.id });
      const a2 = await makeApplication(t.ctx, { programmeId: programme.id });
      const a3 = await makeApplication(t.ctx, { programmeId: programme.id });
      const url = (id: string) => `/api/v1/applications/${id}`;
      for (const id of [a2.id, a3.id])
        assert.equal(
          (await t.call('POST', `${url(id)}/transitions`, { body: { to: 'in_review' } })).statusCode,
          200,
        );
      const risk = await t.call('PATCH', `${url(a2.id)}/risk`, { body: { riskLevel: 'low', reason: 'ok' } });
      assert.equal(risk.statusCode, 200, risk.body);
      const rejected = await t.call('POST', `${url(a3.id)}/transitions`, { body: { to: 'rejected' } });
      assert.equal(rejected.statusCode, 200, rejected.body);
      const db = t.database.db;
      const now = new Date();
      // An open alert and a resolved one on the applicant of a1.
      const subjectId = a1.subjects[0]!.id;
      const runId = randomUUID();
      await db
        .insertInto('screening_runs')
        .values({
          id: runId,
          subject_id: subjectId,
          query: '{}',
          profile: '{}',
          list_snapshots: '[]',
          hits: '[]',
          hit_count: 2,
          created_by: 'system:test',
          created_at: now,
        })
        .execute();
      for (const status of ['open', 'false_positive'] as const)
        await db
          .insertInto('screening_alerts')
          .values({
            id: randomUUID(),
            subject_id: subjectId,
            list: 'un',
            entity_id: randomUUID(),
            entity_hash: 'x',
            snapshot_id: null,
            run_id: runId,
            score: 0.9,
            matched_name: 'Someone',
            status,
            reason: status === 'open' ? null : 'not the same person',
            decided_by: status === 'open' ? null : 'system:test',
            decided_at: status === 'open' ? null : now,
            created_at: now,
          })
          .execute();
      // Requests: one overdue, one due in three days, one in a month, one completed.
      for (const [days, status] of [
        [-2, 'open'],
        [3, 'open'],
        [30, 'open'],
        [-5, 'completed'],
      ] as const)
        await db
          .insertInto('client_requests')
          .values({
            id: randomUUID(),
            application_id: a1.id,
            title: 'Please send',
            message: 'The latest accounts',
            due_at: new Date(now.getTime() + days * DAY),
            status,
            created_by: 'system:test',
            created_at: now,
            updated_at: now,
            completed_at: status === 'completed' ? now : null,
          })
          .execute();
      // Documents: expired, in 10 days, in 60 days, in a year, deleted-and-expired, without expiry.
      for (const [days, deleted] of [
        [-1, false],
        [10, false],
        [60, false],
        [365, false],
        [-3, true],
        [null, false],
      ] as const)
        await db
          .insertInto('documents')
          .values({
            id: randomUUID(),
            subject_id: subjectId,
            programme_id: programme.id,
            document_type: 'passport',
            expiry_date: days === null ? null : isoDate(new Date(now.getTime() + days * DAY)),
            created_by: 'system:test',
            created_at: now,
            updated_at: now,
            deleted_at: deleted ? now : null,
            deleted_by: deleted ? 'system:test' : null,
            destroy_after: deleted ? new Date(now.getTime() + 30 * DAY) : null,
          })
          .execute();
    }

    before(async () => {
      t = await startTestApp(backend);
      const fourEyes = {
        statuses: [
          { key: 'draft', label: 'Draft', initial: true },
          { key: 'in_review', label: 'In review' },
          { key: 'approved', label: 'Approved', terminal: true },
          { key: 'rejected', label: 'Rejected', terminal: true },
        ],
        transitions: [
          { from: 'draft', to: 'in_review' },
          { from: 'in_review', to: 'approved', fourEyes: true },
          { from: 'in_review', to: 'rejected' },
        ],
      };
      mine = await makeProgramme(t.ctx, fourEyes);
      other = await makeProgramme(t.ctx, fourEyes);
      await arrange(mine);
      await arrange(other);
      ({ token: member } = await createApiKey(t.ctx, {
        name: 'member',
        rights: ['application:read', 'screening:run', 'subject:read'],
        programmeIds: [mine.id],
      }));
      // One four-eyes decision prepared in `mine`.
      const list = await t.call('GET', `/api/v1/applications?programmeId=${mine.id}&status=in_review`);
      const inReview = list.json().items[0].id as string;
      const prepared = await t.call('POST', `/api/v1/applications/${inReview}/transitions`, {
        body: { to: 'approved' },
      });
      assert.equal(prepared.statusCode, 202, prepared.body);
    });
    after(() => t.close());

    it('401 without credentials, 403 without application:read', async () => {
      assert.equal((await t.call('GET', '/api/v1/dashboard', { token: null })).statusCode, 401);
      assert.equal((await t.call('GET', '/api/v1/dashboard', { token: t.noRightsToken })).statusCode, 403);
      const screener = await t.tokenWith(['screening:run', 'subject:read']);
      assert.equal((await t.call('GET', '/api/v1/dashboard', { token: screener })).statusCode, 403);
    });

    it("counts only the caller's programmes", async () => {
      const res = await t.call('GET', '/api/v1/dashboard', { token: member });
      assert.equal(res.statusCode, 200, res.body);
      const d = res.json() as DashboardView;
      assert.deepEqual(
        d.programmes.map((p) => [p.id, p.applications]),
        [[mine.id, 3]],
      );
      assert.deepEqual(
        d.programmes[0]!.statuses.map((s) => s.key),
        ['draft', 'in_review', 'approved', 'rejected'],
      );
      assert.equal(d.applications.total, 3);
      assert.deepEqual(
        d.applications.byStatus.map((s) => [s.status, s.label, s.terminal, s.count]),
        [
          ['draft', 'Draft', false, 1],
          ['in_review', 'In review', false, 1],
          ['approved', 'Approved', true, 0],
          ['rejected', 'Rejected', true, 1],
        ],
      );
      // The rejected application is closed: only the two open ones count by risk.
      assert.deepEqual(d.applications.openByRisk, [
        { riskLevel: 'low', count: 1 },
        { riskLevel: 'medium', count: 0 },
        { riskLevel: 'high', count: 0 },
        { riskLevel: null, count: 1 },
      ]);
      assert.equal(d.applications.decisionsAwaiting, 1);
      assert.deepEqual(d.screening, {
        openAlerts: 1,
        subjectsWithOpenAlerts: 1,
        byList: [{ list: 'un', count: 1 }],
      });
      assert.deepEqual(d.requests, { overdue: 1, dueWithin7Days: 1, dueLater: 1 });
      assert.deepEqual(d.documents, { expired: 1, expiringWithin30Days: 1, expiringWithin90Days: 1 });
    });

    it('an actor of every programme counts both', async () => {
      const d = (await t.call('GET', '/api/v1/dashboard')).json() as DashboardView;
      const ids = d.programmes.map((p) => p.id);
      assert.ok(ids.includes(mine.id) && ids.includes(other.id));
      assert.ok(d.applications.total >= 6);
      assert.ok(d.screening!.openAlerts >= 2);
      assert.ok(d.requests.overdue >= 2);
    });

    it('a member of no programme sees zeros; sections need their rights', async () => {
      const { token: nobody } = await createApiKey(t.ctx, {
        name: 'no programme',
        rights: ['application:read', 'screening:run', 'subject:read'],
        programmeIds: [],
      });
      const none = (await t.call('GET', '/api/v1/dashboard', { token: nobody })).json() as DashboardView;
      assert.deepEqual(none.programmes, []);
      assert.equal(none.applications.total, 0);
      assert.equal(none.applications.decisionsAwaiting, 0);
      assert.deepEqual(none.screening, { openAlerts: 0, subjectsWithOpenAlerts: 0, byList: [] });
      assert.deepEqual(none.requests, { overdue: 0, dueWithin7Days: 0, dueLater: 0 });
      assert.deepEqual(none.documents, { expired: 0, expiringWithin30Days: 0, expiringWithin90Days: 0 });
      const { token: reader } = await createApiKey(t.ctx, {
        name: 'reader',
        rights: ['application:read'],
        programmeIds: [mine.id],
      });
      const d = (await t.call('GET', '/api/v1/dashboard', { token: reader })).json() as DashboardView;
      assert.equal(d.applications.total, 3);
      assert.equal(d.screening, null);
      assert.equal(d.documents, null);
      assert.deepEqual(d.requests, { overdue: 1, dueWithin7Days: 1, dueLater: 1 });
    });
  });
}
