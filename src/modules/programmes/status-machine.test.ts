import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  allowedTargets,
  canTransition,
  defaultStatusMachine,
  initialStatus,
  validateStatusMachine,
  type StatusMachine,
} from './status-machine.ts';

const base = (): StatusMachine => ({
  statuses: [
    { key: 'open', label: 'Open', initial: true },
    { key: 'review', label: 'Review' },
    { key: 'done', label: 'Done', terminal: true },
  ],
  transitions: [
    { from: 'open', to: 'review' },
    { from: 'review', to: 'done' },
  ],
});

const messages = (m: StatusMachine) => validateStatusMachine(m).map((p) => `${p.path}: ${p.message}`);

describe('validateStatusMachine', () => {
  it('accepts a valid machine and the default one', () => {
    assert.deepEqual(validateStatusMachine(base()), []);
    assert.deepEqual(validateStatusMachine(defaultStatusMachine()), []);
  });

  it('requires exactly one initial status', () => {
    const none = base();
    none.statuses[0]!.initial = false;
    assert.deepEqual(messages(none), ['statuses: exactly one status must be initial (found 0)']);
    const two = base();
    two.statuses[1]!.initial = true;
    assert.deepEqual(messages(two), ['statuses: exactly one status must be initial (found 2)']);
  });

  it('refuses an empty machine and a terminal initial status', () => {
    assert.ok(
      messages({ statuses: [], transitions: [] }).includes('statuses: at least one status is required'),
    );
    const m = base();
    m.statuses[0]!.terminal = true;
    m.transitions = [];
    assert.deepEqual(messages(m), ['statuses: the initial status "open" cannot be terminal']);
  });

  it('refuses duplicate and malformed keys', () => {
    const m = base();
    m.statuses.push(
      { key: 'review', label: 'Again' },
      { key: 'Bad-Key', label: 'x' },
      { key: 'a'.repeat(41), label: 'x' },
    );
    assert.deepEqual(messages(m), [
      'statuses/3/key: duplicate status "review"',
      'statuses/4/key: "Bad-Key" is not a valid status key',
      `statuses/5/key: "${'a'.repeat(41)}" is not a valid status key`,
    ]);
  });

  it('refuses transitions to unknown statuses, to self, out of terminal statuses, and duplicates', () => {
    const m = base();
    m.transitions.push(
      { from: 'open', to: 'nowhere' },
      { from: 'ghost', to: 'open' },
      { from: 'review', to: 'review' },
      { from: 'done', to: 'open' },
      { from: 'open', to: 'review' },
    );
    assert.deepEqual(messages(m), [
      'transitions/2/to: unknown status "nowhere"',
      'transitions/3/from: unknown status "ghost"',
      'transitions/4: a status cannot transition to itself ("review")',
      'transitions/5: "done" is terminal: no transition may leave it',
      'transitions/6: duplicate transition open → review',
    ]);
  });
});

describe('status machine queries', () => {
  it('finds the initial status, the allowed targets and whether a move is allowed', () => {
    const m = defaultStatusMachine();
    assert.equal(initialStatus(m), 'draft');
    assert.deepEqual(allowedTargets(m, 'in_review'), ['draft', 'approved', 'rejected']);
    assert.deepEqual(allowedTargets(m, 'approved'), []);
    assert.equal(canTransition(m, 'draft', 'in_review'), true);
    assert.equal(canTransition(m, 'draft', 'approved'), false);
  });

  it('initialStatus throws on a machine without one', () => {
    assert.throws(() => initialStatus({ statuses: [{ key: 'a', label: 'A' }], transitions: [] }));
  });
});
