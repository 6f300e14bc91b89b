/**
 * Decisions with four-eyes (issue 4, item 5) over HTTP: transition rules (rights, risk limits,
 * four-eyes) of a programme's status machine, the risk level they are judged by, and the pending
 * decisions a second person confirms or rejects. Unknown risk counts as high.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createApiKey } from '../../../modules/api-keys/index.ts';
import { defaultStatusMachine, setProgrammeMembers } from '../../../modules/programmes/index.ts';
import type { ProgrammeView, TransitionInput } from '../../../modules/programmes/index.ts';
import type { Right } from '../../../modules/access/rights.ts';
import { backends } from '../../../../test/support/db.ts';
import { startTestApp, type TestApp } from '../../../../test/support/app.ts';
import {
  browser,
  controlClock,
  createStaff,
  signInWithTotp,
  type TestStaff,
} from '../../../../test/support/auth.ts';
import { auditOf, makeApplication, makeProgramme } from '../../../../test/support/factories-applications.ts';

/** The default machine with decision rules: approving needs four-eyes, analysts may approve low risk only. */
const RULED: TransitionInput[] = [
  { from: 'draft', to: 'in_review' },
  { from: 'in_review', to: 'draft' },
  {
    from: 'in_review',
    to: 'approved',
    fourEyes: true,
    limits: [
      { right: 'application:transition', maxRisk: 'low' },
      { right: 'application:approve', maxRisk: 'high' },
    ],
  },
  { from: 'in_review', to: 'rejected', right: 'application:approve' },
];

const JUNIOR: Right[] = ['application:read', 'application:transition'];
const SENIOR: Right[] = ['application:read', 'application:transition', 'application:approve'];

