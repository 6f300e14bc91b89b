/**
 * Alerts and decisions. A subject's screening turns each hit into an alert, unless the same list
 * entry, with the same content, was already decided for that subject (a remembered false positive,
 * or a known true match) or is already open. An analyst with `screening:resolve` decides each open
 * alert: true match or false positive, with a reason. A changed list entry alerts again. The
 * subject's `screening_status` follows its alerts: true_match > open_alerts > clear.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { inTransaction, type Tx } from '../../db/transaction.ts';
import type { Row } from '../../db/types.ts';
import type { Ctx } from '../../platform/context.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { actorRef } from '../access/actor.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { findVisibleSubject } from '../subjects/find-visible-subject.ts';
import type { ProviderMatch } from './screening-service.ts';

export type AlertStatus = 'open' | 'true_match' | 'false_positive';

export interface AlertView {
  id: string;
  subjectId: string;
  list: string;
  entityId: string;
  matchedName: string;
  score: number;
  status: AlertStatus;
  reason: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  runId: string;
  snapshotId: string | null;
  version: number;
  createdAt: string;
}

export function presentAlert(a: Row<'screening_alerts'>): AlertView {
  return {
    id: a.id,
    subjectId: a.subject_id,
    list: a.list,
    entityId: a.entity_id,
    matchedName: a.matched_name,
    score: a.score,
    status: a.status,
    reason: a.reason,
    decidedBy: a.decided_by,
    decidedAt: a.decided_at ? a.decided_at.toISOString() : null,
    runId: a.run_id,
    snapshotId: a.snapshot_id,
    version: a.version,
    createdAt: a.created_at.toISOString(),
  };
}

/** Recomputes the subject's screening status from its alerts (after a run or a decision). */
async function refreshSubjectStatus(tx: Tx, subjectId: string): Promise<string> {
  const counts = await tx
    .selectFrom('screening_alerts')
    .select([
      sql<number>`count(*) filter (where status = 'true_match')`.as('matches'),
      sql<number>`count(*) filter (where status = 'open')`.as('open'),
    ])
    .where('subject_id', '=', subjectId)
    .executeTakeFirstOrThrow();
  const status =
    Number(counts.matches) > 0 ? 'true_match' : Number(counts.open) > 0 ? 'open_alerts' : 'clear';
  await tx.updateTable('subjects').set({ screening_status: status }).where('id', '=', subjectId).execute();
  return status;
}

/**
 * Turns a subject run's matches into alerts (in the run's transaction). Returns the counts of
 * alerts raised and of hits suppressed by an earlier decision on the same list entry content.
 */
export async function raiseAlerts(
  tx: Tx,
  ctx: Ctx,
  run: { subjectId: string; runId: string; matches: readonly ProviderMatch[] },
): Promise<{ raised: number; suppressed: number; status: string }> {
  const existing = run.matches.length
    ? await tx
        .selectFrom('screening_alerts')
        .select(['entity_id', 'entity_hash', 'status'])
        .where('subject_id', '=', run.subjectId)
        .where(
          'entity_id',
          'in',
          run.matches.map((m) => m.entityId),
        )
        .execute()
    : [];
  let raised = 0;
  let suppressed = 0;
  for (const m of run.matches) {
    const prior = existing.filter((e) => e.entity_id === m.entityId);
    if (prior.some((p) => p.status === 'open')) continue;
    if (prior.some((p) => p.entity_hash === m.entityHash)) {
      suppressed++;
      continue;
    }
    await tx
      .insertInto('screening_alerts')
      .values({
        id: randomUUID(),
        subject_id: run.subjectId,
        list: m.list,
        entity_id: m.entityId,
        entity_hash: m.entityHash,
        snapshot_id: m.snapshotId || null,
        run_id: run.runId,
        score: m.score,
        matched_name: m.matchedName,
        status: 'open',
        created_at: ctx.now(),
      })
      .execute();
    raised++;
  }
  const status = await refreshSubjectStatus(tx, run.subjectId);
  await appendAudit(tx, ctx, {
    type: 'screening.alerts_raised',
    target: { type: 'subject', id: run.subjectId },
    payload: { runId: run.runId, raised, suppressed, status },
  });
  return { raised, suppressed, status };
}

export async function listSubjectAlerts(
  ctx: Ctx,
  subjectId: string,
  status?: AlertStatus,
): Promise<{ items: AlertView[] }> {
  const subject = await findVisibleSubject(ctx.db, ctx.actor, subjectId);
  if (!subject) throw notFound('subject');
  let q = ctx.db.selectFrom('screening_alerts').selectAll().where('subject_id', '=', subject.id);
  if (status) q = q.where('status', '=', status);
  const rows = await q.orderBy('created_at', 'desc').orderBy('id').limit(500).execute();
  return { items: rows.map(presentAlert) };
}

/** Decides an open alert; the subject's status follows. Optimistic on the alert's version. */
export async function resolveAlert(
  ctx: Ctx,
  input: { id: string; decision: 'true_match' | 'false_positive'; reason: string; version: number },
): Promise<AlertView> {
  return inTransaction(ctx.db, async (tx) => {
    const alert = await tx
      .selectFrom('screening_alerts')
      .selectAll()
      .where('id', '=', input.id)
      .forUpdate()
      .executeTakeFirst();
    if (!alert || !(await findVisibleSubject(tx, ctx.actor, alert.subject_id))) throw notFound('alert');
    if (alert.version !== input.version)
      throw new AppError('version_conflict', 'the alert changed since it was read', {
        currentVersion: alert.version,
      });
    if (alert.status !== 'open')
      throw new AppError('conflict', `the alert is already decided (${alert.status})`);
    const updated = await tx
      .updateTable('screening_alerts')
      .set({
        status: input.decision,
        reason: input.reason,
        decided_by: actorRef(ctx.actor),
        decided_at: ctx.now(),
        version: alert.version + 1,
      })
      .where('id', '=', alert.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const status = await refreshSubjectStatus(tx, alert.subject_id);
    await appendAudit(tx, ctx, {
      type: 'screening.alert_resolved',
      target: { type: 'subject', id: alert.subject_id },
      payload: {
        alertId: alert.id,
        decision: input.decision,
        list: alert.list,
        entityId: alert.entity_id,
        status,
      },
    });
    return presentAlert(updated);
  });
}
