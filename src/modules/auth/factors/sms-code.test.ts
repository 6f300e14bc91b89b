import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { testKeyring } from '../../../../test/support/keyring.ts';
import { DEFAULT_SMS_CODE_POLICY, resolveSmsCodePolicy } from './factors.options.ts';
import { isSmsCodeShape, newSmsCode, smsAttemptHash, smsCodeMac } from './sms-code.ts';

describe('SMS code helpers', () => {
  it('makes six-digit codes, leading zeros kept', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const c = newSmsCode();
      assert.ok(isSmsCodeShape(c), c);
      seen.add(c);
    }
    assert.ok(seen.size > 1990, 'codes repeat far too often');
  });

  it('binds the MAC to the key, the attempt and the code', () => {
    const k = testKeyring();
    const mac = smsCodeMac(k, 'attempt-1', '123456');
    assert.equal(mac.length, 32);
    assert.ok(mac.equals(smsCodeMac(k, 'attempt-1', '123456')));
    assert.ok(!mac.equals(smsCodeMac(k, 'attempt-2', '123456')));
    assert.ok(!mac.equals(smsCodeMac(k, 'attempt-1', '123457')));
    assert.ok(!mac.equals(smsCodeMac(testKeyring(), 'attempt-1', '123456')));
    assert.ok(!smsAttemptHash('attempt-1').equals(smsAttemptHash('attempt-2')));
  });

  it('defaults to the baseline and refuses a policy beyond it', () => {
    assert.deepEqual(resolveSmsCodePolicy(), {
      ttlMs: 600_000,
      maxTries: 5,
      cooldownMs: 60_000,
      hourlyCap: 5,
    });
    assert.equal(resolveSmsCodePolicy({ ttlMs: 300_000 }).ttlMs, 300_000);
    assert.throws(() => resolveSmsCodePolicy({ ttlMs: 600_001 }), /lifetime/);
    assert.throws(() => resolveSmsCodePolicy({ ttlMs: 0 }), /lifetime/);
    assert.throws(() => resolveSmsCodePolicy({ maxTries: 6 }), /tries/);
    assert.throws(() => resolveSmsCodePolicy({ hourlyCap: 0 }), /cap/);
    assert.throws(() => resolveSmsCodePolicy({ cooldownMs: -1 }), /cooldown/);
    assert.ok(Object.isFrozen(DEFAULT_SMS_CODE_POLICY));
  });
});
