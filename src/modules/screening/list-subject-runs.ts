/**
 * A subject's screening history: its stored runs, newest first (the last 100), with the threshold,
 * the lists screened against and the number of hits. The subject must be visible to the actor.
 */
import type { Ctx } from '../../platform/context.ts';
import { notFound } from '../../platform/errors.ts';
import { findVisibleSubject } from '../subjects/find-visible-subject.ts';
import type { SubjectRunView } from './screening.schema.ts';

const json = (v: unknown): unknown => (typeof v === 'string' ? (JSON.parse(v) as unknown) : v);

export async function listSubjectRuns(ctx: Ctx, subjectId: string): Promise<{ items: SubjectRunView[] }> {
  const subject = await findVisibleSubject(ctx.db, ctx.actor, subjectId);
  if (!subject) throw notFound('subject');
  const rows = await ctx.db
    .selectFrom('screening_runs')
    .select(['id', 'created_at', 'created_by', 'profile', 'list_snapshots', 'hit_count'])
    .where('subject_id', '=', subject.id)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(100)
    .execute();
  return {
    items: rows.map((r) => {
      const profile = json(r.profile) as { threshold?: number } | null;
      const snapshots = json(r.list_snapshots) as { list?: string }[] | null;
      return {
        id: r.id,
        createdAt: r.created_at.toISOString(),
        createdBy: r.created_by,
        threshold: typeof profile?.threshold === 'number' ? profile.threshold : null,
        lists: (Array.isArray(snapshots) ? snapshots : []).map((s) => String(s.list ?? '')),
        hitCount: r.hit_count,
      };
    }),
  };
}
