/** The one way use cases open a transaction, so the change and its audit event commit together. */
import type { Kysely, Transaction } from 'kysely';
import type { DB } from './types.ts';

export type Tx = Transaction<DB>;
export type Executor = Kysely<DB> | Transaction<DB>;

/**
 * Runs `fn` in a transaction. Given a transaction already (a use case called by another inside its
 * transaction, with `{ ...ctx, db: tx }`), `fn` joins it: both changes and both audit events commit
 * or roll back together (Kysely has no nested transactions).
 */
export function inTransaction<T>(db: Kysely<DB>, fn: (tx: Tx) => Promise<T>): Promise<T> {
  if (db.isTransaction) return fn(db as Tx);
  return db.transaction().execute(fn);
}
