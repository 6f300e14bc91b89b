import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { backends, type TestDatabase } from '../../../test/support/db.ts';
import { testCtx } from '../../../test/support/context.ts';
import { auditOf, makeApplication, makeProgramme } from '../../../test/support/factories-applications.ts';
import { updateProgramme } from '../programmes/index.ts';
import { transitionApplication } from './transition-application.ts';

const codeOf = (r: PromiseSettledResult<unknown>) =>
  r.status === 'fulfilled' ? 'ok' : r.reason instanceof AppError ? r.reason.code : String(r.reason);

for (const backend of backends) {
  describe(`transitionApplication [${backend.kind}]`, () => {
    let database: TestDatabase;
    let ctx: Ctx;
    before(async () => {
      database = await backend.open();
      ctx = testCtx(database.db, { rights: 'all' });
    });
    after(() => database.dispose());

    it('moves the application, bumps the version and writes the audit event in the same transaction', async () => {
      const app = await makeApplication(ctx);
      const result = await transitionApplication(ctx, { id: app.id, to: 'in_review' });
      assert.equal(result.outcome === 'applied' && result.application.status, 'in_review');
      const row = await database.db
        .selectFrom('applications')
        .select(['status', 'version'])
        .where('id', '=', app.id)
        .executeTakeFirstOrThrow();
      assert.deepEqual(row, { status: 'in_review', version: 2 });
      const events = await auditOf(database.db, app.id);
      assert.deepEqual(events.at(-1), {
        type: 'application.status_changed',
        payload: { from: 'draft', to: 'in_review', reason: null },
      });
      const audit = await database.db
        .selectFrom('audit_events')
        .select(['actor', 'target_type'])
        .where('target_id', '=', app.id)
        .where('type', '=', 'application.status_changed')
        .executeTakeFirstOrThrow();
      assert.deepEqual(audit, { actor: 'system:test', target_type: 'application' });
    });

    it('a transition racing a programme change that removes its target: never both succeed', async () => {
      for (let i = 0; i < 5; i++) {
        const programme = await makeProgramme(ctx);
        const app = await makeApplication(ctx, { programmeId: programme.id });
        // The programme change drops in_review (and every transition touching it).
        const change = updateProgramme(ctx, {
          id: programme.id,
          version: 1,
          statuses: programme.statuses.filter((s) => s.key !== 'in_review'),
          transitions: [
            { from: 'draft', to: 'approved' },
            { from: 'draft', to: 'rejected' },
          ],
        });
        const move = transitionApplication(ctx, { id: app.id, to: 'in_review' });
        const [changed, moved] = (await Promise.allSettled([change, move])).map(codeOf);
        assert.ok(
          (changed === 'ok' && moved === 'invalid_transition') || (changed === 'conflict' && moved === 'ok'),
          `programme change: ${changed}, transition: ${moved}`,
        );
        const status = (
          await database.db
            .selectFrom('applications')
            .select('status')
            .where('id', '=', app.id)
            .executeTakeFirstOrThrow()
        ).status;
        const keys = (
          await database.db
            .selectFrom('programmes')
            .select('statuses')
            .where('id', '=', programme.id)
            .executeTakeFirstOrThrow()
        ).statuses.map((s) => s.key);
        assert.ok(
          keys.includes(status),
          `application status "${status}" exists in the programme (${keys.join(', ')})`,
        );
      }
    });
  });
}
