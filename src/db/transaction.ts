/** The one way use cases open a transaction, so the change and its audit event commit together. */
import type { Kysely, Transaction } from 'kysely';
import type { DB } from './types.ts';

export type Tx = Transaction<DB>;
export type Executor = Kysely<DB> | Transaction<DB>;

export function inTransaction<T>(db: Kysely<DB>, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction().execute(fn);
}
