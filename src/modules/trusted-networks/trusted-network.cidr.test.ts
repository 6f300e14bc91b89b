import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '../../platform/errors.ts';
import { canonicaliseCidr, ipInRanges, mostSpecificRange } from './trusted-network.cidr.ts';

const refused = (input: string, message: RegExp) =>
  assert.throws(
    () => canonicaliseCidr(input),
    (err) => err instanceof AppError && err.code === 'validation' && message.test(err.message),
    input,
  );

describe('canonicaliseCidr', () => {
  it('clears host bits instead of refusing them, and keeps canonical ranges as they are', () => {
    assert.equal(canonicaliseCidr('10.1.2.3/8'), '10.0.0.0/8');
    assert.equal(canonicaliseCidr(' 192.168.17.200/20 '), '192.168.16.0/20');
    assert.equal(canonicaliseCidr('10.0.0.0/8'), '10.0.0.0/8');
    assert.equal(canonicaliseCidr('203.0.113.7/32'), '203.0.113.7/32');
    assert.equal(canonicaliseCidr('10.0.0.0/08'), '10.0.0.0/8');
  });

  it('writes IPv6 in RFC 5952 form with the network address', () => {
    assert.equal(canonicaliseCidr('2001:DB8:0:0:1::/48'), '2001:db8::/48');
    assert.equal(canonicaliseCidr('2001:0db8:00ab:cdef:1:2:3:4/64'), '2001:db8:ab:cdef::/64');
    assert.equal(canonicaliseCidr('2001:db8::1/128'), '2001:db8::1/128');
    assert.equal(canonicaliseCidr('2001:db8::/32'), '2001:db8::/32');
  });

  it('stores IPv4-mapped IPv6 ranges as the IPv4 range they map', () => {
    assert.equal(canonicaliseCidr('::ffff:10.1.2.3/104'), '10.0.0.0/8');
    assert.equal(canonicaliseCidr('::ffff:c0a8:1/120'), '192.168.0.0/24');
    assert.equal(canonicaliseCidr('::ffff:10.1.2.3/128'), '10.1.2.3/32');
  });

  it('refuses ranges broader than /8 (IPv4) or /32 (IPv6), everything included', () => {
    refused('0.0.0.0/0', /too broad.*\/8/);
    refused('10.0.0.0/7', /too broad.*\/8/);
    refused('::/0', /too broad.*\/32/);
    refused('2001:db8::/31', /too broad.*\/32/);
    refused('::ffff:0:0/96', /too broad.*\/8/);
    refused('::ffff:10.0.0.0/100', /too broad.*\/8/);
  });

  it('refuses an IPv6 range that covers the whole IPv4-mapped block', () => {
    refused('::/32', /IPv4-mapped/);
    refused('::ffff:0:0/95', /IPv4-mapped/);
    refused('::/80', /IPv4-mapped/);
  });

  it('refuses anything that is not strictly address/prefix', () => {
    for (const bad of [
      '10.0.0.0',
      '10.1/8',
      '010.1.2.3/8',
      '0x0a.0.0.0/8',
      '10.0.0.0/33',
      '2001:db8::/129',
      'fe80::1%eth0/64',
      '10.0.0.0/8/8',
      '10.0.0.0/-8',
      'example.org/24',
      '',
    ])
      assert.throws(() => canonicaliseCidr(bad), AppError, bad);
  });
});

describe('ipInRanges and mostSpecificRange', () => {
  const ranges = ['10.0.0.0/8', '10.1.0.0/16', '2001:db8::/32', '2001:db8:1::/48'];

  it('matches IPv4, IPv6 and IPv4-mapped IPv6 addresses', () => {
    assert.equal(ipInRanges('10.200.3.4', ranges), true);
    assert.equal(ipInRanges('::ffff:10.1.2.3', ranges), true);
    assert.equal(ipInRanges('::FFFF:0a01:0203', ranges), true);
    assert.equal(ipInRanges('2001:db8:ffff::1', ranges), true);
    assert.equal(ipInRanges('2001:DB8:0:0::9', ranges), true);
  });

  it('does not match outside the ranges, nor across families', () => {
    assert.equal(ipInRanges('11.0.0.1', ranges), false);
    assert.equal(ipInRanges('::ffff:11.0.0.1', ranges), false);
    assert.equal(ipInRanges('2001:db9::1', ranges), false);
    assert.equal(ipInRanges('::a00:1', ['10.0.0.0/8']), false, 'IPv4-compatible is not IPv4-mapped');
    assert.equal(ipInRanges('10.0.0.1', []), false);
  });

  it('fails closed on addresses and ranges that do not parse', () => {
    assert.equal(ipInRanges('garbage', ranges), false);
    assert.equal(ipInRanges('10.1', ['10.0.0.0/8']), false);
    assert.equal(ipInRanges('', ranges), false);
    assert.equal(ipInRanges('10.0.0.1', ['not a range', '10.0.0.0/8']), true);
  });

  it('returns the most specific range, ties by text order', () => {
    assert.equal(mostSpecificRange('10.1.2.3', ranges), '10.1.0.0/16');
    assert.equal(mostSpecificRange('::ffff:10.1.2.3', ranges), '10.1.0.0/16');
    assert.equal(mostSpecificRange('10.2.2.3', ranges), '10.0.0.0/8');
    assert.equal(mostSpecificRange('2001:db8:1::7', ranges), '2001:db8:1::/48');
    assert.equal(mostSpecificRange('10.0.0.1', ['10.0.0.0/8', '10.0.0.0/8']), '10.0.0.0/8');
    assert.equal(mostSpecificRange('192.0.2.1', ranges), null);
  });
});
