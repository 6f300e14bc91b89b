import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Actor } from '../access/actor.ts';
import type { Right } from '../access/rights.ts';
import { AppError } from '../../platform/errors.ts';
import {
  administrativeRightsOf,
  assertCanGrant,
  assertSkipAllowed,
  checkedRights,
  holdsAdministrativeRight,
  knownRights,
} from './role.policy.ts';

const actor = (rights: Right[]): Actor => ({ kind: 'system', label: 't', rights: new Set(rights) });
const code = (c: string) => (err: unknown) => err instanceof AppError && err.code === c;

describe('role policy', () => {
  it('knownRights drops strings outside the catalogue, deduplicates and sorts', () => {
    assert.deepEqual(knownRights(['subject:read', 'gone:right', 'audit:read', 'subject:read']), [
      'audit:read',
      'subject:read',
    ]);
  });

  it('checkedRights refuses unknown rights, naming each', () => {
    assert.deepEqual(checkedRights(['subject:write', 'audit:read']), ['audit:read', 'subject:write']);
    assert.throws(
      () => checkedRights(['audit:read', 'root', 'x']),
      (err) =>
        err instanceof AppError &&
        err.code === 'validation' &&
        JSON.stringify(err.extra) ===
          JSON.stringify({
            errors: [
              { path: 'rights/1', message: '"root" is not a right of the catalogue' },
              { path: 'rights/2', message: '"x" is not a right of the catalogue' },
            ],
          }),
    );
  });

  it('tells administrative rights apart', () => {
    assert.equal(holdsAdministrativeRight(['subject:read', 'audit:read']), false);
    assert.equal(holdsAdministrativeRight(['subject:read', 'role:manage']), true);
    assert.equal(holdsAdministrativeRight([]), false);
    assert.deepEqual(administrativeRightsOf(['user:manage', 'subject:read', 'api-key:manage']), [
      'api-key:manage',
      'user:manage',
    ]);
  });

  it('never allows skipping the second factor on a role with an administrative right', () => {
    assertSkipAllowed({ rights: ['subject:read'], trustedNetworkSkip: true });
    assertSkipAllowed({ rights: ['user:manage'], trustedNetworkSkip: false });
    for (const admin of [
      'user:manage',
      'role:manage',
      'trusted-network:manage',
      'api-key:manage',
      'programme:members',
    ])
      assert.throws(
        () => assertSkipAllowed({ rights: ['subject:read', admin], trustedNetworkSkip: true }),
        (err) =>
          code('validation')(err) &&
          (err as Error).message.includes(admin) &&
          /cannot let its users skip the second factor/.test((err as Error).message),
      );
  });

  it('no escalation: to oneself only rights held; to others, administrative rights only if held', () => {
    const manager = actor(['role:manage', 'subject:read']);
    assertCanGrant(actor(['subject:read', 'audit:read']), ['subject:read'], 'self');
    assertCanGrant(actor([]), [], 'self');
    assertCanGrant(actor([]), [], 'others');
    const refused = (fn: () => void, rights: string[], message: RegExp) =>
      assert.throws(
        fn,
        (err) =>
          code('forbidden')(err) &&
          message.test((err as Error).message) &&
          JSON.stringify((err as AppError).extra) === JSON.stringify({ rights }),
      );
    // To oneself: every right lacking is refused.
    refused(
      () => assertCanGrant(manager, ['subject:read', 'user:manage', 'audit:read'], 'self'),
      ['audit:read', 'user:manage'],
      /cannot give yourself rights you do not hold: audit:read, user:manage/,
    );
    // To others: a role manager may hand out case-work rights it lacks, never administrative ones.
    assertCanGrant(manager, ['application:approve', 'subject:reveal-identifiers', 'audit:read'], 'others');
    for (const admin of [
      'user:manage',
      'role:manage',
      'trusted-network:manage',
      'api-key:manage',
      'programme:members',
    ])
      refused(
        () => assertCanGrant(actor(['subject:read']), [admin, 'subject:read'], 'others'),
        [admin],
        /cannot grant rights you do not hold/,
      );
    refused(
      () => assertCanGrant(manager, ['audit:read', 'user:manage', 'application:approve'], 'others'),
      ['user:manage'],
      /cannot grant rights you do not hold: user:manage$/,
    );
    // Without role:manage, nothing lacking can be granted to anyone.
    refused(
      () => assertCanGrant(actor(['subject:read']), ['audit:read'], 'others'),
      ['audit:read'],
      /audit:read/,
    );
  });
});
