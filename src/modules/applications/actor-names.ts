/** The current names behind the actor references an application's views carry. */
import type { Executor } from '../../db/transaction.ts';
import { nameActors } from '../forms/actor-names.ts';
import type { NameOf } from './application.presenter.ts';

/**
 * Looks up the names behind `refs` (nulls ignored; one query per kind of actor) through `db` (pass
 * the transaction to see its own rows): staff and client users' display names, API keys' names.
 */
export async function namesOf(db: Executor, refs: readonly (string | null | undefined)[]): Promise<NameOf> {
  const namer = await nameActors(
    db,
    refs.map((r) => r ?? null),
  );
  return (ref) => namer(ref).name;
}
