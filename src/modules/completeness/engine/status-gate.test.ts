import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defs, doc, person, snapshot } from './completeness-fixtures.ts';
import { defaultRequirements } from './default-requirements.ts';
import { evaluateCompleteness } from './evaluate-completeness.ts';
import type { Requirement } from './requirements.schema.ts';
import { checkStatusGate } from './status-gate.ts';
import { validateRequirements } from './validate-requirements.ts';

const NOW = new Date('2026-06-15T12:00:00Z');
const reqs: Requirement[] = [
  {
    id: 'dob',
    label: 'Date of birth',
    scope: { target: 'subjects', entityTypes: ['person'] },
    kind: 'field',
    field: 'dateOfBirth',
  },
  {
    id: 'id',
    label: 'Identity',
    scope: { target: 'subjects' },
    kind: 'document',
    documentTypes: ['passport'],
  },
  { id: 'scr', label: 'Screening', scope: { target: 'subjects' }, kind: 'screening' },
];
const gated = defs(reqs, [
  { status: 'in_review', block: [], warn: ['field', 'document'] },
  { status: 'approved', block: ['document', 'screening'], warn: ['field'] },
]);

describe('checkStatusGate', () => {
  const missingFor = (s: ReturnType<typeof person>) =>
    evaluateCompleteness(gated, snapshot([s]), NOW).missing;

  it('the gate definition is valid', () => {
    assert.deepEqual(validateRequirements(gated), []);
  });

  it('blocks entering a gated status while a blocking kind is missing, listing what blocks', () => {
    const missing = missingFor(person('p'));
    const d = checkStatusGate(gated, 'in_review', 'approved', missing);
    assert.equal(d.allowed, false);
    assert.deepEqual(
      d.blocking.map((m) => m.requirementId),
      ['id', 'scr'],
    );
    assert.deepEqual(
      d.warnings.map((m) => m.requirementId),
      ['dob'],
    );
    assert.equal(d.gate?.status, 'approved');
    assert.equal(d.from, 'in_review');
    assert.equal(d.to, 'approved');
  });

  it('warn-only kinds never block', () => {
    const onlyField = missingFor(
      person('p', {
        documents: [doc('d', 'passport')],
        screening: { lastScreenedOn: '2026-06-01', unresolvedAlerts: 0 },
      }),
    );
    assert.deepEqual(
      onlyField.map((m) => m.requirementId),
      ['dob'],
    );
    const d = checkStatusGate(gated, 'in_review', 'approved', onlyField);
    assert.equal(d.allowed, true);
    assert.deepEqual(d.blocking, []);
    assert.equal(d.warnings.length, 1);
    // A gate with no blocking kinds warns about everything it lists and lets the move happen.
    const review = checkStatusGate(gated, 'draft', 'in_review', missingFor(person('p')));
    assert.equal(review.allowed, true);
    assert.deepEqual(
      review.warnings.map((m) => m.kind),
      ['field', 'document'],
    );
  });

  it('statuses without a gate, and staying in the same status, are not gated', () => {
    const missing = missingFor(person('p'));
    const rejected = checkStatusGate(gated, 'in_review', 'rejected', missing);
    assert.deepEqual(rejected, {
      allowed: true,
      from: 'in_review',
      to: 'rejected',
      gate: null,
      blocking: [],
      warnings: [],
    });
    assert.equal(checkStatusGate(gated, 'approved', 'approved', missing).allowed, true);
    assert.equal(checkStatusGate(gated, 'in_review', 'approved', []).allowed, true);
  });

  it('the default set warns on the way to review and blocks approval', () => {
    const d = defaultRequirements();
    const missing = evaluateCompleteness(d, snapshot([person('p', { roles: ['applicant'] })]), NOW).missing;
    assert.ok(missing.length > 0);
    const review = checkStatusGate(d, 'draft', 'in_review', missing);
    assert.equal(review.allowed, true);
    assert.equal(review.warnings.length, missing.length);
    const approve = checkStatusGate(d, 'in_review', 'approved', missing);
    assert.equal(approve.allowed, false);
    assert.equal(approve.blocking.length, missing.length);
  });
});
