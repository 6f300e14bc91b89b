/**
 * Ongoing monitoring. Two kinds of job, each written in the transaction of its cause:
 *  - `reverse_screen` after a new list snapshot: the customer base (every screened subject, or
 *    every subject) is indexed with the engine's own keys, and only the ADDED and CHANGED list
 *    entries are screened against it; the subjects they hit are rescreened (alerts, remembered false
 *    positives and all). A list update therefore costs time in the size of the change, not of the
 *    customer base times the list.
 *  - `rescreen_subject` after a screened field of a screened subject changed.
 * `runScreeningJobs` claims due jobs (SKIP LOCKED: several servers can share them), runs them as the
 * system, and records the outcome; a failing job is retried with a back-off, then marked failed.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Executor } from '../../db/transaction.ts';
import type { Ctx } from '../../platform/context.ts';
import { buildIndex } from './engine/matcher.ts';
import type { ListEntity } from './lists/index.ts';
import { screenSubject } from './screen.ts';
import type { ScreeningProvider } from './screening-service.ts';

const MAX_ATTEMPTS = 5;
const LEASE_MS = 5 * 60_000;

export async function enqueueScreeningJob(
  db: Executor,
  job: { kind: 'reverse_screen'; snapshotId: string } | { kind: 'rescreen_subject'; subjectId: string },
  now: Date,
): Promise<void> {
  await db
    .insertInto('screening_jobs')
    .values({
      id: randomUUID(),
      kind: job.kind,
      snapshot_id: job.kind === 'reverse_screen' ? job.snapshotId : null,
      subject_id: job.kind === 'rescreen_subject' ? job.subjectId : null,
      status: 'pending',
      run_after: now,
      created_at: now,
    })
    .execute();
}

/** The subjects' screened fields as customer "entities" for the reverse index. */
async function customerEntities(ctx: Pick<Ctx, 'db'>): Promise<ListEntity[]> {
  const rows = await ctx.db
    .selectFrom('subjects')
    .select(['id', 'kind', 'display_name', 'date_of_birth', 'jurisdiction', 'profile'])
    .execute();
  return rows.map((r) => {
    const p = (r.profile ?? {}) as { nationalities?: string[] };
    return {
      id: r.id,
      schema: r.kind === 'person' ? 'Person' : 'Organization',
      names: [{ value: r.display_name, kind: 'primary' }],
      birthDates: r.date_of_birth ? [r.date_of_birth] : [],
      nationalities: r.kind === 'person' ? (p.nationalities ?? []) : [],
      countries: r.jurisdiction ? [r.jurisdiction] : [],
      identifiers: [],
      addresses: [],
      topics: [],
      sources: [],
    } satisfies ListEntity;
  });
}

/**
 * Screens the added and changed entries of a snapshot against the customer base; returns the
 * subjects hit (at the lowest threshold any programme uses, so each is then rescreened with its own
 * profile).
 */
export async function reverseScreen(
  ctx: Pick<Ctx, 'db'>,
  snapshotId: string,
  opts: { threshold?: number } = {},
): Promise<{ changedEntries: number; subjects: string[] }> {
  const changed = await ctx.db
    .selectFrom('list_snapshot_changes as c')
    .innerJoin('list_entities as e', (j) =>
      j.onRef('e.snapshot_id', '=', 'c.snapshot_id').onRef('e.entity_id', '=', 'c.entity_id'),
    )
    .select(['e.data'])
    .where('c.snapshot_id', '=', snapshotId)
    .where('c.change', 'in', ['added', 'changed'])
    .execute();
  if (changed.length === 0) return { changedEntries: 0, subjects: [] };
  const floor =
    opts.threshold ??
    Number(
      (
        await ctx.db
          .selectFrom('programmes')
          .select(sql<number>`min((screening_profile->>'threshold')::float)`.as('t'))
          .executeTakeFirst()
      )?.t ?? 0.7,
    );
  const customers = buildIndex(await customerEntities(ctx));
  const hit = new Set<string>();
  for (const row of changed) {
    const entry = (typeof row.data === 'string' ? JSON.parse(row.data) : row.data) as ListEntity;
    for (const name of entry.names) {
      const matches = customers.search(
        {
          name: name.value,
          schema: entry.schema === 'Person' ? 'Person' : undefined,
          birthDate: entry.birthDates[0],
          nationality: entry.nationalities[0],
        },
        { threshold: Math.min(floor || 0.7, 0.7), limit: 50 },
      );
      for (const m of matches) hit.add(m.entityId);
    }
  }
  return { changedEntries: changed.length, subjects: [...hit].sort() };
}

