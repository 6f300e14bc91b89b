import type { Ctx } from '../../platform/context.ts';
import { notFound, validationError } from '../../platform/errors.ts';
import { DEFAULT_UBO_THRESHOLD, findProgramme } from '../programmes/index.ts';
import { computeOwnership, DEFAULT_LIMITS, findUboCandidates, roundPct } from './ownership-graph.ts';
import { declaredUboIds, loadShareholderEdgesUpward } from './relationship.repository.ts';
import type { OwnershipView } from './relationship.schema.ts';
import { findSubject, findSubjectsByIds } from './subject.repository.ts';

export interface GetOwnershipInput {
  id: string;
  /** UBO threshold in percent, 0 < x <= 100; 25 when neither it nor a programme is given. */
  threshold?: number | undefined;
  /** Take the UBO threshold from this programme. */
  programmeId?: string | undefined;
}

/** Bounds the graph loaded from the database; the path enumeration has its own bound. */
const MAX_EDGES = 5_000;

/** Effective ownership and control of a subject, and its UBO candidates at the threshold. */
export async function getOwnership(ctx: Ctx, input: GetOwnershipInput): Promise<OwnershipView> {
  if (input.threshold !== undefined && input.programmeId !== undefined) {
    throw validationError('give threshold or programmeId, not both', [
      { path: 'querystring/programmeId', message: 'not with threshold' },
    ]);
  }
  let threshold = roundPct(input.threshold ?? DEFAULT_UBO_THRESHOLD);
  if (input.programmeId !== undefined) {
    const programme = await findProgramme(ctx.db, input.programmeId);
    if (!programme)
      throw validationError('unknown programme', [
        { path: 'querystring/programmeId', message: 'no such programme' },
      ]);
    threshold = roundPct(Number(programme.ubo_threshold));
  }
  const target = await findSubject(ctx.db, input.id);
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
  const subjects = new Map(
    (
      await findSubjectsByIds(ctx.db, [...new Set([...result.owners.map((o) => o.subjectId), ...declared])])
    ).map((s) => [s.id, s]),
  );
  const nameOf = (id: string) => subjects.get(id)?.display_name ?? '';
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
      kind: subjects.get(o.subjectId)?.kind ?? 'entity',
      displayName: nameOf(o.subjectId),
      directPct: o.directPct,
      effectivePct: o.effectivePct,
      effectiveVotingPct: o.effectiveVotingPct,
      paths: o.paths,
    })),
    uboCandidates: candidates.map((c) => ({
      ...c,
      displayName: nameOf(c.subjectId),
      reasons: [...c.reasons],
    })),
    cycles: result.cycles,
    truncated: loaded.truncated || result.truncated,
  };
}
