/** Separation-of-duties rules: SQL only. Every function takes the executor first. */
import type { Executor, Tx } from '../../db/transaction.ts';
import type { NewRow, Row } from '../../db/types.ts';

export type SodRuleRow = Row<'separation_of_duties'>;

/** Every rule, by pair. There are few. */
export async function listSodRuleRows(db: Executor): Promise<SodRuleRow[]> {
  return db.selectFrom('separation_of_duties').selectAll().orderBy('right_a').orderBy('right_b').execute();
}

/** One rule; `lock` takes it FOR UPDATE (inside a transaction). */
export async function findSodRule(
  db: Executor,
  id: string,
  lock?: 'update',
): Promise<SodRuleRow | undefined> {
  let q = db.selectFrom('separation_of_duties').selectAll().where('id', '=', id);
  if (lock === 'update') q = q.forUpdate();
  return q.executeTakeFirst();
}

/** The rule for this pair (given in stored order), if any. */
export async function findSodRuleByPair(
  db: Executor,
  rightA: string,
  rightB: string,
): Promise<SodRuleRow | undefined> {
  return db
    .selectFrom('separation_of_duties')
    .selectAll()
    .where('right_a', '=', rightA)
    .where('right_b', '=', rightB)
    .executeTakeFirst();
}

export async function insertSodRule(tx: Tx, row: NewRow<'separation_of_duties'>): Promise<SodRuleRow> {
  return tx.insertInto('separation_of_duties').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function deleteSodRuleRow(tx: Tx, id: string): Promise<void> {
  await tx.deleteFrom('separation_of_duties').where('id', '=', id).execute();
}
