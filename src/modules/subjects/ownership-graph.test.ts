import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { computeOwnership, findUboCandidates, roundPct, type OwnershipEdge } from './ownership-graph.ts';

const edge = (
  ownerId: string,
  ownedId: string,
  sharePct: number,
  votingPct: number | null = null,
): OwnershipEdge => ({
  ownerId,
  ownedId,
  sharePct,
  votingPct,
});
const stake = (r: ReturnType<typeof computeOwnership>, id: string) =>
  r.owners.find((o) => o.subjectId === id);

describe('computeOwnership', () => {
  it('multiplies along a path: A 60% of B, B 50% of C gives A 30% of C', () => {
    const r = computeOwnership('C', [edge('A', 'B', 60), edge('B', 'C', 50)]);
    assert.deepEqual(
      r.owners.map((o) => [o.subjectId, o.directPct, o.effectivePct]),
      [
        ['B', 50, 50],
        ['A', 0, 30],
      ],
    );
    assert.deepEqual(stake(r, 'A')!.paths, [['A', 'B', 'C']]);
    assert.deepEqual(r.cycles, []);
    assert.equal(r.truncated, false);
  });

  it('adds across paths: 30% + 20% = 50%, and a direct stake counts as its own path', () => {
    const r = computeOwnership('T', [
      edge('P', 'X', 60),
      edge('X', 'T', 50),
      edge('P', 'Y', 40),
      edge('Y', 'T', 50),
    ]);
    assert.equal(stake(r, 'P')!.effectivePct, 50);
    assert.equal(stake(r, 'P')!.directPct, 0);
    assert.deepEqual(stake(r, 'P')!.paths, [
      ['P', 'X', 'T'],
      ['P', 'Y', 'T'],
    ]);
    const direct = computeOwnership('T', [edge('P', 'T', 10), edge('P', 'X', 50), edge('X', 'T', 40)]);
    assert.equal(stake(direct, 'P')!.directPct, 10);
    assert.equal(stake(direct, 'P')!.effectivePct, 30);
  });

  it('reports a cycle through the target (B→C→B) without looping; the acyclic part stays exact', () => {
    const r = computeOwnership('C', [edge('A', 'B', 60), edge('B', 'C', 50), edge('C', 'B', 10)]);
    assert.deepEqual(r.cycles, [['B', 'C']]);
    assert.equal(stake(r, 'B')!.effectivePct, 50);
    assert.equal(stake(r, 'A')!.effectivePct, 30);
    assert.equal(stake(r, 'C'), undefined, 'the target never owns itself');
    assert.equal(r.truncated, false);
  });

  it('reports a cycle above the target once, even when reached by several paths', () => {
    const r = computeOwnership('T', [
      edge('B', 'T', 50),
      edge('C', 'B', 40),
      edge('B', 'C', 30),
      edge('A', 'C', 100),
      edge('D', 'T', 10),
      edge('C', 'D', 50),
    ]);
    assert.deepEqual(r.cycles, [['B', 'C']]);
    // C: 40% of B's 50% + 50% of D's 10% = 20 + 5; A holds all of C.
    assert.equal(stake(r, 'C')!.effectivePct, 25);
    assert.equal(stake(r, 'A')!.effectivePct, 25);
    // B: 50 directly + 30% × 50% × 10% through C and D; B→C→B→T is cut, not followed.
    assert.equal(stake(r, 'B')!.effectivePct, 51.5);
  });

  it('computes voting control with the same algorithm; votes follow shares when not given', () => {
    const r = computeOwnership('T', [edge('P', 'H', 20, 80), edge('H', 'T', 50), edge('Q', 'T', 10)]);
    assert.equal(stake(r, 'P')!.effectivePct, 10);
    assert.equal(stake(r, 'P')!.effectiveVotingPct, 40);
    assert.equal(stake(r, 'Q')!.effectiveVotingPct, 10);
  });

  it('rounds to 4 decimals at the end only', () => {
    const r = computeOwnership('T', [
      edge('A', 'B', 33.3333),
      edge('B', 'C', 33.3333),
      edge('C', 'T', 33.3333),
    ]);
    assert.equal(stake(r, 'A')!.effectivePct, 3.7037);
    assert.equal(roundPct(0.1 + 0.2), 0.3);
  });

  it('stops at the depth bound and says so', () => {
    const chain: OwnershipEdge[] = [];
    for (let i = 0; i < 15; i++) chain.push(edge(`N${i + 1}`, i === 0 ? 'T' : `N${i}`, 100));
    const r = computeOwnership('T', chain);
    assert.equal(r.truncated, true);
    assert.equal(r.owners.length, 12);
    assert.ok(!stake(r, 'N13'));
    assert.equal(computeOwnership('T', chain.slice(0, 12)).truncated, false);
  });

  it('stops at the path bound on a graph with exponentially many paths', () => {
    // 20 layers of 2 entities, each holding 50% of both entities of the layer below: 2^20 paths.
    const edges: OwnershipEdge[] = [];
    const layer = (l: number) => (l === 0 ? ['T'] : [`L${l}a`, `L${l}b`]);
    for (let l = 1; l <= 20; l++)
      for (const o of layer(l)) for (const d of layer(l - 1)) edges.push(edge(o, d, 50));
    const started = performance.now();
    const r = computeOwnership('T', edges);
    assert.equal(r.truncated, true);
    assert.ok(performance.now() - started < 2_000);
    const few = computeOwnership('T', [edge('A', 'T', 10), edge('B', 'T', 10), edge('C', 'T', 10)], {
      maxDepth: 12,
      maxPaths: 2,
    });
    assert.equal(few.truncated, true);
    assert.equal(few.owners.length, 2);
  });
});

describe('findUboCandidates', () => {
  const persons = new Set(['P25', 'P2499', 'PV', 'PD']);
  const isPerson = (id: string) => persons.has(id);

  it('includes persons at the threshold and leaves out those just below', () => {
    const r = computeOwnership('T', [
      edge('P25', 'H', 50),
      edge('H', 'T', 50),
      edge('P2499', 'T', 24.99),
      edge('E', 'T', 25.01),
    ]);
    const c = findUboCandidates(r, { thresholdPct: 25, isPerson, declaredUboIds: [] });
    assert.deepEqual(c, [
      {
        subjectId: 'P25',
        effectivePct: 25,
        effectiveVotingPct: 25,
        reasons: ['effective_ownership', 'effective_voting'],
      },
    ]);
    const lower = findUboCandidates(r, { thresholdPct: 24.99, isPerson, declaredUboIds: [] });
    assert.deepEqual(
      lower.map((x) => x.subjectId),
      ['P25', 'P2499'],
    );
  });

  it('adds control by votes and explicit UBO declarations; entities are never candidates', () => {
    const r = computeOwnership('T', [edge('PV', 'T', 10, 30), edge('E', 'T', 60)]);
    const c = findUboCandidates(r, { thresholdPct: 25, isPerson, declaredUboIds: ['PD', 'E'] });
    assert.deepEqual(c, [
      { subjectId: 'PV', effectivePct: 10, effectiveVotingPct: 30, reasons: ['effective_voting'] },
      { subjectId: 'PD', effectivePct: 0, effectiveVotingPct: 0, reasons: ['declared_ubo'] },
    ]);
  });
});
