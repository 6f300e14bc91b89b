import type { Ctx } from '../../platform/context.ts';
import { notFound, validationError } from '../../platform/errors.ts';
import { canSeeProgramme } from '../access/actor.ts';
import { DEFAULT_UBO_THRESHOLD, findProgramme } from '../programmes/index.ts';
import { computeOwnership, DEFAULT_LIMITS, findUboCandidates, roundPct } from './ownership-graph.ts';
import { declaredUboIds, loadShareholderEdgesUpward } from './relationship.repository.ts';
import type { OwnershipView } from './relationship.schema.ts';
import { findVisibleSubject, visibleSubjectIds } from './find-visible-subject.ts';
import { findSubjectsByIds } from './subject.repository.ts';

export interface GetOwnershipInput {
  id: string;
  /** UBO threshold in percent, 0 < x <= 100; 25 when neither it nor a programme is given. */
  threshold?: number | undefined;
  /** Take the UBO threshold from this programme. */
  programmeId?: string | undefined;
}

/** Bounds the graph loaded from the database; the path enumeration has its own bound. */
const MAX_EDGES = 5_000;

/**
 * Effective ownership and control of a subject, and its UBO candidates at the threshold. The subject
 * must be visible to the actor (404 otherwise). The figures are computed over the whole graph; owners
 * the actor may not see are presented `hidden`, with their id and figures but no kind or name.
 */
export async function getOwnership(ctx: Ctx, input: GetOwnershipInput): Promise<OwnershipView> {
  if (input.threshold !== undefined && input.programmeId !== undefined) {
    throw validationError('give threshold or programmeId, not both', [
      { path: 'querystring/programmeId', message: 'not with threshold' },
    ]);
  }
  let threshold = roundPct(input.threshold ?? DEFAULT_UBO_THRESHOLD);
  if (input.programmeId !== undefined) {
    const programme = await findProgramme(ctx.db, input.programmeId);
    if (!programme || !canSeeProgramme(ctx.actor, programme.id))
      throw validationError('unknown programme', [
        { path: 'querystring/programmeId', message: 'no such programme' },
      ]);
    threshold = roundPct(Number(programme.ubo_threshold));
  }
  const target = await findVisibleSubject(ctx.db, ctx.actor, input.id);
  if (!target) throw notFound('subject');
  const loaded = await loadShareholderEdgesUpward(ctx.db, target.id, {
    maxDepth: DEFAULT_LIMITS.maxDepth,
    maxEdges: MAX_EDGES,
  });
  const result = computeOwnership(
    target.id,
    loaded.edges.map((e) => ({
      ownerId: e.from_subject_id,
      ownedId: e.to_subject_id,
      sharePct: Number(e.share_pct ?? 0),
      votingPct: e.voting_pct === null ? null : Number(e.voting_pct),
    })),
  );
  const declared = await declaredUboIds(ctx.db, target.id);
  const ids = [...new Set([...result.owners.map((o) => o.subjectId), ...declared])];
  const subjects = new Map((await findSubjectsByIds(ctx.db, ids)).map((s) => [s.id, s]));
  const visible = await visibleSubjectIds(ctx.db, ctx.actor, ids);
  const shown = (id: string, fields: { kind?: string; displayName: string }) =>
    visible.has(id) ? { hidden: false, ...fields } : { hidden: true };
  const candidates = findUboCandidates(result, {
    thresholdPct: threshold,
    isPerson: (id) => subjects.get(id)?.kind === 'person',
    declaredUboIds: declared,
  });
  return {
    subjectId: target.id,
    threshold,
    owners: result.owners.map((o) => ({
      subjectId: o.subjectId,
      ...shown(o.subjectId, {
        kind: subjects.get(o.subjectId)?.kind ?? 'entity',
        displayName: subjects.get(o.subjectId)?.display_name ?? '',
      }),
      directPct: o.directPct,
      effectivePct: o.effectivePct,
      effectiveVotingPct: o.effectiveVotingPct,
      paths: o.paths,
    })),
    uboCandidates: candidates.map((c) => ({
      subjectId: c.subjectId,
      ...shown(c.subjectId, { displayName: subjects.get(c.subjectId)?.display_name ?? '' }),
      effectivePct: c.effectivePct,
      effectiveVotingPct: c.effectiveVotingPct,
      reasons: [...c.reasons],
    })),
    cycles: result.cycles,
    truncated: loaded.truncated || result.truncated,
  };
}
