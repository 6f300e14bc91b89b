/**
 * Screening runs: a name (ad hoc, or a batch of them) or a subject, against the active lists, by a
 * provider (the built-in engine by default). Every run is stored with its query, profile, the list
 * snapshots it used and its hits, and audited (ids and counts; the names stay out of the trail).
 */
import { randomUUID } from 'node:crypto';
import { inTransaction } from '../../db/transaction.ts';
import type { Row } from '../../db/types.ts';
import type { Ctx } from '../../platform/context.ts';
import { notFound } from '../../platform/errors.ts';
import { actorRef } from '../access/actor.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { findVisibleSubject, seesBasicsOnly } from '../subjects/find-visible-subject.ts';
import { openIdentifiers } from '../subjects/subject.identifiers.ts';
import { listIdentifiers } from '../subjects/subject.repository.ts';
import { DEFAULT_THRESHOLD, type ScreeningQuery } from './engine/api.ts';
import { raiseAlerts } from './alerts.ts';
import type { ProviderResult, ScreeningProvider } from './screening-service.ts';
import type { ScreenBatchBody, ScreenNameBody, ScreeningRunView } from './screening.schema.ts';

interface Profile {
  threshold: number;
  limit: number;
  lists: readonly string[] | null;
}

async function storeRun(
  ctx: Ctx,
  run: { subjectId: string | null; query: unknown; profile: Profile; result: ProviderResult },
): Promise<ScreeningRunView & { alerts: { raised: number; suppressed: number; status: string } | null }> {
  let alerts: { raised: number; suppressed: number; status: string } | null = null;
  const id = randomUUID();
  const hits = run.result.matches.map((m) => ({
    entityId: m.entityId,
    list: m.list,
    score: m.score,
    matchedName: m.matchedName,
    nameScore: m.nameScore,
    nameKind: m.nameKind,
    // Kept for the analyst who decides the alert (the alert queue shows it); an identifier's
    // detail names the matched number, which never goes into a stored run.
    explanation: {
      tokens: m.explanation.tokens,
      qualifiers: m.explanation.qualifiers.map((q) =>
        q.qualifier === 'identifier' ? { ...q, detail: 'identifier matched' } : q,
      ),
    },
  }));
  await inTransaction(ctx.db, async (tx) => {
    await tx
      .insertInto('screening_runs')
      .values({
        id,
        subject_id: run.subjectId,
        query: JSON.stringify(run.query),
        profile: JSON.stringify(run.profile),
        list_snapshots: JSON.stringify(run.result.snapshots),
        hits: JSON.stringify(hits),
        hit_count: hits.length,
        created_by: actorRef(ctx.actor),
        created_at: ctx.now(),
      })
      .execute();
    await appendAudit(tx, ctx, {
      type: 'screening.run',
      ...(run.subjectId ? { target: { type: 'subject' as const, id: run.subjectId } } : {}),
      payload: {
        runId: id,
        subjectId: run.subjectId,
        hits: hits.length,
        snapshots: run.result.snapshots.map((s) => s.snapshotId),
        threshold: run.profile.threshold,
      },
    });
    if (run.subjectId)
      alerts = await raiseAlerts(tx, ctx, {
        subjectId: run.subjectId,
        runId: id,
        matches: run.result.matches,
      });
  });
  return {
    runId: id,
    subjectId: run.subjectId,
    threshold: run.profile.threshold,
    snapshots: run.result.snapshots,
    matches: run.result.matches,
    alerts,
  };
}

function queryOf(b: Omit<ScreenNameBody, 'threshold' | 'limit' | 'lists'>): ScreeningQuery {
  return {
    name: b.name,
    schema: b.schema,
    birthDate: b.birthDate,
    nationality: b.nationality,
    gender: b.gender,
  };
}

/** Screens one name with its qualifiers. */
export async function screenName(
  ctx: Ctx,
  provider: ScreeningProvider,
  body: ScreenNameBody,
): Promise<ScreeningRunView> {
  const profile = {
    threshold: body.threshold ?? DEFAULT_THRESHOLD,
    limit: body.limit ?? 10,
    lists: body.lists ?? null,
  };
  const query = queryOf(body);
  const result = await provider.screen(ctx, query, profile);
  return storeRun(ctx, { subjectId: null, query, profile, result });
}

