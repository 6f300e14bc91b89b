/**
 * Brings one Dossier staff user in line with their directory entry, inside the caller's
 * transaction: the one place where the directory changes Dossier, used by the sign-in (after a good
 * bind) and by every sync. Each change is audited with the user as target.
 *
 * - Identity: the entry is matched by its stable id (entryUUID / objectGUID), else by DN; a moved
 *   entry keeps its Dossier user. The username is never changed (it is what audit events and
 *   people know the user by); name and e-mail follow the directory.
 * - Grants: the roles and programmes of every mapping whose group the entry is a direct member of,
 *   through reconcileExternalGrants (roles module) with source 'directory': only grants marked
 *   'directory' are added or removed; an administrator's and single sign-on's stay. A role set that
 *   would break a separation-of-duties rule is not granted (audited), the rest is.
 * - Disable: an entry disabled in the directory (userAccountControl 0x2), removed from it, or in
 *   no mapped group disables the user and ends every session in the same transaction; a user
 *   disabled this way is enabled again once the entry is back (never one an administrator disabled).
 * - Create: an unknown entry in a mapped group becomes a user (source 'directory', no password)
 *   only when `allowCreate`; a username or e-mail a local user already has is never taken over.
 */
import type { Tx } from '../../../db/transaction.ts';
import type { Ctx } from '../../../platform/context.ts';
import { sameDn, type DirectoryUser } from '../../../platform/ldap/directory.ts';
import { appendAudit } from '../../audit/audit.repository.ts';
import type { DirectoryDisableReason } from '../../audit/audit.events.ts';
import { reconcileExternalGrants } from '../../roles/index.ts';
import { endUserSessions } from '../sessions/index.ts';
import { insertProvisionedStaffUser } from '../users/index.ts';
import { normaliseDisplayName, normaliseEmail } from '../users/staff-user.rules.ts';
import { retireLiveTokens, takenFields, updateStaffUserRow } from '../users/staff-user.repository.ts';
import { findDirectoryUser, type MappingRow } from './directory.repository.ts';

export type ApplyOutcome =
  | { outcome: 'created' | 'updated' | 'unchanged' | 'enabled'; userId: string; active: true }
  | { outcome: 'disabled' | 'stays_disabled'; userId: string; active: false; reason: DirectoryDisableReason }
  | { outcome: 'skipped'; reason: 'not_mapped' | 'disabled_in_directory' | 'no_provisioning' }
  | { outcome: 'refused'; reason: 'directory_conflict' | 'directory_incomplete' };

export interface ApplyInput {
  /** The entry as read now; null when the directory no longer has it (then `userId` names the user). */
  entry: DirectoryUser | null;
  userId?: string | undefined;
  mappings: readonly MappingRow[];
  via: 'sign_in' | 'sync';
  allowCreate: boolean;
}

/** The mappings that apply to an entry (direct group membership, DNs compared as servers do). */
export function matchingMappings(entry: DirectoryUser, mappings: readonly MappingRow[]): MappingRow[] {
  return mappings.filter((m) => entry.groups.some((g) => sameDn(g, m.group_dn)));
}

