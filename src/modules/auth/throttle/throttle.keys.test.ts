import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hashKeyPart, keysOf, normaliseAccount, normaliseIp, sourceKey } from './throttle.keys.ts';

describe('throttle keys', () => {
  it('normalises usernames so spelling variants share one counter', () => {
    for (const v of ['Alice', ' alice ', 'ALICE', 'ａｌｉｃｅ']) assert.equal(normaliseAccount(v), 'alice');
    assert.notEqual(normaliseAccount('alice2'), 'alice');
  });

  it('normalises addresses: IPv4-mapped IPv6 unwrapped, IPv6 canonical, zone dropped', () => {
    assert.equal(normaliseIp('192.0.2.1'), '192.0.2.1');
    assert.equal(normaliseIp('::ffff:192.0.2.1'), '192.0.2.1');
    assert.equal(normaliseIp('::FFFF:c000:0201'), '192.0.2.1');
    assert.equal(normaliseIp('2001:DB8:0:0:0:0:0:1'), '2001:db8::1');
    assert.equal(normaliseIp('fe80::1%eth0'), 'fe80::1');
    assert.equal(normaliseIp(' 2001:db8::1 '), '2001:db8::1');
  });

  it('refuses anything that is not a plain address (fails closed)', () => {
    for (const bad of ['', 'localhost', '127.1', '0x7f.0.0.1', '192.0.2.1/24', '1.2.3.4.5', '2001:db8::g']) {
      assert.throws(() => normaliseIp(bad), /not an IP address/, bad);
    }
  });

  it('keys IPv6 sources on their /64 and IPv4 sources on the address', () => {
    assert.equal(sourceKey('2001:db8:1:2:3:4:5:6'), '2001:db8:1:2::/64');
    assert.equal(sourceKey('2001:db8:1:2:ffff::1'), '2001:db8:1:2::/64');
    assert.notEqual(sourceKey('2001:db8:1:3::1'), sourceKey('2001:db8:1:2::1'));
    assert.equal(sourceKey('::ffff:198.51.100.7'), '198.51.100.7');
    assert.notEqual(sourceKey('198.51.100.7'), sourceKey('198.51.100.8'));
  });

  it('derives the keys of each scope, never storing the username or attempt id in the clear', () => {
    const pw = keysOf('password', { account: 'Alice', ip: '192.0.2.1' });
    assert.deepEqual(
      pw.map((k) => k.kind),
      ['account', 'account_ip', 'ip'],
    );
    assert.equal(pw[0]!.account, hashKeyPart('account', 'alice'));
    assert.equal(JSON.stringify(pw).includes('alice'), false);
    assert.deepEqual(pw[2], { kind: 'ip', account: '', source: '192.0.2.1' });

    const sf = keysOf('second_factor', { account: 'alice', ip: '192.0.2.1', attemptId: 'att-123' });
    assert.deepEqual(
      sf.map((k) => k.kind),
      ['user', 'attempt'],
    );
    assert.equal(JSON.stringify(sf).includes('att-123'), false);
    assert.throws(() => keysOf('second_factor', { account: 'alice', ip: '192.0.2.1' }), /login attempt id/);
  });
});
