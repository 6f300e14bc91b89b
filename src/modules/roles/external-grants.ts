/**
 * Roles and programme memberships given by an external identity source: the directory's group
 * mappings ('directory') and a single sign-on provider's role mappings ('sso:<provider id>'). One
 * mechanism for both, inside the caller's transaction:
 *
 * - every grant row says who gave it (`source` on staff_user_roles and programme_members); a source
 *   adds what the user does not hold at all and removes only rows of its own source that it no
 *   longer gives, never an administrator's ('manual') or another source's row (one row per user and
 *   role/programme: whoever gave it first owns it);
 * - the roles the user would hold afterwards are checked against the separation-of-duties rules
 *   (the same check as an administrator's assignment); when they would break one, none of the new
 *   roles is added (removals and memberships still apply) and the conflict is returned: the caller
 *   decides (the directory signs in without them, single sign-on refuses the sign-in) and audits;
 * - ids that no longer exist are ignored (a mapping may name a role deleted meanwhile).
 *
 * The mapping is configuration (a group mapping, the SSO settings), so the no-escalation rule of
 * role managers does not apply here: adding a mapping is where granting is checked.
 */
import type { Tx } from '../../db/transaction.ts';
import type { GrantSource } from '../../db/types.ts';
import type { Ctx } from '../../platform/context.ts';
import { notFound } from '../../platform/errors.ts';
import { actorRef } from '../access/actor.ts';
import { loadSodRules } from './enforce-separation-of-duties.ts';
import { findRoles, staffUserExists } from './role.repository.ts';
import {
  assertSeparationOfDuties,
  SeparationOfDutiesError,
  type SodViolation,
} from './separation-of-duties.policy.ts';

/** A source other than an administrator. */
export type ExternalGrantSource = Exclude<GrantSource, 'manual'>;

export interface ExternalGrantsInput {
  userId: string;
  source: ExternalGrantSource;
  /** Every role the source gives the user now (duplicates ignored). */
  roleIds: readonly string[];
  /** Every programme the source makes the user a member of now (duplicates ignored). */
  programmeIds: readonly string[];
  /** `created_by` of new rows; the actor by default. */
  createdBy?: string | undefined;
}

export interface ExternalGrantsDiff {
  rolesAdded: string[];
  rolesRemoved: string[];
  programmesAdded: string[];
  programmesRemoved: string[];
}

export interface ExternalGrantsResult {
  /** What changed (ids, sorted). */
  diff: ExternalGrantsDiff;
  changed: boolean;
  /** The roles not added because the user would then break these separation-of-duties rules. */
  conflict: { roleIds: string[]; violations: SodViolation[] } | null;
}

/**
 * Makes the grants of `source` to the user exactly the wanted ones (see the module comment). Locks
 * the user row FOR UPDATE (so reconciliations and an administrator's role changes of one user queue)
 * and the roles being added FOR SHARE.
 */
export async function reconcileExternalGrants(
  tx: Tx,
  ctx: Pick<Ctx, 'actor' | 'now'>,
  input: ExternalGrantsInput,
): Promise<ExternalGrantsResult> {
  const { userId, source } = input;
  const now = ctx.now();
  const by = input.createdBy ?? actorRef(ctx.actor);
  const wantedRoles = new Set(input.roleIds);
  const wantedProgrammes = new Set(input.programmeIds);
  if (!(await staffUserExists(tx, userId, 'update'))) throw notFound('staff user');

  // Roles.
  const held = await tx
    .selectFrom('staff_user_roles as ur')
    .innerJoin('roles as r', 'r.id', 'ur.role_id')
    .select(['ur.role_id', 'ur.source', 'r.name', 'r.rights'])
    .where('ur.user_id', '=', userId)
    .execute();
  const rolesRemoved = held
    .filter((h) => h.source === source && !wantedRoles.has(h.role_id))
    .map((h) => h.role_id)
    .sort();
  const missing = [...wantedRoles].filter((id) => !held.some((h) => h.role_id === id));
  let adding = await findRoles(tx, missing, 'share');
  let conflict: ExternalGrantsResult['conflict'] = null;
  if (adding.length) {
    const before = held.map((h) => ({ id: h.role_id, name: h.name, rights: h.rights }));
    const after = [...before.filter((r) => !rolesRemoved.includes(r.id)), ...adding];
    try {
      assertSeparationOfDuties(await loadSodRules(tx), [{ userId, before, after }]);
    } catch (err) {
      if (!(err instanceof SeparationOfDutiesError)) throw err;
      conflict = { roleIds: adding.map((r) => r.id), violations: err.violations };
      adding = [];
    }
  }
  if (rolesRemoved.length)
    await tx
      .deleteFrom('staff_user_roles')
      .where('user_id', '=', userId)
      .where('source', '=', source)
      .where('role_id', 'in', rolesRemoved)
      .execute();
  const rolesAdded = adding.length
    ? (
        await tx
          .insertInto('staff_user_roles')
          .values(
            adding.map((r) => ({ user_id: userId, role_id: r.id, created_at: now, created_by: by, source })),
          )
          .onConflict((oc) => oc.columns(['user_id', 'role_id']).doNothing())
          .returning('role_id')
          .execute()
      )
        .map((r) => r.role_id)
        .sort()
    : [];

  // Programme memberships.
  const members = await tx
    .selectFrom('programme_members')
    .select(['programme_id', 'source'])
    .where('user_id', '=', userId)
    .execute();
  const programmesRemoved = members
    .filter((m) => m.source === source && !wantedProgrammes.has(m.programme_id))
    .map((m) => m.programme_id)
    .sort();
  const joining = [...wantedProgrammes].filter((id) => !members.some((m) => m.programme_id === id));
  const existing = joining.length
    ? (await tx.selectFrom('programmes').select('id').where('id', 'in', joining).execute()).map((p) => p.id)
    : [];
  if (programmesRemoved.length)
    await tx
      .deleteFrom('programme_members')
      .where('user_id', '=', userId)
      .where('source', '=', source)
      .where('programme_id', 'in', programmesRemoved)
      .execute();
  // ON CONFLICT: an administrator adding the same membership at the same moment keeps theirs.
  const programmesAdded = existing.length
    ? (
        await tx
          .insertInto('programme_members')
          .values(
            existing.map((programme_id) => ({
              programme_id,
              user_id: userId,
              created_at: now,
              created_by: by,
              source,
            })),
          )
          .onConflict((oc) => oc.columns(['programme_id', 'user_id']).doNothing())
          .returning('programme_id')
          .execute()
      )
        .map((r) => r.programme_id)
        .sort()
    : [];

  const diff = { rolesAdded, rolesRemoved, programmesAdded, programmesRemoved };
  const changed =
    rolesAdded.length + rolesRemoved.length + programmesAdded.length + programmesRemoved.length > 0;
  return { diff, changed, conflict };
}
