import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_THROTTLE_POLICY, delayAfter, resolveThrottlePolicy } from './throttle.options.ts';

const MIN = 60_000;

describe('throttle policy', () => {
  it('escalates from the free attempts on, doubling up to the cap', () => {
    const p = DEFAULT_THROTTLE_POLICY.password;
    const free = p.freeAttempts.account_ip;
    const schedule = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 1000].map((n) => delayAfter(p, free, n));
    assert.deepEqual(schedule, [
      0,
      0,
      0,
      0,
      MIN / 2,
      MIN,
      2 * MIN,
      4 * MIN,
      8 * MIN,
      15 * MIN,
      15 * MIN,
      15 * MIN,
    ]);
  });

  it('makes the second-factor scope stricter than the password scope', () => {
    const { password: pw, second_factor: sf } = DEFAULT_THROTTLE_POLICY;
    assert.ok(sf.freeAttempts.attempt < pw.freeAttempts.account_ip);
    assert.ok(sf.freeAttempts.user < pw.freeAttempts.account);
    assert.ok(sf.baseDelayMs > pw.baseDelayMs && sf.maxDelayMs > pw.maxDelayMs);
    assert.equal(pw.hardLockAfter, null, 'no permanent lockout by default');
    assert.equal(sf.hardLockAfter, null);
  });

  it('merges overrides key by key', () => {
    const p = resolveThrottlePolicy({ password: { freeAttempts: { ip: 200 }, hardLockAfter: 100 } });
    assert.deepEqual(p.password.freeAttempts, { account: 10, account_ip: 5, ip: 200 });
    assert.equal(p.password.hardLockAfter, 100);
    assert.deepEqual(p.second_factor, DEFAULT_THROTTLE_POLICY.second_factor);
  });

  it('refuses settings that break the baseline', () => {
    assert.throws(() => resolveThrottlePolicy({ password: { hardLockAfter: 101 } }), /hardLockAfter/);
    assert.throws(() => resolveThrottlePolicy({ password: { hardLockAfter: 0 } }), /hardLockAfter/);
    assert.throws(
      () => resolveThrottlePolicy({ password: { freeAttempts: { account: 0 } } }),
      /freeAttempts/,
    );
    assert.throws(() => resolveThrottlePolicy({ second_factor: { factor: 0.5 } }), /factor/);
    assert.throws(
      () => resolveThrottlePolicy({ password: { maxDelayMs: 1000, baseDelayMs: 2000 } }),
      /maxDelayMs/,
    );
    assert.throws(() => resolveThrottlePolicy({ password: { windowMs: 60_000 } }), /windowMs/);
  });
});
