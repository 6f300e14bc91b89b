import { randomUUID } from 'node:crypto';
import { inTransaction } from '../../db/transaction.ts';
import type { Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { actorRef } from '../access/actor.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { canonicaliseCidr } from './trusted-network.cidr.ts';
import { presentTrustedNetwork } from './trusted-network.presenter.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import { cidrTaken, insertTrustedNetwork } from './trusted-network.repository.ts';
import type { AddTrustedNetworkBody, TrustedNetworkView } from './trusted-network.schema.ts';

/** The range and its label: the request body, already schema-checked. */
export type AddTrustedNetworkInput = AddTrustedNetworkBody;

/**
 * Adds a trusted range. The range is canonicalised, not refused, when host bits are set
 * (`10.1.2.3/8` is stored as `10.0.0.0/8`); ranges broader than /8 (IPv4) or /32 (IPv6) are
 * refused (see {@link canonicaliseCidr}). A range already trusted, in any spelling, is a `conflict`.
 * @throws AppError validation, conflict.
 */
export async function addTrustedNetwork(
  ctx: Ctx,
  input: AddTrustedNetworkInput,
): Promise<TrustedNetworkView> {
  const cidr = canonicaliseCidr(input.cidr);
  const label = (input.label ?? '').trim();
  try {
    return await inTransaction(ctx.db, async (tx) => {
      if (await cidrTaken(tx, cidr)) throw alreadyTrusted(cidr);
      const row = await insertTrustedNetwork(tx, {
        id: randomUUID(),
        cidr,
        label,
        created_at: ctx.now(),
        created_by: actorRef(ctx.actor),
      });
      await appendAudit(tx, ctx, {
        type: 'trusted_network.added',
        target: { type: 'trusted_network', id: row.id },
        payload: { cidr, label },
      });
      return presentTrustedNetwork(row);
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw alreadyTrusted(cidr);
    throw err;
  }
}

function alreadyTrusted(cidr: string): AppError {
  return new AppError('conflict', `the range ${cidr} is already trusted`, { cidr });
}