/** Claims and runs due jobs; returns how many ran. */
export async function runScreeningJobs(
  ctx: Ctx,
  provider: ScreeningProvider,
  opts: { limit?: number } = {},
): Promise<{ ran: number; failed: number }> {
  let ran = 0;
  let failed = 0;
  for (let i = 0; i < (opts.limit ?? 20); i++) {
    const now = ctx.now();
    const job = await ctx.db.transaction().execute(async (tx) => {
      const next = await tx
        .selectFrom('screening_jobs')
        .selectAll()
        .where('status', 'in', ['pending', 'running'])
        .where('run_after', '<=', now)
        .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
        .orderBy('run_after')
        .limit(1)
        .forUpdate()
        .skipLocked()
        .executeTakeFirst();
      if (!next) return null;
      await tx
        .updateTable('screening_jobs')
        .set({
          status: 'running',
          attempts: next.attempts + 1,
          locked_until: new Date(now.getTime() + LEASE_MS),
        })
        .where('id', '=', next.id)
        .execute();
      return next;
    });
    if (!job) break;
    try {
      let result: unknown;
      if (job.kind === 'reverse_screen') {
        const r = await reverseScreen(ctx, job.snapshot_id!);
        for (const subjectId of r.subjects) await screenSubject(ctx, provider, subjectId);
        result = r;
      } else {
        result = { run: (await screenSubject(ctx, provider, job.subject_id!)).runId };
      }
      await ctx.db
        .updateTable('screening_jobs')
        .set({ status: 'done', result: JSON.stringify(result), finished_at: ctx.now(), locked_until: null })
        .where('id', '=', job.id)
        .execute();
      ran++;
    } catch (err) {
      const last = job.attempts + 1 >= MAX_ATTEMPTS;
      await ctx.db
        .updateTable('screening_jobs')
        .set({
          status: last ? 'failed' : 'pending',
          error: (err as Error).message.slice(0, 1000),
          run_after: new Date(ctx.now().getTime() + 2 ** job.attempts * 10_000),
          locked_until: null,
          ...(last ? { finished_at: ctx.now() } : {}),
        })
        .where('id', '=', job.id)
        .execute();
      failed++;
    }
  }
  return { ran, failed };
}

/**
 * Periodic full rescreens: subjects already screened whose programme's profile sets `rescreenDays`
 * and whose last run is older get a rescreen job (one pending job per subject at most). Returns
 * how many were enqueued (at most `limit` per call; the next call continues).
 */
export async function enqueueDueRescreens(
  ctx: Pick<Ctx, 'db' | 'now'>,
  opts: { limit?: number } = {},
): Promise<number> {
  const now = ctx.now();
  const due = await ctx.db
    .selectFrom('subjects as s')
    .innerJoin('programmes as p', 'p.id', 's.programme_id')
    .select('s.id')
    .where('s.screening_status', '<>', 'not_screened')
    .where(sql<boolean>`(p.screening_profile->>'rescreenDays') IS NOT NULL`)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('screening_jobs as j')
            .select('j.id')
            .whereRef('j.subject_id', '=', 's.id')
            .where('j.status', 'in', ['pending', 'running']),
        ),
      ),
    )
    .where(
      sql<boolean>`coalesce((SELECT max(r.created_at) FROM screening_runs r WHERE r.subject_id = s.id), 'epoch'::timestamptz)
        < ${now}::timestamptz - make_interval(days => (p.screening_profile->>'rescreenDays')::int)`,
    )
    .limit(opts.limit ?? 500)
    .execute();
  for (const d of due) await enqueueScreeningJob(ctx.db, { kind: 'rescreen_subject', subjectId: d.id }, now);
  return due.length;
}
