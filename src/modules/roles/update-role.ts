import { isUniqueViolation } from '../../db/errors.ts';
import type { Updateable } from 'kysely';
import { inTransaction } from '../../db/transaction.ts';
import type { RolesTable } from '../../db/types.ts';
import type { Ctx } from '../../platform/context.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { roleNameConflict } from './create-role.ts';
import { auditedRefusal, loadSodRules, rolesByUser } from './enforce-separation-of-duties.ts';
import { assertCanGrant, assertSkipAllowed, checkedRights, knownRights } from './role.policy.ts';
import { presentRole } from './role.presenter.ts';
import { findRole, listAssignments, roleNameTaken, updateRoleRow } from './role.repository.ts';
import type { RoleView, UpdateRoleBody } from './role.schema.ts';
import { assertSeparationOfDuties, type HeldRole } from './separation-of-duties.policy.ts';

/** The role to change and the fields to change; `version` is the one the caller last read. */
export type UpdateRoleInput = UpdateRoleBody & { id: string };

/**
 * Changes a role under optimistic concurrency: a stale `version` is a `version_conflict`. The role
 * as it would be afterwards must satisfy the skip rule (no `trustedNetworkSkip` with an
 * administrative right), so adding such a right to a role that allows skipping is refused unless
 * the same change turns skipping off. Rights added must be grantable by the actor (all of them held,
 * when the actor holds the role itself; see assertCanGrant). A change of rights after which the role,
 * or any of its holders with their other roles, would break a separation-of-duties rule they did not
 * break before is refused (SeparationOfDutiesError, 409) and the refusal audited. Only fields whose
 * value changes count: a patch that changes nothing keeps the version and writes no event. The
 * audit event records each changed field's old and new value.
 * @throws AppError not_found, version_conflict, conflict, validation, forbidden.
 */
export async function updateRole(ctx: Ctx, input: UpdateRoleInput): Promise<RoleView> {
  const name = input.name?.trim();
  const rights = input.rights === undefined ? undefined : checkedRights(input.rights);
  try {
    return await inTransaction(ctx.db, async (tx) => {
      const row = await findRole(tx, input.id, 'update');
      if (!row) throw notFound('role');
      if (row.version !== input.version) {
        throw new AppError(
          'version_conflict',
          `the role is at version ${row.version}, not ${input.version}`,
          {
            currentVersion: row.version,
          },
        );
      }
      const storedRights = knownRights(row.rights);
      const after = {
        rights: rights ?? storedRights,
        trustedNetworkSkip: input.trustedNetworkSkip ?? row.trusted_network_skip,
      };
      assertSkipAllowed(after);

      const patch: Updateable<RolesTable> = {};
      const changes: Record<string, { from: unknown; to: unknown }> = {};
      if (name !== undefined && name !== row.name) {
        if (name.toLowerCase() !== row.name.toLowerCase() && (await roleNameTaken(tx, name, row.id)))
          throw roleNameConflict(name);
        patch.name = name;
        changes['name'] = { from: row.name, to: name };
      }
      if (input.description !== undefined && input.description !== row.description) {
        patch.description = input.description;
        changes['description'] = { from: row.description, to: input.description };
      }
      if (rights !== undefined && rights.join(',') !== row.rights.join(',')) {
        const holders = rolesByUser(await listAssignments(tx, row.id));
        const self = ctx.actor.kind === 'staff' && holders.has(ctx.actor.id);
        assertCanGrant(
          ctx.actor,
          rights.filter((r) => !storedRights.includes(r)),
          self ? 'self' : 'others',
        );
        const changed = (held: HeldRole) => (held.id === row.id ? { ...held, rights } : held);
        assertSeparationOfDuties(await loadSodRules(tx), [
          { userId: null, before: [row], after: [{ ...row, rights }] },
          ...[...holders].map(([userId, held]) => ({ userId, before: held, after: held.map(changed) })),
        ]);
        patch.rights = rights;
        changes['rights'] = { from: row.rights, to: rights };
      }
      if (after.trustedNetworkSkip !== row.trusted_network_skip) {
        patch.trusted_network_skip = after.trustedNetworkSkip;
        changes['trustedNetworkSkip'] = { from: row.trusted_network_skip, to: after.trustedNetworkSkip };
      }
      if (Object.keys(changes).length === 0) return presentRole(row);

      const version = row.version + 1;
      const updated = await updateRoleRow(tx, row.id, { ...patch, version, updated_at: ctx.now() });
      await appendAudit(tx, ctx, {
        type: 'role.updated',
        target: { type: 'role', id: row.id },
        payload: { changes, version },
      });
      return presentRole(updated);
    });
  } catch (err) {
    if (isUniqueViolation(err) && name !== undefined) throw roleNameConflict(name);
    throw await auditedRefusal(ctx, err, 'update_role', { type: 'role', id: input.id });
  }
}
