import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Actor } from '../access/actor.ts';
import type { Right } from '../access/rights.ts';
import type { TransitionDef } from '../programmes/index.ts';
import {
  effectiveRisk,
  isPreparer,
  needsFourEyes,
  refusalError,
  transitionRefusal,
} from './decision.policy.ts';

const key = (id: string, rights: Right[]): Actor => ({
  kind: 'api_key',
  id,
  name: id,
  rights: new Set(rights),
  programmes: 'all',
});
const junior = key('j', ['application:transition']);
const senior = key('s', ['application:transition', 'application:approve']);
const approve: TransitionDef = {
  from: 'in_review',
  to: 'approved',
  fourEyes: true,
  limits: [
    { right: 'application:transition', maxRisk: 'low' },
    { right: 'application:approve', maxRisk: 'high' },
  ],
};

describe('decision policy', () => {
  it('unknown risk is high', () => {
    assert.equal(effectiveRisk(null), 'high');
    assert.equal(effectiveRisk('low'), 'low');
  });

  it('no rules: anyone holding application:transition, whatever the risk', () => {
    const plain = { from: 'a', to: 'b' };
    for (const risk of ['low', 'medium', 'high', null] as const)
      assert.equal(transitionRefusal(junior, plain, risk), null);
    assert.deepEqual(transitionRefusal(key('n', ['application:approve']), plain, 'low'), {
      reason: 'missing_right',
      rights: ['application:transition'],
    });
  });

  it('limits: a junior up to low risk, a holder of application:approve up to high', () => {
    assert.equal(transitionRefusal(junior, approve, 'low'), null);
    for (const risk of ['medium', 'high', null] as const)
      assert.deepEqual(transitionRefusal(junior, approve, risk), {
        reason: 'risk_too_high',
        riskLevel: risk,
        maxRisk: 'low',
      });
    for (const risk of ['low', 'medium', 'high', null] as const)
      assert.equal(transitionRefusal(senior, approve, risk), null);
  });

  it('limits: holding none of the listed rights is missing_right', () => {
    const rule: TransitionDef = {
      from: 'a',
      to: 'b',
      limits: [{ right: 'application:approve', maxRisk: 'high' }],
    };
    assert.deepEqual(transitionRefusal(junior, rule, 'low'), {
      reason: 'missing_right',
      rights: ['application:approve'],
    });
  });

  it('right and maxRisk', () => {
    const rule: TransitionDef = { from: 'a', to: 'b', right: 'application:approve', maxRisk: 'medium' };
    assert.equal(transitionRefusal(junior, rule, 'low')?.reason, 'missing_right');
    assert.equal(transitionRefusal(senior, rule, 'medium'), null);
    assert.equal(transitionRefusal(senior, rule, 'high')?.reason, 'risk_too_high');
    assert.equal(transitionRefusal(senior, rule, null)?.reason, 'risk_too_high');
  });

  it('a right unknown to the catalogue is never held', () => {
    const rule: TransitionDef = { from: 'a', to: 'b', right: 'god:mode' };
    const odd = { ...senior, rights: new Set(['application:transition', 'god:mode']) } as unknown as Actor;
    assert.equal(transitionRefusal(odd, rule, 'low')?.reason, 'missing_right');
  });

  it('the preparer is recognised by actor reference, whatever the kind', () => {
    assert.equal(isPreparer(junior, { prepared_by: 'api_key:j' }), true);
    assert.equal(isPreparer(senior, { prepared_by: 'api_key:j' }), false);
    const staff: Actor = {
      kind: 'staff',
      id: 'j',
      username: 'j',
      rights: new Set(),
      sessionId: 's',
      secondFactorAt: null,
      programmes: 'all',
    };
    assert.equal(isPreparer(staff, { prepared_by: 'api_key:j' }), false);
    assert.equal(isPreparer(staff, { prepared_by: 'staff:j' }), true);
  });

  it('four-eyes only when set, and errors carry the reason', () => {
    assert.equal(needsFourEyes(approve), true);
    assert.equal(needsFourEyes({ from: 'a', to: 'b' }), false);
    const e1 = refusalError({ reason: 'missing_right', rights: ['application:approve'] }, 'a', 'b');
    assert.deepEqual([e1.status, e1.extra?.['reason']], [403, 'missing_right']);
    const e2 = refusalError({ reason: 'risk_too_high', riskLevel: null, maxRisk: 'low' }, 'a', 'b');
    assert.deepEqual([e2.status, e2.extra?.['reason']], [409, 'risk_too_high']);
    const e3 = refusalError({ reason: 'same_person' }, 'a', 'b');
    assert.deepEqual([e3.status, e3.extra?.['reason']], [403, 'same_person']);
  });
});
