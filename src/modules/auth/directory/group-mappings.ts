/**
 * Directory group mappings: a group DN gives its members a role, a programme membership, or both,
 * at their next sign-in or sync. Adding a mapping is granting: the role's rights must be grantable
 * by the actor (no escalation through the directory: assertCanGrant, as for assigning the role),
 * and the programme must be one the actor sees. Removing one takes effect at the next sync.
 */
import { randomUUID } from 'node:crypto';
import { inTransaction } from '../../../db/transaction.ts';
import { isUniqueViolation } from '../../../db/errors.ts';
import type { Ctx } from '../../../platform/context.ts';
import { AppError, notFound, validationError } from '../../../platform/errors.ts';
import { actorRef, canSeeProgramme } from '../../access/actor.ts';
import { appendAudit } from '../../audit/audit.repository.ts';
import { assertCanGrant } from '../../roles/index.ts';
import { findMapping, listMappings, type MappingRow } from './directory.repository.ts';
import type { AddGroupMappingBody, GroupMappingView } from './directory.schema.ts';

export function presentMapping(m: MappingRow): GroupMappingView {
  return {
    id: m.id,
    groupDn: m.group_dn,
    roleId: m.role_id,
    roleName: m.role_name,
    programmeId: m.programme_id,
    programmeName: m.programme_name,
    createdAt: m.created_at.toISOString(),
  };
}

export async function listGroupMappings(ctx: Ctx): Promise<GroupMappingView[]> {
  return (await listMappings(ctx.db)).map(presentMapping);
}

/**
 * @throws AppError validation (neither role nor programme), not_found (role or programme), forbidden
 *   (rights the actor may not grant), conflict (the same mapping exists).
 */
export async function addGroupMapping(ctx: Ctx, input: AddGroupMappingBody): Promise<GroupMappingView> {
  const groupDn = input.groupDn.trim();
  const roleId = input.roleId ?? null;
  const programmeId = input.programmeId ?? null;
  if (!roleId && !programmeId)
    throw validationError('a mapping gives a role, a programme, or both', [
      { path: '/roleId', message: 'give a role or a programme' },
    ]);
  const id = randomUUID();
  try {
    return await inTransaction(ctx.db, async (tx) => {
      if (roleId) {
        const role = await tx
          .selectFrom('roles')
          .select(['id', 'rights'])
          .where('id', '=', roleId)
          .forShare()
          .executeTakeFirst();
        if (!role) throw notFound('role');
        assertCanGrant(ctx.actor, role.rights, 'others');
      }
      if (programmeId) {
        const p = await tx
          .selectFrom('programmes')
          .select('id')
          .where('id', '=', programmeId)
          .executeTakeFirst();
        if (!p || !canSeeProgramme(ctx.actor, p.id)) throw notFound('programme');
      }
      await tx
        .insertInto('directory_group_mappings')
        .values({
          id,
          group_dn: groupDn,
          role_id: roleId,
          programme_id: programmeId,
          created_at: ctx.now(),
          created_by: actorRef(ctx.actor),
        })
        .execute();
      await appendAudit(tx, ctx, {
        type: 'directory.mapping_added',
        target: { type: 'directory_mapping', id },
        payload: { groupDn, roleId, programmeId },
      });
      return presentMapping((await findMapping(tx, id))!);
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError('conflict', 'this group already has this mapping');
    throw err;
  }
}

/** @throws AppError not_found */
export async function removeGroupMapping(ctx: Ctx, id: string): Promise<void> {
  await inTransaction(ctx.db, async (tx) => {
    const m = await tx
      .selectFrom('directory_group_mappings')
      .selectAll()
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!m) throw notFound('directory group mapping');
    await tx.deleteFrom('directory_group_mappings').where('id', '=', id).execute();
    await appendAudit(tx, ctx, {
      type: 'directory.mapping_removed',
      target: { type: 'directory_mapping', id },
      payload: { groupDn: m.group_dn, roleId: m.role_id, programmeId: m.programme_id },
    });
  });
}
