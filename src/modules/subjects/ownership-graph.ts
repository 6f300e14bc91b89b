/**
 * Effective (indirect) ownership and control of an entity, as a pure function of the shareholder
 * edges. Along one path the shares multiply (A holds 60% of B, B holds 50% of C: A holds 30% of C);
 * across paths they add. Every simple path from an owner up to the target is enumerated, so an
 * ownership cycle is met as an edge back onto the current path: it is reported and not followed,
 * which keeps the result finite and exact for the acyclic part. Depth and path count are bounded;
 * hitting a bound sets `truncated`.
 */

export interface OwnershipEdge {
  ownerId: string;
  ownedId: string;
  /** Share of the owned entity, percent. */
  sharePct: number;
  /** Voting rights, percent; when absent, votes are taken to follow the share. */
  votingPct: number | null;
}

export interface OwnershipLimits {
  /** Longest owner-to-target path followed, in edges. */
  maxDepth: number;
  /** Most paths enumerated before giving up. */
  maxPaths: number;
}

export const DEFAULT_LIMITS: OwnershipLimits = { maxDepth: 12, maxPaths: 10_000 };

export interface OwnerStake {
  subjectId: string;
  /** Held directly in the target (0 when only indirect). */
  directPct: number;
  effectivePct: number;
  effectiveVotingPct: number;
  /** Each path: [owner, ..., target]. */
  paths: string[][];
}

export interface OwnershipResult {
  /** Sorted by effective ownership, highest first. */
  owners: OwnerStake[];
  /** Each cycle once, in ownership order (each id holds shares in the next, the last in the first), starting at its smallest id. */
  cycles: string[][];
  truncated: boolean;
}

/** Rounds a percentage to the 4 decimals that numeric(7,4) stores, removing floating-point noise. */
export function roundPct(value: number): number {
  return Math.round(value * 10_000) / 10_000 + 0;
}

/** Computes every owner's effective ownership and voting control of `targetId`. */
export function computeOwnership(
  targetId: string,
  edges: readonly OwnershipEdge[],
  limits: OwnershipLimits = DEFAULT_LIMITS,
): OwnershipResult {
  const ownersOf = new Map<string, OwnershipEdge[]>();
  for (const e of edges) {
    const list = ownersOf.get(e.ownedId) ?? [];
    list.push(e);
    ownersOf.set(e.ownedId, list);
  }
  // Fractions (0..1) are multiplied; percentages only at the end.
  const acc = new Map<string, { direct: number; share: number; voting: number; paths: string[][] }>();
  const cycles = new Map<string, string[]>();
  let pathCount = 0;
  let truncated = false;
  let stopped = false;

  // stack[0] is the target; stack[i + 1] owns stack[i]. Paths are short (bounded), so indexOf is cheap.
  const stack: string[] = [targetId];

  const walk = (node: string, share: number, voting: number): void => {
    for (const e of ownersOf.get(node) ?? []) {
      if (stopped) return;
      const at = stack.indexOf(e.ownerId);
      if (at >= 0) {
        recordCycle(cycles, [e.ownerId, ...stack.slice(at + 1).reverse()]);
        continue;
      }
      // The path through this edge would have stack.length edges.
      if (stack.length > limits.maxDepth) {
        truncated = true;
        continue;
      }
      if (pathCount >= limits.maxPaths) {
        truncated = stopped = true;
        return;
      }
      pathCount++;
      const s = share * (e.sharePct / 100);
      const v = voting * ((e.votingPct ?? e.sharePct) / 100);
      const entry = acc.get(e.ownerId) ?? { direct: 0, share: 0, voting: 0, paths: [] };
      entry.share += s;
      entry.voting += v;
      if (node === targetId) entry.direct += e.sharePct;
      entry.paths.push([e.ownerId, ...[...stack].reverse()]);
      acc.set(e.ownerId, entry);
      stack.push(e.ownerId);
      walk(e.ownerId, s, v);
      stack.pop();
    }
  };
  walk(targetId, 1, 1);

  const owners = [...acc].map(([subjectId, a]) => ({
    subjectId,
    directPct: roundPct(a.direct),
    effectivePct: roundPct(a.share * 100),
    effectiveVotingPct: roundPct(a.voting * 100),
    paths: a.paths,
  }));
  owners.sort(
    (x, y) =>
      y.effectivePct - x.effectivePct ||
      y.effectiveVotingPct - x.effectiveVotingPct ||
      cmp(x.subjectId, y.subjectId),
  );
  return { owners, cycles: [...cycles.values()].sort((a, b) => cmp(a.join(','), b.join(','))), truncated };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Keeps one rotation of each cycle (starting at its smallest id), so a loop met from several paths is listed once. */
function recordCycle(cycles: Map<string, string[]>, cycle: string[]): void {
  let start = 0;
  cycle.forEach((id, i) => {
    if (id < cycle[start]!) start = i;
  });
  const canonical = [...cycle.slice(start), ...cycle.slice(0, start)];
  cycles.set(canonical.join(','), canonical);
}

export type UboReason = 'effective_ownership' | 'effective_voting' | 'declared_ubo';

export interface UboCandidate {
  subjectId: string;
  effectivePct: number;
  effectiveVotingPct: number;
  reasons: UboReason[];
}

/**
 * Natural persons whose effective ownership or voting control reaches the threshold (inclusive,
 * compared after rounding to 4 decimals), plus persons declared UBO by an explicit relationship.
 */
export function findUboCandidates(
  result: Pick<OwnershipResult, 'owners'>,
  opts: { thresholdPct: number; isPerson: (subjectId: string) => boolean; declaredUboIds: Iterable<string> },
): UboCandidate[] {
  const threshold = roundPct(opts.thresholdPct);
  const byId = new Map<string, UboCandidate>();
  for (const o of result.owners) {
    if (!opts.isPerson(o.subjectId)) continue;
    const reasons: UboReason[] = [];
    if (o.effectivePct >= threshold) reasons.push('effective_ownership');
    if (o.effectiveVotingPct >= threshold) reasons.push('effective_voting');
    if (reasons.length)
      byId.set(o.subjectId, {
        subjectId: o.subjectId,
        effectivePct: o.effectivePct,
        effectiveVotingPct: o.effectiveVotingPct,
        reasons,
      });
  }
  for (const id of opts.declaredUboIds) {
    if (!opts.isPerson(id)) continue;
    const owner = result.owners.find((o) => o.subjectId === id);
    const c = byId.get(id) ?? {
      subjectId: id,
      effectivePct: owner?.effectivePct ?? 0,
      effectiveVotingPct: owner?.effectiveVotingPct ?? 0,
      reasons: [],
    };
    if (!c.reasons.includes('declared_ubo')) c.reasons.push('declared_ubo');
    byId.set(id, c);
  }
  return [...byId.values()].sort((a, b) => b.effectivePct - a.effectivePct || cmp(a.subjectId, b.subjectId));
}
