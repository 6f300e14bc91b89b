import { inTransaction } from '../../db/transaction.ts';
import type { Ctx } from '../../platform/context.ts';
import { notFound } from '../../platform/errors.ts';
import { actorRef } from '../access/actor.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { auditedRefusal, loadSodRules } from './enforce-separation-of-duties.ts';
import { assertCanGrant } from './role.policy.ts';
import { presentRole } from './role.presenter.ts';
import {
  addUserRoles,
  findRoles,
  listRolesOfUser,
  removeUserRoles,
  staffUserExists,
} from './role.repository.ts';
import type { RoleView } from './role.schema.ts';
import { assertSeparationOfDuties } from './separation-of-duties.policy.ts';

/**
 * Replaces the roles a staff user holds with exactly `roleIds` (duplicates ignored; empty removes
 * every role). The user row is locked, so concurrent replacements for one user queue and each
 * audit event's `before` is what the change really replaced; the new roles are locked FOR SHARE, so
 * none can be deleted or changed until this commits. Rights of newly given roles must be grantable
 * by the actor (no escalation; all of them held when the user is the actor, see assertCanGrant).
 * An assignment after which the user would break a separation-of-duties rule they did not break
 * before is refused (SeparationOfDutiesError, 409) and the refusal audited. Nothing changes and
 * nothing is audited when the set is the same. Returns the user's roles afterwards, by name.
 * @throws AppError not_found (unknown user or any unknown role), forbidden, conflict.
 */
export async function setUserRoles(
  ctx: Ctx,
  userId: string,
  roleIds: readonly string[],
): Promise<RoleView[]> {
  const wanted = [...new Set(roleIds)].sort();
  const self = ctx.actor.kind === 'staff' && ctx.actor.id === userId;
  return inTransaction(ctx.db, async (tx) => {
    if (!(await staffUserExists(tx, userId, 'update'))) throw notFound('staff user');
    const roles = await findRoles(tx, wanted, 'share');
    if (roles.length !== wanted.length) throw notFound('role');
    const current = await listRolesOfUser(tx, userId);
    const before = current.map((r) => r.id).sort();
    const added = roles.filter((r) => !before.includes(r.id));
    const removed = before.filter((id) => !wanted.includes(id));
    if (added.length === 0 && removed.length === 0) return current.map(presentRole);

    assertCanGrant(
      ctx.actor,
      added.flatMap((r) => r.rights),
      self ? 'self' : 'others',
    );
    assertSeparationOfDuties(await loadSodRules(tx), [{ userId, before: current, after: roles }]);
    await removeUserRoles(tx, userId, removed);
    const now = ctx.now();
    const by = actorRef(ctx.actor);
    await addUserRoles(
      tx,
      added.map((r) => ({ user_id: userId, role_id: r.id, created_at: now, created_by: by })),
    );
    const after = await listRolesOfUser(tx, userId);
    await appendAudit(tx, ctx, {
      type: 'staff_user.roles_changed',
      target: { type: 'staff_user', id: userId },
      payload: { before, after: wanted },
    });
    return after.map(presentRole);
  }).catch(async (err: unknown) => {
    throw await auditedRefusal(ctx, err, 'set_user_roles', { type: 'staff_user', id: userId });
  });
}
