/**
 * Network ranges and client addresses, as pure functions: parsing a range into its one canonical
 * form, refusing ranges too broad to mean "our office", and matching an address against ranges.
 */
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { validationError } from '../../platform/errors.ts';
import { normaliseIp } from '../auth/throttle/index.ts';

/** The shortest prefix accepted: an IPv4 /8 is already 16 million addresses. */
export const MIN_PREFIX = { ipv4: 8, ipv6: 32 } as const;

const CIDR_SYNTAX = /^([0-9A-Fa-f:.]+)\/([0-9]{1,3})$/;
const MAPPED_PREFIX = 96;
const MAPPED_BLOCK = ipaddr.IPv6.parse('::ffff:0:0');

/**
 * The canonical form of a range: the network address (host bits cleared, so `10.1.2.3/8` becomes
 * `10.0.0.0/8` rather than being refused; what is stored is what is matched and shown), IPv6 in
 * RFC 5952 form, and an IPv4-mapped IPv6 range (`::ffff:10.0.0.0/104`) as the IPv4 range it maps
 * (`10.0.0.0/8`), because client addresses are matched in that form too.
 *
 * Refused (validation error naming the problem): anything but `address/prefix` with a strict IPv4
 * dotted quad or IPv6 address (no zone, no "10.1" or hex shorthand), a prefix beyond the family's
 * width, a range shorter than /8 (IPv4) or /32 (IPv6) — which includes 0.0.0.0/0 and ::/0 — and an
 * IPv6 range shorter than /96 that covers the IPv4-mapped block (it would silently cover every
 * IPv4 address, or none, depending on how the address reached us).
 */
export function canonicaliseCidr(input: string): string {
  const m = CIDR_SYNTAX.exec(input.trim());
  const family = m ? isIP(m[1]!) : 0;
  if (!m || family === 0) throw invalidRange('expected address/prefix, e.g. 10.20.0.0/16 or 2001:db8::/48');
  let prefix = Number(m[2]);
  let addr: ipaddr.IPv4 | ipaddr.IPv6 = ipaddr.parse(m[1]!);
  if (prefix > (family === 4 ? 32 : 128))
    throw invalidRange(`an IPv${family} prefix is at most /${family === 4 ? 32 : 128}`);
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress() && prefix >= MAPPED_PREFIX) {
    addr = (addr as ipaddr.IPv6).toIPv4Address();
    prefix -= MAPPED_PREFIX;
  }
  const kind = addr.kind();
  if (prefix < MIN_PREFIX[kind]) {
    throw invalidRange(
      `the range is too broad: an ${kind === 'ipv4' ? 'IPv4' : 'IPv6'} range needs a prefix of at least /${MIN_PREFIX[kind]}`,
    );
  }
  if (kind === 'ipv6' && prefix < MAPPED_PREFIX && MAPPED_BLOCK.match(addr, prefix)) {
    throw invalidRange('the range covers the IPv4-mapped block ::ffff:0:0/96; give IPv4 ranges in IPv4 form');
  }
  if (kind === 'ipv4')
    return `${ipaddr.IPv4.networkAddressFromCIDR(`${addr.toString()}/${prefix}`).toString()}/${prefix}`;
  const network = ipaddr.IPv6.networkAddressFromCIDR(`${addr.toNormalizedString()}/${prefix}`);
  return `${network.toRFC5952String()}/${prefix}`;
}

/**
 * The client address as ranges are matched: IPv4-mapped IPv6 unwrapped to IPv4, IPv6 without zone.
 * Null for anything that is not an address (fail closed: it matches no range).
 */
export function normaliseClientIp(ip: string): string | null {
  try {
    return normaliseIp(ip);
  } catch {
    return null;
  }
}

/**
 * The most specific of `cidrs` (longest prefix; ties by text order) that contains `ip`, or null.
 * `ip` may be IPv4, IPv6 or IPv4-mapped IPv6 (`::ffff:10.1.2.3` is in `10.0.0.0/8`); an address
 * that does not parse, and a range that does not parse, match nothing.
 */
export function mostSpecificRange(ip: string, cidrs: readonly string[]): string | null {
  const normalised = normaliseClientIp(ip);
  if (normalised === null) return null;
  const addr = ipaddr.parse(normalised);
  let best: { cidr: string; prefix: number } | null = null;
  for (const cidr of cidrs) {
    let range: [ipaddr.IPv4 | ipaddr.IPv6, number];
    try {
      range = ipaddr.parseCIDR(cidr);
    } catch {
      continue;
    }
    if (range[0].kind() !== addr.kind() || !addr.match(range)) continue;
    if (!best || range[1] > best.prefix || (range[1] === best.prefix && cidr < best.cidr))
      best = { cidr, prefix: range[1] };
  }
  return best?.cidr ?? null;
}

/** Whether `ip` is inside any of `cidrs` (see {@link mostSpecificRange}). */
export function ipInRanges(ip: string, cidrs: readonly string[]): boolean {
  return mostSpecificRange(ip, cidrs) !== null;
}

function invalidRange(message: string) {
  return validationError(`invalid network range: ${message}`, [{ path: 'cidr', message }]);
}
