import { inTransaction } from '../../db/transaction.ts';
import type { Ctx } from '../../platform/context.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { allowedTargets, canTransition, findProgramme, machineOf } from '../programmes/index.ts';
import { updateApplicationRow } from './application.repository.ts';
import { findVisibleApplication } from './find-visible-application.ts';
import type { ApplicationView, TransitionBody } from './application.schema.ts';
import { loadApplicationView } from './load-application-view.ts';

/** The application to move, the target status, an optional reason and optional expected version. */
export type TransitionApplicationInput = TransitionBody & { id: string };

/**
 * Moves an application along one of its programme's transitions. The row is locked FOR UPDATE, so
 * two concurrent moves run one after the other and the second is judged against the first's
 * result (typically `invalid_transition`). A move the programme does not declare is
 * `invalid_transition` with the allowed targets; a stale `version`, when given, is `version_conflict`.
 */
export async function transitionApplication(
  ctx: Ctx,
  input: TransitionApplicationInput,
): Promise<ApplicationView> {
  return inTransaction(ctx.db, async (tx) => {
    const row = await findVisibleApplication(tx, ctx.actor, input.id, 'update');
    if (!row) throw notFound('application');
    if (input.version !== undefined && input.version !== row.version) {
      throw new AppError(
        'version_conflict',
        `the application is at version ${row.version}, not ${input.version}`,
        { currentVersion: row.version },
      );
    }
    // FOR SHARE: the machine we judge by cannot change until this transition commits.
    const programme = await findProgramme(tx, row.programme_id, 'share');
    if (!programme) throw new Error(`application ${row.id}: programme ${row.programme_id} missing`);
    const machine = machineOf(programme);
    if (!canTransition(machine, row.status, input.to)) {
      const allowed = allowedTargets(machine, row.status);
      throw new AppError(
        'invalid_transition',
        `cannot move from "${row.status}" to "${input.to}"; allowed: ${allowed.length ? allowed.join(', ') : 'none'}`,
        { from: row.status, to: input.to, allowed },
      );
    }
    const updated = await updateApplicationRow(tx, row.id, {
      status: input.to,
      version: row.version + 1,
      updated_at: ctx.now(),
    });
    const view = await loadApplicationView(tx, updated);
    await appendAudit(tx, ctx, {
      type: 'application.status_changed',
      target: { type: 'application', id: row.id },
      payload: { from: row.status, to: input.to, reason: input.reason ?? null },
    });
    return view;
  });
}
