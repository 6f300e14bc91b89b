/** Trusted network ranges: SQL only. Every function takes the executor first. */
import type { Executor, Tx } from '../../db/transaction.ts';
import type { NewRow, Row } from '../../db/types.ts';

export type TrustedNetworkRow = Row<'trusted_networks'>;

export async function insertTrustedNetwork(
  tx: Tx,
  row: NewRow<'trusted_networks'>,
): Promise<TrustedNetworkRow> {
  return tx.insertInto('trusted_networks').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function cidrTaken(db: Executor, cidr: string): Promise<boolean> {
  return (
    (await db.selectFrom('trusted_networks').select('id').where('cidr', '=', cidr).executeTakeFirst()) !==
    undefined
  );
}

/** Every range, oldest first. There are few: the sign-in decision loads them all. */
export async function listTrustedNetworkRows(db: Executor): Promise<TrustedNetworkRow[]> {
  return db.selectFrom('trusted_networks').selectAll().orderBy('created_at').orderBy('id').execute();
}

/** Deletes the range; returns it, or undefined when there was none. */
export async function deleteTrustedNetworkRow(tx: Tx, id: string): Promise<TrustedNetworkRow | undefined> {
  return tx.deleteFrom('trusted_networks').where('id', '=', id).returningAll().executeTakeFirst();
}
