/**
 * From an attempt (username, source address, login attempt) to the counter keys it is counted on.
 */
import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { validationError } from '../../../platform/errors.ts';
import type { ThrottleKeyKind, ThrottleScope } from './throttle.options.ts';

/**
 * The account part of a key: the username as the user would type it, normalised (Unicode NFKC,
 * trimmed, lower case) so that "Alice", " alice" and "ａｌｉｃｅ" share one counter and cannot be
 * used to multiply the free attempts. Done for any username, known or not, so that unknown and
 * known accounts behave alike.
 */
export function normaliseAccount(username: string): string {
  return username.normalize('NFKC').trim().toLowerCase();
}

/**
 * A client address in canonical form: IPv4 dotted quad, IPv4-mapped IPv6 (::ffff:a.b.c.d) as the
 * IPv4 address it carries, other IPv6 in RFC 5952 form without zone. Throws on anything else: the
 * address comes from the socket or a configured proxy, so garbage is a bug, and failing closed is
 * right.
 */
export function normaliseIp(address: string): string {
  const raw = address.trim();
  // node:net is strict (no "127.1" or hex forms, which ipaddr.js would accept and reinterpret).
  if (isIP(raw) === 0) throw validationError('not an IP address');
  const parsed = ipaddr.process(raw); // unwraps IPv4-mapped IPv6
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const v6 = parsed as ipaddr.IPv6;
  v6.zoneId = undefined;
  return v6.toRFC5952String();
}

/**
 * The source part of a key. IPv4: the address. IPv6: its /64 network ("2001:db8:1:2::/64"),
 * because a single host or customer line is usually given a whole /64 and can rotate through its
 * 2^64 addresses at will; counting per address would hand it unlimited free attempts.
 */
export function sourceKey(address: string): string {
  const ip = normaliseIp(address);
  if (!ip.includes(':')) return ip;
  const parts = ipaddr.IPv6.parse(ip).parts.slice(0, 4);
  const prefix = new ipaddr.IPv6([...parts, 0, 0, 0, 0]);
  return `${prefix.toRFC5952String()}/64`;
}

/**
 * A one-way hash of a normalised username or a login attempt id. Usernames are not stored in the
 * clear because users sometimes type their password into the username field; attempt ids are
 * bearer-like. (Unkeyed: the table is short-lived and the hash only has to keep values from being
 * read at a glance in a dump.)
 */
export function hashKeyPart(label: 'account' | 'attempt', value: string): string {
  return createHash('sha256').update(`dossier-throttle:${label}:`).update(value, 'utf8').digest('hex');
}

/** One counter row's identity. */
export interface ThrottleKey {
  kind: ThrottleKeyKind;
  /** Hash of the normalised username; '' for the `ip` key. */
  account: string;
  /** Source (IPv4 or IPv6 /64) or hash of the attempt id; '' for `account` and `user`. */
  source: string;
}

/**
 * The keys of one attempt, in the one order every writer locks them (account-wide first, then the
 * pair, then the source-wide key), so concurrent transactions cannot deadlock.
 */
export function keysOf(
  scope: ThrottleScope,
  parts: { account: string; ip: string; attemptId?: string | undefined },
): ThrottleKey[] {
  const account = hashKeyPart('account', normaliseAccount(parts.account));
  if (scope === 'password') {
    const source = sourceKey(parts.ip);
    return [
      { kind: 'account', account, source: '' },
      { kind: 'account_ip', account, source },
      { kind: 'ip', account: '', source },
    ];
  }
  if (!parts.attemptId) throw validationError('a second-factor attempt needs its login attempt id');
  return [
    { kind: 'user', account, source: '' },
    { kind: 'attempt', account, source: hashKeyPart('attempt', parts.attemptId) },
  ];
}
