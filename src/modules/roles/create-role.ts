import { randomUUID } from 'node:crypto';
import { inTransaction } from '../../db/transaction.ts';
import type { Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { actorRef } from '../access/actor.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { auditedRefusal, loadSodRules } from './enforce-separation-of-duties.ts';
import { assertCanGrant, assertSkipAllowed, checkedRights } from './role.policy.ts';
import { presentRole } from './role.presenter.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import { insertRole, roleNameTaken } from './role.repository.ts';
import type { CreateRoleBody, RoleView } from './role.schema.ts';
import { assertSeparationOfDuties } from './separation-of-duties.policy.ts';

/** What a role is created from: the request body, already schema-checked. */
export type CreateRoleInput = CreateRoleBody;

/**
 * Creates a role. Rights must be in the catalogue and grantable by the actor (no escalation, see
 * assertCanGrant); `trustedNetworkSkip` is refused on a role holding an administrative right. A
 * name already used (ignoring case) is a `conflict`. A role holding both rights of a
 * separation-of-duties rule is refused (SeparationOfDutiesError, 409) and the refusal audited.
 * @throws AppError validation, forbidden, conflict.
 */
export async function createRole(ctx: Ctx, input: CreateRoleInput): Promise<RoleView> {
  const name = input.name.trim();
  const rights = checkedRights(input.rights);
  const trustedNetworkSkip = input.trustedNetworkSkip ?? false;
  assertSkipAllowed({ rights, trustedNetworkSkip });
  assertCanGrant(ctx.actor, rights, 'others');
  const now = ctx.now();
  try {
    return await inTransaction(ctx.db, async (tx) => {
      if (await roleNameTaken(tx, name)) throw roleNameConflict(name);
      assertSeparationOfDuties(await loadSodRules(tx), [
        { userId: null, before: [], after: [{ id: null, name, rights }] },
      ]);
      const row = await insertRole(tx, {
        id: randomUUID(),
        name,
        description: input.description ?? '',
        rights,
        trusted_network_skip: trustedNetworkSkip,
        version: 1,
        created_at: now,
        updated_at: now,
        created_by: actorRef(ctx.actor),
      });
      await appendAudit(tx, ctx, {
        type: 'role.created',
        target: { type: 'role', id: row.id },
        payload: { name: row.name, rights, trustedNetworkSkip },
      });
      return presentRole(row);
    });
  } catch (err) {
    // Two creations with the same name can both pass the check; the unique index decides.
    if (isUniqueViolation(err)) throw roleNameConflict(name);
    throw await auditedRefusal(ctx, err, 'create_role');
  }
}

export function roleNameConflict(name: string): AppError {
  return new AppError('conflict', `a role named "${name}" already exists`);
}
