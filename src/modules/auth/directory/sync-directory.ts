/**
 * Directory sync: brings every directory user of Dossier in line with the directory.
 *
 * - full: every member of a mapped group (created, updated, enabled or disabled), then every
 *   directory user of Dossier not among them, read by DN: removed from the directory or from every
 *   mapped group, or disabled there, they are disabled here and lose every session at once;
 * - changed: entries changed at or after the last run's high-water mark (the directory's own
 *   modifyTimestamp/whenChanged, never Dossier's clock); a change of group membership touches the
 *   group's entry and not the member's, so when a mapped group changed its members and every
 *   directory user of Dossier are read again. Deletions that touch no mapped group are caught by the
 *   next full run (periodic, by default daily).
 *
 * One run at a time (a partial unique index); each user's change commits on its own with its audit
 * event, so one bad entry does not stop the rest (counted as an error); the run's summary is audited.
 */
import { randomUUID } from 'node:crypto';
import { inTransaction } from '../../../db/transaction.ts';
import { isUniqueViolation } from '../../../db/errors.ts';
import type { Ctx } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import { sameDn, type DirectoryUser } from '../../../platform/ldap/directory.ts';
import { actorRef } from '../../access/actor.ts';
import { appendAudit } from '../../audit/audit.repository.ts';
import { applyDirectoryUser, type ApplyOutcome } from './apply-directory-user.ts';
import {
  lastSuccessfulRun,
  listDirectoryUsers,
  listMappings,
  type MappingRow,
  type SyncRunRow,
} from './directory.repository.ts';
import type { DirectoryServices } from './directory.options.ts';
import type { SyncRunView } from './directory.schema.ts';

export interface SyncDirectoryInput {
  /** `auto`: full when none ran for `fullSyncEveryMs` (or ever), else changed. */
  mode: 'full' | 'changed' | 'auto';
  trigger: 'schedule' | 'api' | 'cli';
}

const EPOCH = '19700101000000Z';

/** `20261125024000.0Z` → `20261125024000Z`: comparable as text, and safe in a filter. */
function normaliseTime(t: string | null): string | null {
  const m = t ? /^(\d{14})(\.\d+)?Z$/.exec(t) : null;
  return m ? `${m[1]}Z` : null;
}

function later(a: string | null, b: string | null): string | null {
  const x = normaliseTime(a);
  const y = normaliseTime(b);
  if (!x) return y;
  if (!y) return x;
  return x > y ? x : y;
}

export function presentSyncRun(r: SyncRunRow): SyncRunView {
  return {
    id: r.id,
    mode: r.mode,
    status: r.status,
    trigger: r.trigger,
    startedAt: r.started_at.toISOString(),
    finishedAt: r.finished_at ? r.finished_at.toISOString() : null,
    seen: r.seen,
    created: r.created,
    updated: r.updated,
    disabled: r.disabled,
    enabled: r.enabled,
    unchanged: r.unchanged,
    errors: r.errors,
    error: r.error,
    highWaterMark: r.high_water_mark,
  };
}

/**
 * Runs one sync and returns its record (failed runs too: the directory being unreachable is a
 * result, recorded and audited, not an exception).
 * @throws AppError conflict when another sync is running.
 */
