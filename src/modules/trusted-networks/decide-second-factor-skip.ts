import type { Executor } from '../../db/transaction.ts';
import { holdsAdministrativeRight, listRolesOfUser } from '../roles/index.ts';
import { mostSpecificRange } from './trusted-network.cidr.ts';
import { listTrustedNetworkRows } from './trusted-network.repository.ts';

export interface SecondFactorSkipInput {
  /** The staff user who has just given the right password. */
  userId: string;
  /** Client address from the socket or a configured proxy: IPv4, IPv6 or IPv4-mapped IPv6. */
  ip: string;
  /** The configuration master switch (`auth.trustedNetworkSkip`). */
  enabled: boolean;
}

export type SecondFactorSkipDecision =
  | { skip: true; networkId: string; cidr: string; roleId: string }
  | { skip: false; reason: 'no_trusted_network' | 'no_role_allows' | 'administrative_role' | 'disabled' };

/**
 * Whether a user who has given the right password may skip the second factor. Checked in this
 * order, the first failing check giving the reason:
 * 1. `disabled`: the master switch is off;
 * 2. `no_trusted_network`: the address is in no trusted range (an address that does not parse is in
 *    none);
 * 3. `administrative_role`: any of the user's roles holds an administrative right, whatever another
 *    role allows (checked here again, not only when roles are saved, so a right later made
 *    administrative takes effect at once);
 * 4. `no_role_allows`: none of the user's roles allows skipping (a user without roles never skips).
 * On a skip it names the range (the most specific one containing the address) and the role (the
 * first allowing role by name) for the audit trail. Reads only; the caller audits the outcome.
 */
export async function decideSecondFactorSkip(
  db: Executor,
  input: SecondFactorSkipInput,
): Promise<SecondFactorSkipDecision> {
  if (!input.enabled) return { skip: false, reason: 'disabled' };
  const networks = await listTrustedNetworkRows(db);
  const cidr = mostSpecificRange(
    input.ip,
    networks.map((n) => n.cidr),
  );
  const network = cidr === null ? undefined : networks.find((n) => n.cidr === cidr);
  if (!network) return { skip: false, reason: 'no_trusted_network' };
  const roles = await listRolesOfUser(db, input.userId);
  if (roles.some((r) => holdsAdministrativeRight(r.rights)))
    return { skip: false, reason: 'administrative_role' };
  const allowing = roles.find((r) => r.trusted_network_skip);
  if (!allowing) return { skip: false, reason: 'no_role_allows' };
  return { skip: true, networkId: network.id, cidr: network.cidr, roleId: allowing.id };
}