/** Screens up to 1,000 names in one call; one stored run per name. */
export async function screenBatch(
  ctx: Ctx,
  provider: ScreeningProvider,
  body: ScreenBatchBody,
): Promise<{ runs: ScreeningRunView[] }> {
  const profile = {
    threshold: body.threshold ?? DEFAULT_THRESHOLD,
    limit: body.limit ?? 5,
    lists: body.lists ?? null,
  };
  const runs: ScreeningRunView[] = [];
  for (const q of body.queries) {
    const query = queryOf(q);
    runs.push(
      await storeRun(ctx, {
        subjectId: null,
        query,
        profile,
        result: await provider.screen(ctx, query, profile),
      }),
    );
  }
  return { runs };
}

/**
 * What a subject is screened as: its display name and each other name it is known by (other names,
 * trading names), with its date of birth, nationality or jurisdiction, gender and identity-document
 * numbers as qualifiers (an exact document number on a list entry raises the score strongly).
 */
function subjectQueries(
  s: Row<'subjects'>,
  identifiers: { type: string; value: string }[],
): ScreeningQuery[] {
  const profile = (s.profile ?? {}) as {
    nationalities?: string[];
    gender?: string;
    otherNames?: string[];
    tradingNames?: string[];
  };
  const base: Omit<ScreeningQuery, 'name'> = {
    schema: s.kind === 'person' ? 'Person' : 'Organization',
    birthDate: s.date_of_birth ?? undefined,
    nationality: s.kind === 'person' ? profile.nationalities?.[0] : (s.jurisdiction ?? undefined),
    gender: profile.gender === 'male' || profile.gender === 'female' ? profile.gender : undefined,
    identifiers: identifiers.length ? identifiers : undefined,
  };
  const names = [s.display_name, ...(profile.otherNames ?? []), ...(profile.tradingNames ?? [])];
  return [...new Set(names.map((n) => n.trim()).filter(Boolean))].map((name) => ({ ...base, name }));
}

/** The best match per list entry over several queries (a subject's names), best first. */
function mergeResults(results: ProviderResult[], limit: number): ProviderResult {
  const best = new Map<string, ProviderResult['matches'][number]>();
  for (const r of results)
    for (const m of r.matches) {
      const prev = best.get(m.entityId);
      if (!prev || m.score > prev.score) best.set(m.entityId, m);
    }
  return {
    matches: [...best.values()].sort((a, b) => b.score - a.score).slice(0, limit),
    snapshots: results[0]?.snapshots ?? [],
  };
}

/** Screens a subject with its programme's screening profile (threshold and lists). */
export async function screenSubject(
  ctx: Ctx,
  provider: ScreeningProvider,
  subjectId: string,
): Promise<ScreeningRunView> {
  const subject = await findVisibleSubject(ctx.db, ctx.actor, subjectId);
  if (!subject || (await seesBasicsOnly(ctx.db, ctx.actor, subject))) throw notFound('subject');
  const programme = subject.programme_id
    ? await ctx.db
        .selectFrom('programmes')
        .select('screening_profile')
        .where('id', '=', subject.programme_id)
        .executeTakeFirst()
    : undefined;
  const p = programme?.screening_profile;
  const profile = { threshold: p?.threshold ?? DEFAULT_THRESHOLD, limit: 10, lists: p?.lists ?? null };
  const documents = openIdentifiers(ctx.keyring, subject.id, await listIdentifiers(ctx.db, subject.id));
  const queries = subjectQueries(
    subject,
    documents.map((d) => ({ type: d.type, value: d.number })),
  );
  const results: ProviderResult[] = [];
  for (const q of queries) results.push(await provider.screen(ctx, q, profile));
  const result = mergeResults(results, profile.limit);
  // The stored query names the document types, never their numbers.
  const stored = queries.map((q) => ({ ...q, identifiers: q.identifiers?.map((i) => ({ type: i.type })) }));
  return storeRun(ctx, { subjectId: subject.id, query: stored, profile, result });
}