export async function applyDirectoryUser(tx: Tx, ctx: Ctx, input: ApplyInput): Promise<ApplyOutcome> {
  const { entry, via } = input;
  const now = ctx.now();
  const user = entry
    ? await findDirectoryUser(tx, entry)
    : await tx
        .selectFrom('staff_users')
        .selectAll()
        .where('id', '=', input.userId!)
        .forUpdate()
        .executeTakeFirst();
  const matched = entry ? matchingMappings(entry, input.mappings) : [];
  const roleIds = [...new Set(matched.flatMap((m) => (m.role_id ? [m.role_id] : [])))].sort();
  const programmeIds = [...new Set(matched.flatMap((m) => (m.programme_id ? [m.programme_id] : [])))].sort();
  const disableReason: DirectoryDisableReason | null = !entry
    ? 'removed_from_directory'
    : entry.disabled
      ? 'disabled_in_directory'
      : matched.length === 0
        ? 'no_mapped_group'
        : null;

  if (!user) {
    if (!entry) return { outcome: 'skipped', reason: 'not_mapped' };
    if (disableReason === 'disabled_in_directory')
      return { outcome: 'skipped', reason: 'disabled_in_directory' };
    if (disableReason) return { outcome: 'skipped', reason: 'not_mapped' };
    if (!input.allowCreate) return { outcome: 'skipped', reason: 'no_provisioning' };
    return create(tx, ctx, entry, roleIds, programmeIds, via);
  }
  if (user.source !== 'directory') return { outcome: 'refused', reason: 'directory_conflict' };
  const target = { type: 'staff_user' as const, id: user.id };

  // Profile fields (invalid or taken values from the directory are left as they are).
  const patch: Record<string, unknown> = { directory_synced_at: now };
  const fields: string[] = [];
  if (entry) {
    if (!sameDn(entry.dn, user.directory_dn ?? '')) {
      patch['directory_dn'] = entry.dn;
      fields.push('directoryDn');
    }
    if (entry.id && entry.id !== user.directory_id) {
      patch['directory_id'] = entry.id;
      fields.push('directoryId');
    }
    const name = valid(() => normaliseDisplayName(entry.displayName ?? ''));
    if (name && name !== user.display_name) {
      patch['display_name'] = name;
      fields.push('displayName');
    }
    const email = entry.email ? valid(() => normaliseEmail(entry.email!)) : null;
    if (email && email.toLowerCase() !== user.email.toLowerCase()) {
      if ((await takenFields(tx, { email }, user.id)).length === 0) {
        patch['email'] = email;
        fields.push('email');
      }
    }
  }

  const grants = await reconcileGrants(tx, ctx, user.id, roleIds, programmeIds, via);
  let outcome: ApplyOutcome;
  if (disableReason) {
    if (user.status === 'active') {
      await updateStaffUserRow(
        tx,
        user.id,
        { ...patch, status: 'disabled', disabled_at: now, directory_disabled: true },
        now,
      );
      await retireLiveTokens(tx, user.id, null, now);
      const sessionsEnded = await endUserSessions(tx, ctx, { userId: user.id, reason: 'directory_disabled' });
      await appendAudit(tx, ctx, {
        type: 'directory.user_disabled',
        target,
        payload: { via, reason: disableReason, sessionsEnded },
      });
      outcome = { outcome: 'disabled', userId: user.id, active: false, reason: disableReason };
    } else {
      if (fields.length) await updateStaffUserRow(tx, user.id, patch, now);
      else
        await tx
          .updateTable('staff_users')
          .set({ directory_synced_at: now })
          .where('id', '=', user.id)
          .execute();
      outcome = { outcome: 'stays_disabled', userId: user.id, active: false, reason: disableReason };
    }
  } else if (user.status === 'disabled') {
    if (!user.directory_disabled) {
      // An administrator disabled this user: the directory does not overrule that.
      if (fields.length) await updateStaffUserRow(tx, user.id, patch, now);
      return { outcome: 'stays_disabled', userId: user.id, active: false, reason: 'disabled_in_directory' };
    }
    await updateStaffUserRow(
      tx,
      user.id,
      { ...patch, status: 'active', disabled_at: null, directory_disabled: false },
      now,
    );
    await appendAudit(tx, ctx, { type: 'directory.user_enabled', target, payload: { via } });
    outcome = { outcome: 'enabled', userId: user.id, active: true };
  } else if (fields.length || grants.changed) {
    await updateStaffUserRow(tx, user.id, patch, now);
    outcome = { outcome: 'updated', userId: user.id, active: true };
  } else {
    await tx.updateTable('staff_users').set({ directory_synced_at: now }).where('id', '=', user.id).execute();
    outcome = { outcome: 'unchanged', userId: user.id, active: true };
  }
  if (fields.length || grants.changed)
    await appendAudit(tx, ctx, {
      type: 'directory.user_updated',
      target,
      payload: { via, fields, ...grants.diff },
    });
  return outcome;
}

function valid<T>(fn: () => T): T | null {
  try {
    return fn();
  } catch {
    return null;
  }
}

async function create(
  tx: Tx,
  ctx: Ctx,
  entry: DirectoryUser,
  roleIds: string[],
  programmeIds: string[],
  via: 'sign_in' | 'sync',
): Promise<ApplyOutcome> {
  const now = ctx.now();
  // A local user with this name or address keeps it: the directory never takes an account over.
  const user = await insertProvisionedStaffUser(tx, ctx, {
    username: entry.username,
    email: entry.email,
    displayName: entry.displayName,
    columns: {
      source: 'directory',
      directory_dn: entry.dn,
      directory_id: entry.id,
      directory_synced_at: now,
    },
  });
  if (!user.created)
    return {
      outcome: 'refused',
      reason: user.reason === 'invalid' ? 'directory_incomplete' : 'directory_conflict',
    };
  const grants = await reconcileGrants(tx, ctx, user.id, roleIds, programmeIds, via);
  await appendAudit(tx, ctx, {
    type: 'directory.user_provisioned',
    target: { type: 'staff_user', id: user.id },
    payload: { via, roles: grants.diff.rolesAdded, programmes: grants.diff.programmesAdded },
  });
  return { outcome: 'created', userId: user.id, active: true };
}

/**
 * Makes the user's directory grants exactly the wanted ones (reconcileExternalGrants: only rows
 * marked 'directory' are added or removed). Roles that would break a separation-of-duties rule are
 * not granted and the refusal is audited; the user signs in without them.
 */
async function reconcileGrants(
  tx: Tx,
  ctx: Ctx,
  userId: string,
  roleIds: string[],
  programmeIds: string[],
  via: 'sign_in' | 'sync',
) {
  const result = await reconcileExternalGrants(tx, ctx, {
    userId,
    source: 'directory',
    roleIds,
    programmeIds,
  });
  if (result.conflict)
    await appendAudit(tx, ctx, {
      type: 'directory.grant_refused',
      target: { type: 'staff_user', id: userId },
      payload: { via, roleIds: result.conflict.roleIds, reason: 'separation_of_duties' },
    });
  return result;
}
