import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  desiredRelationships,
  diffRelationships,
  diffRoles,
  exceedsFullOwnership,
  hasForbiddenCharacters,
  partyChangeRefusal,
  partyShapeProblems,
} from './party.rules.ts';

const STATUSES = [
  { key: 'draft', label: 'Draft', initial: true },
  { key: 'in_review', label: 'In review' },
  { key: 'approved', label: 'Approved', terminal: true },
  { key: 'rejected', label: 'Rejected', terminal: true },
];
const pct = (p: number) => Math.round(p * 10_000);

describe('COT party rules', () => {
  it('an application accepts client changes while open and with no decision pending', () => {
    assert.equal(partyChangeRefusal('draft', STATUSES, false), null);
    assert.equal(partyChangeRefusal('in_review', STATUSES, false), null);
    assert.equal(partyChangeRefusal('in_review', STATUSES, true), 'decision_pending');
    assert.equal(partyChangeRefusal('approved', STATUSES, false), 'application_closed');
    assert.equal(partyChangeRefusal('rejected', STATUSES, true), 'application_closed');
    // A status the programme no longer defines: closed (fail closed).
    assert.equal(partyChangeRefusal('archived', STATUSES, false), 'application_closed');
  });

  it('the direct shares in one entity may reach 100% but not exceed it', () => {
    assert.equal(exceedsFullOwnership(pct(40), pct(60)), false);
    assert.equal(exceedsFullOwnership(pct(40), pct(60.0001)), true);
    assert.equal(exceedsFullOwnership(0, pct(100)), false);
    assert.equal(exceedsFullOwnership(pct(0.0001), pct(100)), true);
    // Exact in units: 33.3333 three times and 0.0001 make 100.
    assert.equal(exceedsFullOwnership(pct(33.3333) * 3, pct(0.0001)), false);
    assert.equal(exceedsFullOwnership(pct(33.3333) * 3, pct(0.0002)), true);
  });

  it('a UBO is a person, a shareholder has a holding, only shareholders and UBOs hold shares', () => {
    const base = { subjectId: null, holding: null } as const;
    assert.deepEqual(partyShapeProblems({ ...base, kind: 'person', roles: ['director'] }), []);
    assert.deepEqual(
      partyShapeProblems({ ...base, kind: 'entity', roles: ['ubo'] }).map((p) => p.path),
      ['roles'],
    );
    assert.deepEqual(
      partyShapeProblems({ ...base, kind: 'entity', roles: ['shareholder'] }).map((p) => p.path),
      ['holding'],
    );
    assert.deepEqual(
      partyShapeProblems({
        subjectId: null,
        kind: 'person',
        roles: ['director'],
        holding: { ownedSubjectId: null },
      }).map((p) => p.path),
      ['holding'],
    );
    assert.deepEqual(
      partyShapeProblems({
        subjectId: null,
        kind: 'person',
        roles: ['ubo'],
        holding: { ownedSubjectId: 'x' },
      }),
      [],
    );
    assert.deepEqual(
      partyShapeProblems({
        subjectId: 's1',
        kind: 'entity',
        roles: ['shareholder'],
        holding: { ownedSubjectId: 's1' },
      }).map((p) => p.path),
      ['holding/ownedSubjectId'],
    );
  });

  it('roles link the party to an entity main subject; holdings are shareholder relationships', () => {
    const main = { id: 'main', kind: 'entity' as const };
    assert.deepEqual(
      desiredRelationships({
        roles: ['director', 'shareholder'],
        holdings: [{ ownedSubjectId: 'main', shareUnits: pct(60), votingUnits: null }],
        main,
        subjectId: 'p',
      }),
      [
        { toSubjectId: 'main', kind: 'director', shareUnits: null, votingUnits: null },
        { toSubjectId: 'main', kind: 'shareholder', shareUnits: pct(60), votingUnits: null },
      ],
    );
    // A UBO owning another party: declared UBO of the main subject, shareholder of the other party.
    assert.deepEqual(
      desiredRelationships({
        roles: ['ubo'],
        holdings: [{ ownedSubjectId: 'holdco', shareUnits: pct(100), votingUnits: pct(100) }],
        main,
        subjectId: 'p',
      }),
      [
        { toSubjectId: 'main', kind: 'ubo', shareUnits: null, votingUnits: null },
        { toSubjectId: 'holdco', kind: 'shareholder', shareUnits: pct(100), votingUnits: pct(100) },
      ],
    );
    // A person applicant: roles need no relationship (nobody directs a person).
    assert.deepEqual(
      desiredRelationships({
        roles: ['director'],
        holdings: [],
        main: { id: 'm', kind: 'person' },
        subjectId: 'p',
      }),
      [],
    );
  });

  it('diffs relationships: a changed percentage is a removal and a creation; equal ones stay', () => {
    const existing = [
      { id: 'r1', toSubjectId: 'main', kind: 'director' as const, shareUnits: null, votingUnits: null },
      { id: 'r2', toSubjectId: 'main', kind: 'shareholder' as const, shareUnits: pct(60), votingUnits: null },
    ];
    const desired = [
      { toSubjectId: 'main', kind: 'director' as const, shareUnits: null, votingUnits: null },
      { toSubjectId: 'main', kind: 'shareholder' as const, shareUnits: pct(55), votingUnits: null },
    ];
    const d = diffRelationships(existing, desired);
    assert.deepEqual(
      d.remove.map((r) => r.id),
      ['r2'],
    );
    assert.deepEqual(d.create, [desired[1]]);
    assert.deepEqual(diffRelationships(existing, existing), { remove: [], create: [] });
  });

  it('diffs roles', () => {
    assert.deepEqual(diffRoles(['director', 'shareholder'], ['shareholder', 'ubo']), {
      add: ['ubo'],
      remove: ['director'],
    });
  });

  it('refuses control and bidi formatting characters in client messages, allows new lines', () => {
    assert.equal(hasForbiddenCharacters('Hello,\nhere are the documents.\r\n\tThanks'), false);
    assert.equal(hasForbiddenCharacters('bell\u0007'), true);
    assert.equal(hasForbiddenCharacters('abc\u202Edef'), true);
    assert.equal(hasForbiddenCharacters('Zoë — 100 % ✓'), false);
  });
});
