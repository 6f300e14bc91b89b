import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '../../platform/errors.ts';
import {
  checkedStatusMachine,
  defaultStatusMachine,
  normaliseTransition,
  riskAtMost,
  transitionRule,
  validateStatusMachine,
  type TransitionDef,
} from './status-machine.ts';

const withTransitions = (transitions: TransitionDef[]) => ({
  statuses: defaultStatusMachine().statuses,
  transitions,
});

describe('transition rules', () => {
  it('risk levels are ordered low < medium < high', () => {
    assert.equal(riskAtMost('low', 'low'), true);
    assert.equal(riskAtMost('medium', 'low'), false);
    assert.equal(riskAtMost('medium', 'high'), true);
    assert.equal(riskAtMost('high', 'medium'), false);
  });

  it('valid rules pass and are kept; unset rules and fourEyes false are dropped', () => {
    const t: TransitionDef = {
      from: 'in_review',
      to: 'approved',
      right: 'application:approve',
      maxRisk: 'high',
      limits: [{ right: 'application:transition', maxRisk: 'low' }],
      fourEyes: true,
    };
    assert.deepEqual(validateStatusMachine(withTransitions([t])), []);
    assert.deepEqual(normaliseTransition(t), t);
    assert.deepEqual(normaliseTransition({ from: 'a', to: 'b', fourEyes: false }), { from: 'a', to: 'b' });
    const extra = { from: 'a', to: 'b', secret: 1 } as unknown as TransitionDef;
    assert.deepEqual(normaliseTransition(extra), { from: 'a', to: 'b' });
  });

  it('unknown rights and risk levels, empty and duplicate limits are reported with their path', () => {
    const problems = validateStatusMachine(
      withTransitions([
        { from: 'draft', to: 'in_review', right: 'nope' },
        { from: 'in_review', to: 'draft', maxRisk: 'extreme' as 'high' },
        { from: 'in_review', to: 'approved', limits: [] },
        {
          from: 'in_review',
          to: 'rejected',
          limits: [
            { right: 'application:approve', maxRisk: 'high' },
            { right: 'application:approve', maxRisk: 'low' },
          ],
        },
      ]),
    );
    assert.deepEqual(
      problems.map((p) => p.path),
      [
        'transitions/0/right',
        'transitions/1/maxRisk',
        'transitions/2/limits',
        'transitions/3/limits/1/right',
      ],
    );
    assert.throws(
      () => checkedStatusMachine(withTransitions([{ from: 'draft', to: 'in_review', right: 'nope' }])),
      (e: unknown) => e instanceof AppError && e.code === 'validation',
    );
  });

  it('transitionRule finds the declared move with its rules', () => {
    const m = withTransitions([{ from: 'draft', to: 'in_review', fourEyes: true }]);
    assert.deepEqual(transitionRule(m, 'draft', 'in_review'), {
      from: 'draft',
      to: 'in_review',
      fourEyes: true,
    });
    assert.equal(transitionRule(m, 'draft', 'approved'), undefined);
  });
});
