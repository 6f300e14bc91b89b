import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  SeparationOfDutiesError,
  assertSeparationOfDuties,
  orderedPair,
  separationOfDutiesViolations,
  type HeldRole,
  type SodRule,
} from './separation-of-duties.policy.ts';

const rules: SodRule[] = [
  { id: 'r1', rightA: 'application:approve', rightB: 'user:manage' },
  { id: 'r2', rightA: 'application:approve', rightB: 'role:manage' },
];
const admin: HeldRole = { id: 'admin', name: 'Admin', rights: ['user:manage', 'role:manage'] };
const officer: HeldRole = { id: 'officer', name: 'Officer', rights: ['application:approve'] };
const both: HeldRole = { id: 'both', name: 'Both', rights: ['application:approve', 'user:manage'] };

describe('separation-of-duties policy', () => {
  it('orders a pair in byte order', () => {
    assert.deepEqual(orderedPair('user:manage', 'application:approve'), [
      'application:approve',
      'user:manage',
    ]);
    assert.deepEqual(orderedPair('api-key:manage', 'application:approve'), [
      'api-key:manage',
      'application:approve',
    ]);
  });

  it('finds the rules broken by roles held together, naming the roles bringing each right', () => {
    assert.deepEqual(separationOfDutiesViolations(rules, [admin], 'u'), []);
    assert.deepEqual(separationOfDutiesViolations(rules, [officer, admin, both], 'u'), [
      {
        ruleId: 'r1',
        rightA: 'application:approve',
        rightB: 'user:manage',
        userId: 'u',
        rolesWithA: ['both', 'officer'],
        rolesWithB: ['admin', 'both'],
      },
      {
        ruleId: 'r2',
        rightA: 'application:approve',
        rightB: 'role:manage',
        userId: 'u',
        rolesWithA: ['both', 'officer'],
        rolesWithB: ['admin'],
      },
    ]);
  });

  it('a role not stored yet counts but is not listed; strings outside the catalogue never count', () => {
    assert.deepEqual(
      separationOfDutiesViolations(rules, [{ id: null, name: 'New', rights: both.rights }], null),
      [
        {
          ruleId: 'r1',
          rightA: 'application:approve',
          rightB: 'user:manage',
          userId: null,
          rolesWithA: [],
          rolesWithB: [],
        },
      ],
    );
    const withdrawn: SodRule[] = [{ id: 'x', rightA: 'gone:right', rightB: 'user:manage' }];
    assert.deepEqual(
      separationOfDutiesViolations(
        withdrawn,
        [{ id: 'r', name: 'R', rights: ['gone:right', 'user:manage'] }],
        null,
      ),
      [],
    );
  });

  it('refuses only breaches the change adds; a breach that predates it does not block', () => {
    assertSeparationOfDuties(rules, [{ userId: 'u', before: [], after: [admin] }]);
    assert.throws(
      () => assertSeparationOfDuties(rules, [{ userId: 'u', before: [admin], after: [admin, officer] }]),
      (err) => {
        assert.ok(err instanceof SeparationOfDutiesError);
        assert.equal(err.code, 'conflict');
        assert.equal(err.status, 409);
        assert.equal(err.extra?.['reason'], 'separation_of_duties');
        assert.deepEqual(
          err.violations.map((v) => [v.ruleId, v.rolesWithA, v.rolesWithB]),
          [
            ['r1', ['officer'], ['admin']],
            ['r2', ['officer'], ['admin']],
          ],
        );
        assert.match(
          err.message,
          /staff user u would hold both application:approve \(from "Officer"\) and user:manage \(from "Admin"\)/,
        );
        return true;
      },
    );
    // Already breaking r1 (through "Both"): removing "Admin" or adding an unrelated role passes...
    const legacy = [both, admin];
    assertSeparationOfDuties(rules, [{ userId: 'u', before: [both, admin, officer], after: [both] }]);
    assertSeparationOfDuties(rules, [
      { userId: 'u', before: [both], after: [both, { id: 'x', name: 'X', rights: ['subject:read'] }] },
    ]);
    // ...but a change that adds a breach of another rule does not.
    assert.throws(
      () => assertSeparationOfDuties(rules, [{ userId: 'u', before: [both], after: legacy }]),
      (err) => err instanceof SeparationOfDutiesError && err.violations.map((v) => v.ruleId).join() === 'r2',
    );
  });

  it('checks every holding and describes a new role', () => {
    assert.throws(
      () =>
        assertSeparationOfDuties(rules, [
          { userId: null, before: [], after: [{ id: null, name: 'New', rights: both.rights }] },
        ]),
      (err) =>
        err instanceof SeparationOfDutiesError &&
        /a role would hold both application:approve \(from the new role\)/.test(err.message),
    );
    assert.throws(
      () =>
        assertSeparationOfDuties(rules, [
          { userId: 'a', before: [], after: [officer] },
          { userId: 'b', before: [officer], after: [officer, admin] },
        ]),
      (err) =>
        err instanceof SeparationOfDutiesError &&
        err.violations.every((v) => v.userId === 'b') &&
        err.violations.length === 2,
    );
  });
});
