/**
 * The dashboard's counts, SQL only. Every function takes the programmes the actor sees (`scope`:
 * null for every programme, else these ids, possibly none) and counts nothing outside them.
 */
import { sql } from 'kysely';
import type { Executor } from '../../db/transaction.ts';
import type { RiskLevel, StatusDef } from '../../db/types.ts';
import { visibleIn } from '../subjects/subject.repository.ts';

/** null: every programme; else these ids. */
export type DashboardScope = string[] | null;

const count = sql<number>`count(*)::int`;

/** The programmes in scope with their status machines, by name. */
export async function scopedProgrammes(db: Executor, scope: DashboardScope) {
  if (scope?.length === 0) return [];
  let q = db.selectFrom('programmes').select(['id', 'name', 'statuses']);
  if (scope) q = q.where('id', 'in', scope);
  const rows = await q.orderBy('name').orderBy('id').execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    statuses: (typeof r.statuses === 'string' ? JSON.parse(r.statuses) : r.statuses) as StatusDef[],
  }));
}

/** Application counts per programme, status and risk level. */
export async function applicationCounts(
  db: Executor,
  scope: DashboardScope,
): Promise<{ programme_id: string; status: string; risk_level: RiskLevel | null; count: number }[]> {
  if (scope?.length === 0) return [];
  let q = db
    .selectFrom('applications')
    .select(['programme_id', 'status', 'risk_level', count.as('count')])
    .groupBy(['programme_id', 'status', 'risk_level']);
  if (scope) q = q.where('programme_id', 'in', scope);
  return q.execute();
}

/** Pending four-eyes decisions of applications in scope. */
export async function pendingDecisionCount(db: Executor, scope: DashboardScope): Promise<number> {
  if (scope?.length === 0) return 0;
  let q = db
    .selectFrom('application_decisions as d')
    .innerJoin('applications as a', 'a.id', 'd.application_id')
    .select(count.as('count'))
    .where('d.status', '=', 'pending');
  if (scope) q = q.where('a.programme_id', 'in', scope);
  return (await q.executeTakeFirstOrThrow()).count;
}

/** Open screening alerts per list, and how many distinct subjects have one, among visible subjects. */
export async function openAlertCounts(
  db: Executor,
  scope: DashboardScope,
): Promise<{ byList: { list: string; count: number }[]; subjects: number }> {
  if (scope?.length === 0) return { byList: [], subjects: 0 };
  let base = db.selectFrom('screening_alerts as al').where('al.status', '=', 'open');
  if (scope)
    base = base.where('al.subject_id', 'in', (eb) =>
      eb.selectFrom('subjects').select('subjects.id').where(visibleIn(scope)),
    );
  const [byList, subjects] = await Promise.all([
    base
      .select(['al.list', count.as('count')])
      .groupBy('al.list')
      .orderBy('al.list')
      .execute(),
    base.select(sql<number>`count(distinct al.subject_id)::int`.as('count')).executeTakeFirstOrThrow(),
  ]);
  return { byList, subjects: subjects.count };
}

/** Open client requests of applications in scope, by due date relative to `now`. */
export async function openRequestCounts(
  db: Executor,
  scope: DashboardScope,
  now: Date,
): Promise<{ overdue: number; dueWithin7Days: number; dueLater: number }> {
  if (scope?.length === 0) return { overdue: 0, dueWithin7Days: 0, dueLater: 0 };
  const week = new Date(now.getTime() + 7 * 24 * 3600 * 1000);
  let q = db
    .selectFrom('client_requests as r')
    .innerJoin('applications as a', 'a.id', 'r.application_id')
    .select([
      sql<number>`count(*) filter (where r.due_at < ${now})::int`.as('overdue'),
      sql<number>`count(*) filter (where r.due_at >= ${now} and r.due_at < ${week})::int`.as(
        'dueWithin7Days',
      ),
      sql<number>`count(*) filter (where r.due_at >= ${week})::int`.as('dueLater'),
    ])
    .where('r.status', '=', 'open');
  if (scope) q = q.where('a.programme_id', 'in', scope);
  return q.executeTakeFirstOrThrow();
}

/** Live (not deleted) documents of programmes in scope, by expiry date relative to `today` (YYYY-MM-DD). */
export async function documentExpiryCounts(
  db: Executor,
  scope: DashboardScope,
  today: string,
  in30: string,
  in90: string,
): Promise<{ expired: number; expiringWithin30Days: number; expiringWithin90Days: number }> {
  if (scope?.length === 0) return { expired: 0, expiringWithin30Days: 0, expiringWithin90Days: 0 };
  let q = db
    .selectFrom('documents as d')
    .select([
      sql<number>`count(*) filter (where d.expiry_date < ${today}::date)::int`.as('expired'),
      sql<number>`count(*) filter (where d.expiry_date >= ${today}::date and d.expiry_date <= ${in30}::date)::int`.as(
        'expiringWithin30Days',
      ),
      sql<number>`count(*) filter (where d.expiry_date > ${in30}::date and d.expiry_date <= ${in90}::date)::int`.as(
        'expiringWithin90Days',
      ),
    ])
    .where('d.deleted_at', 'is', null)
    .where('d.expiry_date', 'is not', null);
  if (scope) q = q.where('d.programme_id', 'in', scope);
  return q.executeTakeFirstOrThrow();
}