export async function syncDirectory(
  ctx: Ctx,
  services: DirectoryServices,
  input: SyncDirectoryInput,
): Promise<SyncRunView> {
  const now = ctx.now();
  const lastFull = await lastSuccessfulRun(ctx.db, 'full');
  const last = await lastSuccessfulRun(ctx.db);
  let mode: 'full' | 'changed' =
    input.mode === 'auto'
      ? !lastFull || now.getTime() - lastFull.started_at.getTime() >= services.fullSyncEveryMs
        ? 'full'
        : 'changed'
      : input.mode;
  const since = last?.high_water_mark ?? null;
  if (mode === 'changed' && !since) mode = 'full';

  const runId = randomUUID();
  try {
    await inTransaction(ctx.db, async (tx) => {
      await tx
        .updateTable('directory_sync_runs')
        .set({ status: 'failed', finished_at: now, error: 'lease expired (the process running it stopped)' })
        .where('status', '=', 'running')
        .where('lease_until', '<', now)
        .execute();
      await tx
        .insertInto('directory_sync_runs')
        .values({
          id: runId,
          mode,
          status: 'running',
          trigger: input.trigger,
          started_at: now,
          lease_until: new Date(now.getTime() + services.runLeaseMs),
          started_by: actorRef(ctx.actor),
        })
        .execute();
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError('conflict', 'a directory sync is already running');
    throw err;
  }

  const counts = { seen: 0, created: 0, updated: 0, disabled: 0, enabled: 0, unchanged: 0, errors: 0 };
  const count = (o: ApplyOutcome) => {
    if (o.outcome === 'created') counts.created++;
    else if (o.outcome === 'updated') counts.updated++;
    else if (o.outcome === 'disabled') counts.disabled++;
    else if (o.outcome === 'enabled') counts.enabled++;
    else if (o.outcome === 'refused') counts.errors++;
    else counts.unchanged++;
  };
  try {
    const mappings = await listMappings(ctx.db);
    const groupDns = [...new Map(mappings.map((m) => [m.group_dn.toLowerCase(), m.group_dn])).values()];
    const client = services.client;
    let hwm = since;
    let entries: DirectoryUser[];
    let recheckAll: boolean;
    if (mode === 'full') {
      entries = await client.listMembersOf(groupDns);
      for (const g of await client.groupsChangedSince(groupDns, EPOCH)) hwm = later(hwm, g.changedAt);
      recheckAll = true;
    } else {
      const changedGroups = await client.groupsChangedSince(groupDns, since!);
      for (const g of changedGroups) hwm = later(hwm, g.changedAt);
      entries = await client.listUsersChangedSince(since!);
      if (changedGroups.length) entries.push(...(await client.listMembersOf(changedGroups.map((g) => g.dn))));
      recheckAll = changedGroups.length > 0;
    }
    const seen = new Map<string, DirectoryUser>();
    for (const e of entries) seen.set(e.dn.toLowerCase(), e);
    for (const e of seen.values()) {
      hwm = later(hwm, e.changedAt);
      counts.seen++;
      await applyOne(ctx, { entry: e, mappings, allowCreate: true }, count, counts);
    }
    const known = await listDirectoryUsers(ctx.db);
    for (const u of known) {
      const done = [...seen.values()].some(
        (e) => (e.id && e.id === u.directory_id) || sameDn(e.dn, u.directory_dn ?? ''),
      );
      if (done) continue;
      // In changed mode only the users a changed entry or group may concern are read again.
      if (!recheckAll) continue;
      try {
        const entry = await client.readUser(u.directory_dn!);
        counts.seen++;
        await applyOne(ctx, { entry, userId: u.id, mappings, allowCreate: false }, count, counts);
      } catch (err) {
        if (isDirectoryDown(err)) throw err;
        counts.errors++;
      }
    }
    const row = await inTransaction(ctx.db, async (tx) => {
      const finished = await tx
        .updateTable('directory_sync_runs')
        .set({ ...counts, status: 'succeeded', finished_at: ctx.now(), high_water_mark: hwm })
        .where('id', '=', runId)
        .returningAll()
        .executeTakeFirstOrThrow();
      await appendAudit(tx, ctx, {
        type: 'directory.sync_completed',
        target: { type: 'directory_sync', id: runId },
        payload: { mode, trigger: input.trigger, ...counts, highWaterMark: hwm },
      });
      return finished;
    });
    return presentSyncRun(row);
  } catch (err) {
    const error = describe(err);
    const row = await inTransaction(ctx.db, async (tx) => {
      const failed = await tx
        .updateTable('directory_sync_runs')
        .set({ ...counts, status: 'failed', finished_at: ctx.now(), error })
        .where('id', '=', runId)
        .returningAll()
        .executeTakeFirstOrThrow();
      await appendAudit(tx, ctx, {
        type: 'directory.sync_failed',
        target: { type: 'directory_sync', id: runId },
        payload: { mode, trigger: input.trigger, error },
      });
      return failed;
    });
    return presentSyncRun(row);
  }
}

async function applyOne(
  ctx: Ctx,
  input: { entry: DirectoryUser | null; userId?: string; mappings: MappingRow[]; allowCreate: boolean },
  count: (o: ApplyOutcome) => void,
  counts: { errors: number },
): Promise<void> {
  try {
    const outcome = await inTransaction(ctx.db, (tx) =>
      applyDirectoryUser(tx, { ...ctx, db: tx }, { ...input, via: 'sync' }),
    );
    count(outcome);
  } catch (err) {
    // The directory going away mid-run fails the run; anything else is this user's problem only
    // (rolled back, counted in the run's errors).
    if (isDirectoryDown(err)) throw err;
    counts.errors++;
  }
}

function isDirectoryDown(err: unknown): boolean {
  return err instanceof Error && err.name === 'DirectoryUnavailableError';
}

/** A short reason without secrets: the error's name and message (and its cause's), bounded. */
function describe(err: unknown): string {
  if (!(err instanceof Error)) return 'unknown error';
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return `${err.message}${cause}`.slice(0, 300);
}
