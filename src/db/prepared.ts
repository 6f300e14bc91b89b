/**
 * Hot-path queries: a Kysely query is built and compiled once, then executed with new parameter
 * values, skipping the query builder on every call. Only for queries whose parameters are exactly
 * the function's arguments, in order (checked on first use; otherwise the query is rebuilt each time).
 */
import { CompiledQuery, type Compilable } from 'kysely';
import type { Executor } from './transaction.ts';

export function preparedQuery<R, P extends unknown[]>(
  build: (db: Executor, ...params: P) => Compilable<R>,
): (db: Executor, ...params: P) => Promise<R[]> {
  let sqlText: string | null = null;
  let reusable = true;
  return async (db, ...params) => {
    if (sqlText === null || !reusable) {
      const compiled = build(db, ...params).compile();
      reusable =
        compiled.parameters.length === params.length && compiled.parameters.every((p, i) => p === params[i]);
      sqlText = compiled.sql;
      return (await db.executeQuery<R>(compiled)).rows;
    }
    return (await db.executeQuery<R>(CompiledQuery.raw(sqlText, params))).rows;
  };
}
