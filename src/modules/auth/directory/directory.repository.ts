/** SQL of the directory features: group mappings, directory users, sync runs. */
import type { Executor, Tx } from '../../../db/transaction.ts';
import type { Row } from '../../../db/types.ts';
import { sql } from 'kysely';

export type MappingRow = Row<'directory_group_mappings'> & {
  role_name: string | null;
  programme_name: string | null;
};

export async function listMappings(db: Executor): Promise<MappingRow[]> {
  return db
    .selectFrom('directory_group_mappings as m')
    .leftJoin('roles as r', 'r.id', 'm.role_id')
    .leftJoin('programmes as p', 'p.id', 'm.programme_id')
    .selectAll('m')
    .select(['r.name as role_name', 'p.name as programme_name'])
    .orderBy(sql`lower(m.group_dn)`)
    .orderBy('m.created_at')
    .execute();
}

export async function findMapping(db: Executor, id: string): Promise<MappingRow | undefined> {
  return db
    .selectFrom('directory_group_mappings as m')
    .leftJoin('roles as r', 'r.id', 'm.role_id')
    .leftJoin('programmes as p', 'p.id', 'm.programme_id')
    .selectAll('m')
    .select(['r.name as role_name', 'p.name as programme_name'])
    .where('m.id', '=', id)
    .executeTakeFirst();
}

/** The Dossier user of a directory entry: by stable id when known, else by DN. Locked. */
export async function findDirectoryUser(tx: Tx, entry: { id: string | null; dn: string }) {
  const byId = entry.id
    ? await tx
        .selectFrom('staff_users')
        .selectAll()
        .where('directory_id', '=', entry.id)
        .forUpdate()
        .executeTakeFirst()
    : undefined;
  if (byId) return byId;
  return tx
    .selectFrom('staff_users')
    .selectAll()
    .where(sql<string>`lower(directory_dn)`, '=', entry.dn.toLowerCase())
    .forUpdate()
    .executeTakeFirst();
}

/** Every directory user of Dossier (id, DN), for a sync to find who left the directory. */
export async function listDirectoryUsers(db: Executor) {
  return db
    .selectFrom('staff_users')
    .select(['id', 'directory_dn', 'directory_id', 'status'])
    .where('source', '=', 'directory')
    .orderBy('id')
    .execute();
}

export type SyncRunRow = Row<'directory_sync_runs'>;

export async function listSyncRuns(db: Executor, limit: number): Promise<SyncRunRow[]> {
  return db
    .selectFrom('directory_sync_runs')
    .selectAll()
    .orderBy('started_at', 'desc')
    .limit(limit)
    .execute();
}

/** The newest successful run of a mode (its high-water mark and time). */
export async function lastSuccessfulRun(
  db: Executor,
  mode?: 'full' | 'changed',
): Promise<SyncRunRow | undefined> {
  let q = db.selectFrom('directory_sync_runs').selectAll().where('status', '=', 'succeeded');
  if (mode) q = q.where('mode', '=', mode);
  return q.orderBy('started_at', 'desc').limit(1).executeTakeFirst();
}
