import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultRequirements } from './default-requirements.ts';
import { diffRequirements } from './diff-requirements.ts';
import type { Requirement, Requirements } from './requirements.schema.ts';

const base = (): Requirements => defaultRequirements();
const find = (d: Requirements, id: string) =>
  d.requirements.find((r) => r.id === id)! as Requirement & Record<string, unknown>;

describe('diffRequirements', () => {
  it('finds nothing between equal definitions, whatever the key order', () => {
    const a = base();
    const b = base();
    b.requirements[0] = JSON.parse(
      JSON.stringify(Object.fromEntries(Object.entries(b.requirements[0]!).reverse())),
    );
    b.gates[1] = { ...b.gates[1]!, block: [...b.gates[1]!.block].reverse() };
    const d = diffRequirements(a, b);
    assert.equal(d.same, true);
    assert.deepEqual(d.lines, []);
  });

  it('lists added, removed and changed requirements, scope properties one by one', () => {
    const a = base();
    const b = base();
    b.requirements = b.requirements.filter((r) => r.id !== 'screening-high-risk');
    b.requirements.push({
      id: 'ubo-questionnaire',
      label: 'UBO questionnaire',
      scope: { target: 'subjects', roles: ['ubo'] },
      kind: 'questionnaire',
      formKey: 'ubo',
    });
    const poa = find(b, 'proof-of-address');
    poa.maxAgeDays = 30;
    const idDoc = find(b, 'person-identity-document');
    idDoc.scope = { ...idDoc.scope, roles: ['applicant', 'ubo'] };
    idDoc.when = { bandAtLeast: 'medium' };
    const d = diffRequirements(a, b);
    assert.deepEqual(d.added, [
      { id: 'ubo-questionnaire', kind: 'questionnaire', label: 'UBO questionnaire' },
    ]);
    assert.deepEqual(
      d.removed.map((r) => r.id),
      ['screening-high-risk'],
    );
    assert.deepEqual(d.changed, [
      {
        id: 'person-identity-document',
        changes: [
          {
            property: 'scope.roles',
            before: ['applicant', 'ubo', 'signatory', 'trustee'],
            after: ['applicant', 'ubo'],
          },
          { property: 'when', before: undefined, after: { bandAtLeast: 'medium' } },
        ],
      },
      { id: 'proof-of-address', changes: [{ property: 'maxAgeDays', before: 90, after: 30 }] },
    ]);
    assert.equal(d.reordered, false);
    assert.deepEqual(d.lines, [
      'Added requirement "ubo-questionnaire" (questionnaire): UBO questionnaire',
      'Removed requirement "screening-high-risk" (screening): Screening in the last 30 days (high risk)',
      'Requirement "person-identity-document": scope.roles ["applicant","ubo","signatory","trustee"] → ["applicant","ubo"]',
      'Requirement "person-identity-document": when (none) → {"bandAtLeast":"medium"}',
      'Requirement "proof-of-address": maxAgeDays 90 → 30',
    ]);
  });

  it('notices a new order and gate changes', () => {
    const a = base();
    const b = base();
    b.requirements.reverse();
    b.gates = [
      { status: 'approved', block: ['document', 'field'], warn: ['screening'] },
      { status: 'rejected', block: [], warn: ['ownership'] },
    ];
    const d = diffRequirements(a, b);
    assert.equal(d.reordered, true);
    assert.deepEqual(
      d.gates.added.map((g) => g.status),
      ['rejected'],
    );
    assert.deepEqual(
      d.gates.removed.map((g) => g.status),
      ['in_review'],
    );
    assert.deepEqual(d.gates.changed, [
      {
        status: 'approved',
        changes: [
          {
            property: 'block',
            before: ['document', 'field', 'ownership', 'questionnaire', 'screening'],
            after: ['document', 'field'],
          },
          { property: 'warn', before: [], after: ['screening'] },
        ],
      },
    ]);
    assert.deepEqual(d.lines.slice(-5), [
      'Requirements reordered',
      'Added gate on "rejected": blocks nothing; warns ownership',
      'Removed gate on "in_review"',
      'Gate on "approved": block ["document","field","ownership","questionnaire","screening"] → ["document","field"]',
      'Gate on "approved": warn [] → ["screening"]',
    ]);
  });

  it('does not throw on malformed input', () => {
    const d = diffRequirements({ requirements: 'x' } as unknown as Requirements, base());
    assert.equal(d.added.length, base().requirements.length);
    assert.equal(
      diffRequirements(null as unknown as Requirements, null as unknown as Requirements).same,
      true,
    );
  });
});
