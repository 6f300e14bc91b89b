/** A system Ctx over a test database, and a staff-user row, for database-tier tests. */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../../src/db/types.ts';
import { ALL_RIGHTS, type Right } from '../../src/modules/access/rights.ts';
import { createCtx, type Ctx } from '../../src/platform/context.ts';
import { testKeyring } from './keyring.ts';

/** A system actor (`system:test`) with the given rights (none by default) and an optional clock. */
export function testCtx(db: Kysely<DB>, opts: { now?: () => Date; rights?: Right[] | 'all' } = {}): Ctx {
  const rights = opts.rights === 'all' ? ALL_RIGHTS : (opts.rights ?? []);
  return createCtx({
    db,
    keyring: testKeyring(),
    actor: { kind: 'system', label: 'test', rights: new Set(rights) },
    now: opts.now,
  });
}

/** Inserts an active staff user with a unique username; returns its id. */
export async function insertStaffUser(
  db: Kysely<DB>,
  username = `u${randomUUID().slice(0, 8)}`,
): Promise<string> {
  const id = randomUUID();
  await db
    .insertInto('staff_users')
    .values({ id, username, display_name: username, email: `${username}@example.test`, status: 'active' })
    .execute();
  return id;
}
