/** Roles and their assignment to staff users: SQL only. Every function takes the executor first. */
import { sql, type Updateable } from 'kysely';
import type { Executor, Tx } from '../../db/transaction.ts';
import type { NewRow, RolesTable, Row } from '../../db/types.ts';

export type RoleRow = Row<'roles'>;

/** One role; `lock` takes it FOR UPDATE (inside a transaction) so that writers of the role queue. */
export async function findRole(db: Executor, id: string, lock?: 'update'): Promise<RoleRow | undefined> {
  let q = db.selectFrom('roles').selectAll().where('id', '=', id);
  if (lock === 'update') q = q.forUpdate();
  return q.executeTakeFirst();
}

/** Whether another role already has this name, ignoring case (as the unique index does). */
export async function roleNameTaken(db: Executor, name: string, exceptId?: string): Promise<boolean> {
  let q = db
    .selectFrom('roles')
    .select('id')
    .where(sql<string>`lower(name)`, '=', name.toLowerCase());
  if (exceptId) q = q.where('id', '<>', exceptId);
  return (await q.executeTakeFirst()) !== undefined;
}

export async function insertRole(tx: Tx, row: NewRow<'roles'>): Promise<RoleRow> {
  return tx.insertInto('roles').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function updateRoleRow(tx: Tx, id: string, patch: Updateable<RolesTable>): Promise<RoleRow> {
  return tx.updateTable('roles').set(patch).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

export async function deleteRoleRow(tx: Tx, id: string): Promise<void> {
  await tx.deleteFrom('roles').where('id', '=', id).execute();
}

/** Every role, by name (case-insensitively) then id. There are few. */
export async function listRoleRows(db: Executor): Promise<RoleRow[]> {
  return db
    .selectFrom('roles')
    .selectAll()
    .orderBy(sql`lower(name)`)
    .orderBy('id')
    .execute();
}

/**
 * The roles with these ids that exist, taken FOR SHARE when `lock` is given: they cannot be deleted
 * or changed until the caller commits, while other assignments of them go on.
 */
export async function findRoles(db: Executor, ids: readonly string[], lock?: 'share'): Promise<RoleRow[]> {
  if (ids.length === 0) return [];
  let q = db
    .selectFrom('roles')
    .selectAll()
    .where('id', 'in', [...ids])
    .orderBy('id');
  if (lock === 'share') q = q.forShare();
  return q.execute();
}

/** How many staff users hold the role. */
export async function countRoleHolders(db: Executor, roleId: string): Promise<number> {
  const r = await db
    .selectFrom('staff_user_roles')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('role_id', '=', roleId)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/**
 * Whether the staff user exists; `lock` takes the user row FOR UPDATE, which serialises changes of
 * that user's roles.
 */
export async function staffUserExists(db: Executor, userId: string, lock?: 'update'): Promise<boolean> {
  let q = db.selectFrom('staff_users').select('id').where('id', '=', userId);
  if (lock === 'update') q = q.forUpdate();
  return (await q.executeTakeFirst()) !== undefined;
}

/** The roles a staff user holds, by name (case-insensitively) then id. */
export async function listRolesOfUser(db: Executor, userId: string): Promise<RoleRow[]> {
  return db
    .selectFrom('staff_user_roles as ur')
    .innerJoin('roles', 'roles.id', 'ur.role_id')
    .selectAll('roles')
    .where('ur.user_id', '=', userId)
    .orderBy(sql`lower(roles.name)`)
    .orderBy('roles.id')
    .execute();
}

export async function addUserRoles(
  tx: Tx,
  rows: { user_id: string; role_id: string; created_at: Date; created_by: string }[],
): Promise<void> {
  if (rows.length === 0) return;
  await tx.insertInto('staff_user_roles').values(rows).execute();
}

export async function removeUserRoles(tx: Tx, userId: string, roleIds: readonly string[]): Promise<void> {
  if (roleIds.length === 0) return;
  await tx
    .deleteFrom('staff_user_roles')
    .where('user_id', '=', userId)
    .where('role_id', 'in', [...roleIds])
    .execute();
}

/** One role a staff user holds, with what the separation-of-duties check needs. */
export interface Assignment {
  user_id: string;
  role_id: string;
  name: string;
  rights: string[];
}

/**
 * Every role of every staff user who holds `roleId` (so their other roles too); every assignment
 * when `roleId` is omitted. Ordered by user, then role id.
 */
export async function listAssignments(db: Executor, holdersOf?: string): Promise<Assignment[]> {
  let q = db
    .selectFrom('staff_user_roles as ur')
    .innerJoin('roles', 'roles.id', 'ur.role_id')
    .select(['ur.user_id', 'ur.role_id', 'roles.name', 'roles.rights']);
  if (holdersOf !== undefined)
    q = q.where('ur.user_id', 'in', (eb) =>
      eb.selectFrom('staff_user_roles').select('user_id').where('role_id', '=', holdersOf),
    );
  return q.orderBy('ur.user_id').orderBy('ur.role_id').execute();
}
