/**
 * Trusted networks (issue 3): the ranges from which a role may let its users sign in without the
 * second factor, and the decision itself. No HTTP here.
 *
 * - add (canonical form; `10.1.2.3/8` is stored as `10.0.0.0/8`; ranges broader than /8 or /32
 *   refused; IPv4-mapped IPv6 ranges stored as IPv4), list, remove; each audited;
 * - `decideSecondFactorSkip`: master switch, address in a range, no administrative role, a role
 *   that allows it — in that order;
 * - `ipInRanges` / `mostSpecificRange`: the pure matching, IPv4-mapped addresses unwrapped.
 */
export * from './trusted-network.schema.ts';
export { addTrustedNetwork, type AddTrustedNetworkInput } from './add-trusted-network.ts';
export { listTrustedNetworks } from './list-trusted-networks.ts';
export { removeTrustedNetwork } from './remove-trusted-network.ts';
export {
  decideSecondFactorSkip,
  type SecondFactorSkipDecision,
  type SecondFactorSkipInput,
} from './decide-second-factor-skip.ts';
export {
  canonicaliseCidr,
  ipInRanges,
  MIN_PREFIX,
  mostSpecificRange,
  normaliseClientIp,
} from './trusted-network.cidr.ts';
