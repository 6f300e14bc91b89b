import type { Ctx } from '../../platform/context.ts';
import { programmeFilter } from '../access/actor.ts';
import type { RiskLevel } from '../../db/types.ts';
import type { DashboardView } from './dashboard.schema.ts';
import {
  applicationCounts,
  documentExpiryCounts,
  openAlertCounts,
  openRequestCounts,
  pendingDecisionCount,
  scopedProgrammes,
} from './dashboard.repository.ts';

const RISK_ORDER: (RiskLevel | null)[] = ['low', 'medium', 'high', null];
const DAY = 24 * 3600 * 1000;
const isoDate = (d: Date) => d.toISOString().slice(0, 10);

/**
 * The home dashboard: applications by status and (open ones) by risk, four-eyes decisions waiting,
 * open screening alerts, requests to clients and documents falling due. Everything is counted
 * within the actor's programmes only; the screening and document sections are null for an actor
 * without the right to see those (`screening:run`, `subject:read`), so counts never tell more than
 * the lists they link to.
 */
export async function getDashboard(ctx: Ctx): Promise<DashboardView> {
  const scope = programmeFilter(ctx.actor);
  const now = ctx.now();
  const rights = ctx.actor.rights;
  const [programmes, apps, decisionsAwaiting, alerts, requests, documents] = await Promise.all([
    scopedProgrammes(ctx.db, scope),
    applicationCounts(ctx.db, scope),
    pendingDecisionCount(ctx.db, scope),
    rights.has('screening:run') ? openAlertCounts(ctx.db, scope) : null,
    openRequestCounts(ctx.db, scope, now),
    rights.has('subject:read')
      ? documentExpiryCounts(
          ctx.db,
          scope,
          isoDate(now),
          isoDate(new Date(now.getTime() + 30 * DAY)),
          isoDate(new Date(now.getTime() + 90 * DAY)),
        )
      : null,
  ]);

  const statusDef = new Map<string, { label: string; terminal: boolean }>();
  const terminalIn = new Map<string, Set<string>>();
  for (const p of programmes) {
    terminalIn.set(p.id, new Set(p.statuses.filter((s) => s.terminal).map((s) => s.key)));
    for (const s of p.statuses)
      if (!statusDef.has(s.key)) statusDef.set(s.key, { label: s.label, terminal: s.terminal === true });
  }
  const perProgramme = new Map<string, number>();
  const perStatus = new Map<string, number>();
  const perRisk = new Map<RiskLevel | null, number>();
  let total = 0;
  for (const row of apps) {
    total += row.count;
    perProgramme.set(row.programme_id, (perProgramme.get(row.programme_id) ?? 0) + row.count);
    perStatus.set(row.status, (perStatus.get(row.status) ?? 0) + row.count);
    if (!terminalIn.get(row.programme_id)?.has(row.status))
      perRisk.set(row.risk_level, (perRisk.get(row.risk_level) ?? 0) + row.count);
  }
  // Statuses in the order the programmes declare them, then any status no programme declares any more.
  const statusKeys = [...statusDef.keys(), ...[...perStatus.keys()].filter((k) => !statusDef.has(k)).sort()];

  return {
    generatedAt: now.toISOString(),
    programmes: programmes.map((p) => ({
      id: p.id,
      name: p.name,
      statuses: p.statuses.map((s) => ({ key: s.key, label: s.label, terminal: s.terminal === true })),
      applications: perProgramme.get(p.id) ?? 0,
    })),
    applications: {
      total,
      byStatus: statusKeys.map((key) => ({
        status: key,
        label: statusDef.get(key)?.label ?? key,
        terminal: statusDef.get(key)?.terminal ?? false,
        count: perStatus.get(key) ?? 0,
      })),
      openByRisk: RISK_ORDER.map((riskLevel) => ({ riskLevel, count: perRisk.get(riskLevel) ?? 0 })),
      decisionsAwaiting,
    },
    screening: alerts
      ? {
          openAlerts: alerts.byList.reduce((n, l) => n + l.count, 0),
          subjectsWithOpenAlerts: alerts.subjects,
          byList: alerts.byList,
        }
      : null,
    requests,
    documents,
  };
}