for (const backend of backends) {
  describe(`four-eyes decisions [${backend.kind}]`, () => {
    let t: TestApp;
    let programme: ProgrammeView;
    let junior: string;
    let junior2: string;
    let senior: string;
    let senior2: string;
    before(async () => {
      t = await startTestApp(backend);
      programme = await makeProgramme(t.ctx, {
        statuses: defaultStatusMachine().statuses,
        transitions: RULED,
      });
      [junior, junior2, senior, senior2] = await Promise.all([
        t.tokenWith(JUNIOR),
        t.tokenWith(JUNIOR),
        t.tokenWith(SENIOR),
        t.tokenWith(SENIOR),
      ]);
    });
    after(() => t.close());

    /** An application of the ruled programme, in review, at the given risk (null: unknown). */
    const inReview = async (risk: 'low' | 'medium' | 'high' | null) => {
      const app = await makeApplication(t.ctx, { programmeId: programme.id });
      const url = `/api/v1/applications/${app.id}`;
      assert.equal(
        (await t.call('POST', `${url}/transitions`, { body: { to: 'in_review' } })).statusCode,
        200,
      );
      if (risk)
        assert.equal(
          (await t.call('PATCH', `${url}/risk`, { body: { riskLevel: risk, reason: 'assessed' } }))
            .statusCode,
          200,
        );
      return { id: app.id, url };
    };
    const move = (url: string, token: string, to: string) =>
      t.call('POST', `${url}/transitions`, { token, body: { to } });
    const confirm = (url: string, token: string, decisionId: string, body: unknown = {}) =>
      t.call('POST', `${url}/decisions/${decisionId}/confirm`, { token, body });
    const reject = (url: string, token: string, decisionId: string, body: unknown = {}) =>
      t.call('POST', `${url}/decisions/${decisionId}/reject`, { token, body });
    const statusOf = async (id: string) =>
      (
        await t.database.db
          .selectFrom('applications')
          .select('status')
          .where('id', '=', id)
          .executeTakeFirstOrThrow()
      ).status;
    const refusals = async (id: string) =>
      (await auditOf(t.database.db, id))
        .filter((e) => e.type === 'application.transition_refused')
        .map((e) => e.payload);

    describe('transition rules on programmes', () => {
      it('400 for unknown rights, unknown risk levels, empty or duplicate limits and unknown fields', async () => {
        const create = (transitions: unknown[]) =>
          t.call('POST', '/api/v1/programmes', {
            body: {
              name: `Ruled ${randomUUID()}`,
              allowedEntityTypes: ['person'],
              statuses: defaultStatusMachine().statuses,
              transitions,
            },
          });
        const unknownRight = await create([{ from: 'draft', to: 'in_review', right: 'application:bless' }]);
        assert.equal(unknownRight.statusCode, 400);
        assert.deepEqual(unknownRight.json().errors, [
          { path: 'transitions/0/right', message: 'unknown right "application:bless"' },
        ]);
        const unknownLimit = await create([
          {
            from: 'draft',
            to: 'in_review',
            limits: [
              { right: 'application:transition', maxRisk: 'low' },
              { right: 'god:mode', maxRisk: 'high' },
              { right: 'application:transition', maxRisk: 'high' },
            ],
          },
        ]);
        assert.equal(unknownLimit.statusCode, 400);
        assert.deepEqual(unknownLimit.json().errors, [
          { path: 'transitions/0/limits/1/right', message: 'unknown right "god:mode"' },
          { path: 'transitions/0/limits/2/right', message: 'duplicate right "application:transition"' },
        ]);
        for (const bad of [
          { from: 'draft', to: 'in_review', maxRisk: 'extreme' },
          { from: 'draft', to: 'in_review', limits: [] },
          { from: 'draft', to: 'in_review', limits: [{ right: 'application:approve' }] },
          { from: 'draft', to: 'in_review', fourEyes: 'yes' },
          { from: 'draft', to: 'in_review', secondPerson: true },
        ])
          assert.equal((await create([bad])).statusCode, 400, JSON.stringify(bad));
        // Changing an existing programme is validated the same way.
        const patch = await t.call('PATCH', `/api/v1/programmes/${programme.id}`, {
          body: { version: programme.version, transitions: [{ from: 'draft', to: 'in_review', right: 'x' }] },
        });
        assert.equal(patch.statusCode, 400);
      });

      it('rules are stored and shown as given; a machine without rules is shown exactly as before', async () => {
        assert.deepEqual(programme.transitions, RULED);
        const fetched = await t.call('GET', `/api/v1/programmes/${programme.id}`);
        assert.deepEqual(fetched.json().transitions, RULED);
        const plain = await makeProgramme(t.ctx);
        assert.deepEqual(plain.transitions, defaultStatusMachine().transitions);
        // fourEyes: false is the same as no rule.
        const noFourEyes = await makeProgramme(t.ctx, {
          statuses: defaultStatusMachine().statuses,
          transitions: [{ from: 'draft', to: 'in_review', fourEyes: false }],
        });
        assert.deepEqual(noFourEyes.transitions, [{ from: 'draft', to: 'in_review' }]);
      });

      it('rules can be added to an existing programme and its applications follow them', async () => {
        const p = await makeProgramme(t.ctx);
        const app = await makeApplication(t.ctx, { programmeId: p.id });
        const url = `/api/v1/applications/${app.id}`;
        const patch = await t.call('PATCH', `/api/v1/programmes/${p.id}`, {
          body: {
            version: p.version,
            transitions: [{ from: 'draft', to: 'in_review', right: 'application:approve' }],
          },
        });
        assert.equal(patch.statusCode, 200, patch.body);
        const refused = await move(url, junior, 'in_review');
        assert.equal(refused.statusCode, 403);
        assert.equal(refused.json().reason, 'missing_right');
        assert.equal((await move(url, senior, 'in_review')).statusCode, 200);
      });
    });

    describe('risk level', () => {
      it('401/403/404/400 first: risk:override is needed, application:write is not enough', async () => {
        const app = await makeApplication(t.ctx, { programmeId: programme.id });
        const url = `/api/v1/applications/${app.id}/risk`;
        const body = { riskLevel: 'low', reason: 'checked' };
        assert.equal((await t.call('PATCH', url, { token: null, body })).statusCode, 401);
        const writer = await t.tokenWith(['application:read', 'application:write', 'application:transition']);
        const denied = await t.call('PATCH', url, { token: writer, body });
        assert.equal(denied.statusCode, 403);
        assert.match(denied.json().detail, /risk:override/);
        const unknown = `/api/v1/applications/${randomUUID()}/risk`;
        assert.equal((await t.call('PATCH', unknown, { body })).statusCode, 404);
        // A key of another programme: 404, not 403.
        const other = await makeProgramme(t.ctx);
        const { token: outsider } = await createApiKey(t.ctx, {
          name: 'outsider',
          rights: ['application:read', 'risk:override'],
          programmeIds: [other.id],
        });
        assert.equal((await t.call('PATCH', url, { token: outsider, body })).statusCode, 404);
        for (const bad of [
          {},
          { riskLevel: 'low' },
          { riskLevel: 'extreme', reason: 'x' },
          { riskLevel: null, reason: 'x' },
          { riskLevel: 'low', reason: ' ' },
          { ...body, status: 'approved' },
          { ...body, programmeId: other.id },
          { ...body, version: 1 },
        ])
          assert.equal((await t.call('PATCH', url, { body: bad })).statusCode, 400, JSON.stringify(bad));
        const view = await t.call('GET', `/api/v1/applications/${app.id}`);
        assert.equal(view.json().riskLevel, null);
        assert.equal(view.json().version, 1);
      });

      it('sets the level, bumps the version and audits it; the same level again is a no-op', async () => {
        const app = await makeApplication(t.ctx, { programmeId: programme.id });
        const url = `/api/v1/applications/${app.id}/risk`;
        const officer = await t.tokenWith(['application:read', 'risk:override']);
        const res = await t.call('PATCH', url, {
          token: officer,
          body: { riskLevel: 'medium', reason: 'PEP in family' },
        });
        assert.equal(res.statusCode, 200);
        assert.equal(res.json().riskLevel, 'medium');
        assert.equal(res.json().version, 2);
        const again = await t.call('PATCH', url, {
          token: officer,
          body: { riskLevel: 'medium', reason: 'x' },
        });
        assert.equal(again.json().version, 2);
        const list = await t.call('GET', `/api/v1/applications?programmeId=${programme.id}&limit=200`);
        const summary = (list.json().items as { id: string; riskLevel: string | null }[]).find(
          (a) => a.id === app.id,
        );
        assert.equal(summary?.riskLevel, 'medium');
        assert.deepEqual(
          (await auditOf(t.database.db, app.id)).filter((e) => e.type === 'application.risk_set'),
          [{ type: 'application.risk_set', payload: { from: null, to: 'medium', reason: 'PEP in family' } }],
        );
      });
    });

    describe('risk limits', () => {
      it('a junior role (application:transition, low risk only) cannot approve a high-risk application, and the refusal is audited', async () => {
        const app = await inReview('high');
        const res = await move(app.url, junior, 'approved');
        assert.equal(res.statusCode, 409);
        assert.equal(res.json().reason, 'risk_too_high');
        assert.equal(res.json().maxRisk, 'low');
        assert.equal(await statusOf(app.id), 'in_review');
        assert.equal((await t.call('GET', app.url)).json().pendingDecision, null);
        assert.deepEqual(await refusals(app.id), [
          {
            from: 'in_review',
            to: 'approved',
            reason: 'risk_too_high',
            rights: [],
            riskLevel: 'high',
            decisionId: null,
          },
        ]);
      });

      it('medium risk is above the junior limit too', async () => {
        const app = await inReview('medium');
        assert.equal((await move(app.url, junior, 'approved')).statusCode, 409);
      });

      it('unknown risk is treated as high', async () => {
        const app = await inReview(null);
        const res = await move(app.url, junior, 'approved');
        assert.equal(res.statusCode, 409);
        assert.equal(res.json().reason, 'risk_too_high');
        assert.equal(res.json().riskLevel, null);
        assert.deepEqual(
          (await refusals(app.id)).map((p) => [p['reason'], p['riskLevel']]),
          [['risk_too_high', null]],
        );
        // The role holding application:approve may.
        assert.equal((await move(app.url, senior, 'approved')).statusCode, 202);
      });

      it('a junior may prepare the approval of a low-risk application; a role with application:approve may prepare any', async () => {
        const low = await inReview('low');
        const prepared = await move(low.url, junior, 'approved');
        assert.equal(prepared.statusCode, 202);
        assert.equal(prepared.json().status, 'pending');
        const high = await inReview('high');
        assert.equal((await move(high.url, senior, 'approved')).statusCode, 202);
      });

      it('a transition requiring a right: missing_right (403) and audited with the right', async () => {
        const app = await inReview('low');
        const res = await move(app.url, junior, 'rejected');
        assert.equal(res.statusCode, 403);
        assert.equal(res.json().reason, 'missing_right');
        assert.deepEqual(res.json().rights, ['application:approve']);
        assert.deepEqual(await refusals(app.id), [
          {
            from: 'in_review',
            to: 'rejected',
            reason: 'missing_right',
            rights: ['application:approve'],
            riskLevel: 'low',
            decisionId: null,
          },
        ]);
        const ok = await move(app.url, senior, 'rejected');
        assert.equal(ok.statusCode, 200);
        assert.equal(ok.json().status, 'rejected');
      });

      it('maxRisk refuses whoever asks above it', async () => {
        const p = await makeProgramme(t.ctx, {
          statuses: defaultStatusMachine().statuses,
          transitions: [{ from: 'draft', to: 'in_review', maxRisk: 'medium' }],
        });
        const app = await makeApplication(t.ctx, { programmeId: p.id });
        const url = `/api/v1/applications/${app.id}`;
        const res = await move(url, t.adminToken, 'in_review');
        assert.equal(res.statusCode, 409);
        assert.equal(res.json().reason, 'risk_too_high');
        await t.call('PATCH', `${url}/risk`, { body: { riskLevel: 'medium', reason: 'ok' } });
        assert.equal((await move(url, t.adminToken, 'in_review')).statusCode, 200);
      });

      it('no rules: unchanged behaviour, whatever the risk (unknown included)', async () => {
        const app = await makeApplication(t.ctx);
        const url = `/api/v1/applications/${app.id}`;
        const plain = await t.tokenWith(['application:transition']);
        assert.equal((await move(url, plain, 'in_review')).statusCode, 200);
        const approved = await move(url, plain, 'approved');
        assert.equal(approved.statusCode, 200);
        assert.equal(approved.json().status, 'approved');
        assert.equal(approved.json().pendingDecision, null);
      });
    });

    describe('four-eyes', () => {
      it('the preparer cannot confirm (403 same_person, audited); a second person can, and only then does the status change', async () => {
        const app = await inReview('high');
        const prepared = await move(app.url, senior, 'approved');
        assert.equal(prepared.statusCode, 202);
        const decision = prepared.json();
        assert.equal(decision.from, 'in_review');
        assert.equal(decision.to, 'approved');
        assert.match(decision.preparedBy, /^api_key:/);
        assert.equal(await statusOf(app.id), 'in_review');
        const view = (await t.call('GET', app.url)).json();
        assert.equal(view.status, 'in_review');
        assert.equal(view.pendingDecision.id, decision.id);

        const own = await confirm(app.url, senior, decision.id);
        assert.equal(own.statusCode, 403);
        assert.equal(own.json().reason, 'same_person');
        const ownReject = await reject(app.url, senior, decision.id);
        assert.equal(ownReject.statusCode, 403);
        assert.equal(await statusOf(app.id), 'in_review');
        assert.deepEqual(
          (await refusals(app.id)).map((p) => [p['reason'], p['decisionId']]),
          [
            ['same_person', decision.id],
            ['same_person', decision.id],
          ],
        );

        const confirmed = await confirm(app.url, senior2, decision.id, { reason: 'looks right' });
        assert.equal(confirmed.statusCode, 200, confirmed.body);
        assert.equal(confirmed.json().status, 'approved');
        assert.equal(confirmed.json().pendingDecision, null);
        assert.equal(await statusOf(app.id), 'approved');
        const types = (await auditOf(t.database.db, app.id)).map((e) => e.type);
        assert.deepEqual(types.slice(-5), [
          'application.decision_prepared',
          'application.transition_refused',
          'application.transition_refused',
          'application.decision_confirmed',
          'application.status_changed',
        ]);
        const list = await t.call('GET', `${app.url}/decisions`);
        assert.equal(list.statusCode, 200);
        const [d] = list.json().items;
        assert.equal(d.status, 'confirmed');
        assert.equal(d.decidedReason, 'looks right');
        assert.notEqual(d.decidedBy, d.preparedBy);
        // Settled: neither confirmed again nor rejected.
        assert.equal((await confirm(app.url, senior2, decision.id)).statusCode, 409);
        assert.equal((await reject(app.url, junior, decision.id)).statusCode, 409);
      });

      it('the confirmer must qualify like a preparer: a junior cannot confirm a high-risk approval', async () => {
        const app = await inReview('high');
        const decision = (await move(app.url, senior, 'approved')).json();
        const res = await confirm(app.url, junior, decision.id);
        assert.equal(res.statusCode, 409);
        assert.equal(res.json().reason, 'risk_too_high');
        assert.equal(await statusOf(app.id), 'in_review');
        // Two juniors together may approve a low-risk file.
        const low = await inReview('low');
        const d2 = (await move(low.url, junior, 'approved')).json();
        assert.equal((await confirm(low.url, junior, d2.id)).statusCode, 403);
        assert.equal((await confirm(low.url, junior2, d2.id)).statusCode, 200);
        assert.equal(await statusOf(low.id), 'approved');
      });

      it('the risk is judged again at confirmation', async () => {
        const app = await inReview('low');
        const decision = (await move(app.url, junior, 'approved')).json();
        await t.call('PATCH', `${app.url}/risk`, { body: { riskLevel: 'high', reason: 'adverse media' } });
        assert.equal((await confirm(app.url, junior2, decision.id)).statusCode, 409);
        assert.equal((await confirm(app.url, senior, decision.id)).statusCode, 200);
      });

      it('one pending decision at a time; rejecting keeps the status and lets a new one be prepared', async () => {
        const app = await inReview('low');
        const first = (await move(app.url, junior, 'approved')).json();
        const second = await move(app.url, senior, 'approved');
        assert.equal(second.statusCode, 409);
        assert.equal(second.json().decisionId, first.id);
        const rejected = await reject(app.url, senior, first.id, { reason: 'missing proof of address' });
        assert.equal(rejected.statusCode, 200);
        assert.equal(rejected.json().status, 'rejected');
        assert.equal(await statusOf(app.id), 'in_review');
        assert.equal((await t.call('GET', app.url)).json().pendingDecision, null);
        assert.equal((await move(app.url, senior, 'approved')).statusCode, 202);
        const statuses = (await t.call('GET', `${app.url}/decisions`))
          .json()
          .items.map((d: { status: string }) => d.status);
        assert.deepEqual(statuses, ['rejected', 'pending']);
        assert.equal(
          (await auditOf(t.database.db, app.id)).filter((e) => e.type === 'application.decision_rejected')
            .length,
          1,
        );
      });

      it('a move that is applied withdraws the pending decision; it can then not be confirmed', async () => {
        const app = await inReview('low');
        const decision = (await move(app.url, junior, 'approved')).json();
        assert.equal((await move(app.url, junior2, 'draft')).statusCode, 200);
        const res = await confirm(app.url, senior, decision.id);
        assert.equal(res.statusCode, 409);
        assert.equal(res.json().code, 'conflict');
        assert.equal(res.json().decisionStatus, 'withdrawn');
        assert.equal(await statusOf(app.id), 'draft');
        const [d] = (await t.call('GET', `${app.url}/decisions`)).json().items;
        assert.equal(d.status, 'withdrawn');
        assert.ok(
          (await auditOf(t.database.db, app.id)).some(
            (e) => e.type === 'application.decision_withdrawn' && e.payload['cause'] === 'status_changed',
          ),
        );
      });

      it('a decision whose transition the programme dropped is withdrawn at confirmation (409)', async () => {
        const p = await makeProgramme(t.ctx, {
          statuses: defaultStatusMachine().statuses,
          transitions: RULED,
        });
        const app = await makeApplication(t.ctx, { programmeId: p.id });
        const url = `/api/v1/applications/${app.id}`;
        await move(url, t.adminToken, 'in_review');
        const decision = (await move(url, senior, 'approved')).json();
        const patch = await t.call('PATCH', `/api/v1/programmes/${p.id}`, {
          body: { version: p.version, transitions: RULED.filter((r) => r.to !== 'approved') },
        });
        assert.equal(patch.statusCode, 200);
        const res = await confirm(url, senior2, decision.id);
        assert.equal(res.statusCode, 409);
        assert.equal(res.json().code, 'invalid_transition');
        assert.equal(await statusOf(app.id), 'in_review');
        const [d] = (await t.call('GET', `${url}/decisions`)).json().items;
        assert.equal(d.status, 'withdrawn');
      });

      it('decisions of an application outside the actor programmes answer 404; an unknown decision 404', async () => {
        const app = await inReview('low');
        const decision = (await move(app.url, junior, 'approved')).json();
        const other = await makeProgramme(t.ctx);
        const { token: outsider } = await createApiKey(t.ctx, {
          name: 'outsider',
          rights: SENIOR,
          programmeIds: [other.id],
        });
        assert.equal((await t.call('GET', `${app.url}/decisions`, { token: outsider })).statusCode, 404);
        assert.equal((await confirm(app.url, outsider, decision.id)).statusCode, 404);
        assert.equal((await reject(app.url, outsider, decision.id)).statusCode, 404);
        assert.equal((await confirm(app.url, senior, randomUUID())).statusCode, 404);
        // A decision of another application is not found through this one.
        const elsewhere = await inReview('low');
        assert.equal((await confirm(elsewhere.url, senior, decision.id)).statusCode, 404);
        assert.equal(await statusOf(app.id), 'in_review');
      });

      it('401/403/400 on the decision routes', async () => {
        const app = await inReview('low');
        const decision = (await move(app.url, junior, 'approved')).json();
        const c = `${app.url}/decisions/${decision.id}/confirm`;
        const r = `${app.url}/decisions/${decision.id}/reject`;
        for (const url of [c, r]) {
          assert.equal((await t.call('POST', url, { token: null, body: {} })).statusCode, 401);
          const reader = await t.tokenWith(['application:read', 'application:write', 'application:approve']);
          const res = await t.call('POST', url, { token: reader, body: {} });
          assert.equal(res.statusCode, 403);
          assert.match(res.json().detail, /application:transition/);
          for (const bad of [{ status: 'approved' }, { reason: '' }, { decidedBy: 'staff:x' }])
            assert.equal((await t.call('POST', url, { token: senior, body: bad })).statusCode, 400);
        }
        assert.equal(
          (await t.call('GET', `${app.url}/decisions`, { token: await t.tokenWith(['application:write']) }))
            .statusCode,
          403,
        );
        assert.equal(
          (await t.call('GET', `${app.url}/decisions`, { token: await t.tokenWith(['application:read']) }))
            .statusCode,
          200,
        );
        assert.equal((await t.call('GET', `/api/v1/applications/not-a-uuid/decisions`)).statusCode, 400);
        assert.equal(
          (await t.call('POST', `${app.url}/decisions/not-a-uuid/confirm`, { body: {} })).statusCode,
          400,
        );
        assert.equal(await statusOf(app.id), 'in_review');
      });
    });

    describe('mass assignment', () => {
      it('status, programmeId, createdBy and riskLevel are refused where they are not allowed', async () => {
        const app = await makeApplication(t.ctx, { programmeId: programme.id });
        const url = `/api/v1/applications/${app.id}`;
        const applicant = app.subjects[0]!.id;
        const create = { programmeId: programme.id, subjects: [{ subjectId: applicant, role: 'applicant' }] };
        for (const extra of [
          { status: 'approved' },
          { createdBy: 'staff:someone' },
          { riskLevel: 'low' },
          { id: randomUUID() },
          { reference: 'APP-1' },
        ]) {
          const res = await t.call('POST', '/api/v1/applications', { body: { ...create, ...extra } });
          assert.equal(res.statusCode, 400, `create with ${JSON.stringify(extra)}`);
          assert.deepEqual(res.json().errors, [
            { path: `body/${Object.keys(extra)[0]}`, message: 'unknown field' },
          ]);
        }
        for (const extra of [
          { status: 'approved' },
          { programmeId: randomUUID() },
          { createdBy: 'staff:someone' },
          { riskLevel: 'low' },
          { fourEyes: false },
          { preparedBy: 'api_key:x' },
        ])
          assert.equal(
            (await t.call('POST', `${url}/transitions`, { body: { to: 'in_review', ...extra } })).statusCode,
            400,
            `transition with ${JSON.stringify(extra)}`,
          );
        for (const extra of [{ status: 'approved' }, { programmeId: randomUUID() }, { riskLevel: 'low' }])
          assert.equal(
            (await t.call('PUT', `${url}/assignee`, { body: { assigneeId: null, ...extra } })).statusCode,
            400,
          );
        for (const extra of [{ status: 'approved' }, { createdBy: 'staff:x' }, { author: 'staff:x' }])
          assert.equal(
            (await t.call('POST', `${url}/notes`, { body: { body: 'x', ...extra } })).statusCode,
            400,
          );
        const view = (await t.call('GET', url)).json();
        assert.equal(view.status, 'draft');
        assert.equal(view.riskLevel, null);
        assert.equal(view.programme.id, programme.id);
        assert.equal(view.version, 1);
      });
    });

    describe('staff sessions', () => {
      it('two staff users: the preparer cannot confirm, the second person can', async () => {
        const clock = controlClock(t);
        const preparer: TestStaff = await createStaff(t, { totp: true, rights: SENIOR });
        const confirmer: TestStaff = await createStaff(t, { totp: true, rights: SENIOR });
        await setProgrammeMembers(t.ctx, programme.id, [preparer.id, confirmer.id]);
        const a = await signInWithTotp(t, preparer, clock);
        const b = await signInWithTotp(t, confirmer, clock);
        const app = await inReview('high');
        const as = (s: { token: string; csrf: string }, method: string, url: string, body?: unknown) =>
          browser(t, method, url, { cookie: s.token, csrf: s.csrf, body });

        const prepared = await as(a, 'POST', `${app.url}/transitions`, {
          to: 'approved',
          reason: 'all clear',
        });
        assert.equal(prepared.statusCode, 202, prepared.body);
        const decision = prepared.json();
        assert.equal(decision.preparedBy, `staff:${preparer.id}`);
        const own = await as(a, 'POST', `${app.url}/decisions/${decision.id}/confirm`, {});
        assert.equal(own.statusCode, 403);
        assert.equal(own.json().reason, 'same_person');
        assert.equal(await statusOf(app.id), 'in_review');
        const refusal = await t.database.db
          .selectFrom('audit_events')
          .select(['actor', 'payload'])
          .where('target_id', '=', app.id)
          .where('type', '=', 'application.transition_refused')
          .executeTakeFirstOrThrow();
        assert.equal(refusal.actor, `staff:${preparer.id}`);
        assert.equal(refusal.payload['reason'], 'same_person');

        const ok = await as(b, 'POST', `${app.url}/decisions/${decision.id}/confirm`, {});
        assert.equal(ok.statusCode, 200, ok.body);
        assert.equal(ok.json().status, 'approved');
        const confirmed = await t.database.db
          .selectFrom('audit_events')
          .select(['actor', 'payload'])
          .where('target_id', '=', app.id)
          .where('type', '=', 'application.decision_confirmed')
          .executeTakeFirstOrThrow();
        assert.equal(confirmed.actor, `staff:${confirmer.id}`);
        assert.equal(confirmed.payload['preparedBy'], `staff:${preparer.id}`);
        // The status change carries the preparer's reason.
        const changed = (await auditOf(t.database.db, app.id)).at(-1);
        assert.deepEqual(changed, {
          type: 'application.status_changed',
          payload: { from: 'in_review', to: 'approved', reason: 'all clear' },
        });
      });
    });
  });
}
