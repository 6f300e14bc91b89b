import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Actor } from '../access/actor.ts';
import type { Right } from '../access/rights.ts';
import { applicationAbilities } from './application.abilities.ts';

const programme = {
  statuses: [
    { key: 'review', label: 'Review', initial: true },
    { key: 'approved', label: 'Approved', terminal: true },
    { key: 'rejected', label: 'Rejected', terminal: true },
  ],
  transitions: [
    {
      from: 'review',
      to: 'approved',
      fourEyes: true,
      limits: [
        { right: 'application:transition', maxRisk: 'low' },
        { right: 'application:approve', maxRisk: 'high' },
      ],
    },
    { from: 'review', to: 'rejected' },
  ],
} as never;

function staff(id: string, rights: Right[]): Actor {
  return {
    kind: 'staff',
    id,
    username: id,
    rights: new Set(rights),
    sessionId: 's',
    secondFactorAt: null,
    programmes: 'all',
  };
}

describe('application abilities', () => {
  it('follow the transition rules and the risk level (unknown is high)', () => {
    const analyst = staff('a', ['application:read', 'application:write', 'application:transition']);
    const high = applicationAbilities(analyst, { status: 'review', risk_level: null }, programme, null);
    assert.deepEqual(
      high.transitions.map((t) => [t.to, t.allowed, t.fourEyes, t.refusal]),
      [
        ['approved', false, true, 'risk_too_high'],
        ['rejected', true, false, undefined],
      ],
    );
    assert.equal(high.edit, true);
    assert.equal(high.setRisk, false);
    const low = applicationAbilities(analyst, { status: 'review', risk_level: 'low' }, programme, null);
    assert.equal(low.transitions[0]!.allowed, true);
  });

  it('the preparer may not decide; a qualified second person may', () => {
    const officer = staff('o', ['application:transition', 'application:approve']);
    const decision = { prepared_by: 'staff:o', from_status: 'review', to_status: 'approved' };
    const row = { status: 'review', risk_level: 'high' as const };
    assert.equal(applicationAbilities(officer, row, programme, decision).decide, false);
    const other = staff('p', ['application:transition', 'application:approve']);
    assert.equal(applicationAbilities(other, row, programme, decision).decide, true);
    const reader = staff('r', ['application:read']);
    const none = applicationAbilities(reader, row, programme, decision);
    assert.equal(none.decide, false);
    assert.ok(none.transitions.every((t) => !t.allowed));
    assert.equal(none.edit, false);
  });
});
