/**
 * A staff user created by an external identity source (a directory entry in a mapped group, a
 * single sign-on identity with `jit` provisioning) rather than by an administrator: no password and
 * no activation link (the source proves who signs in). Inside the caller's transaction; the caller
 * audits and gives the roles.
 *
 * The values come from outside, so they are normalised exactly as an administrator's input
 * (staff-user.rules.ts): a value that does not pass is refused ('invalid'), never repaired, except
 * that a missing display name is the username and a long one is cut to the 200 characters allowed.
 * A username or e-mail another user already has (case-insensitively) is refused ('taken'): an
 * account is never taken over by name.
 */
import { randomUUID } from 'node:crypto';
import type { Tx } from '../../../db/transaction.ts';
import type { NewRow } from '../../../db/types.ts';
import type { Ctx } from '../../../platform/context.ts';
import { insertStaffUser, takenFields } from './staff-user.repository.ts';
import { normaliseDisplayName, normaliseEmail, normaliseUsername } from './staff-user.rules.ts';

export interface ProvisionedStaffUserInput {
  username: string | null | undefined;
  email: string | null | undefined;
  /** Falls back to the username when missing or blank. */
  displayName?: string | null | undefined;
  /** What the source itself records on the row (the directory's identity of the entry). */
  columns?: Pick<NewRow<'staff_users'>, 'source' | 'directory_dn' | 'directory_id' | 'directory_synced_at'>;
}

export type ProvisionedStaffUser =
  | { created: true; id: string; username: string; email: string; displayName: string }
  | { created: false; reason: 'invalid' | 'taken' };

const MAX_DISPLAY_NAME = 200;

export async function insertProvisionedStaffUser(
  tx: Tx,
  ctx: Pick<Ctx, 'now'>,
  input: ProvisionedStaffUserInput,
): Promise<ProvisionedStaffUser> {
  let username: string;
  let email: string;
  let displayName: string;
  try {
    username = normaliseUsername(input.username ?? '');
    email = normaliseEmail(input.email ?? '');
    const raw = input.displayName?.normalize('NFC').trim() || username;
    displayName = normaliseDisplayName(clip(raw, MAX_DISPLAY_NAME));
  } catch {
    return { created: false, reason: 'invalid' };
  }
  if ((await takenFields(tx, { username, email })).length > 0) return { created: false, reason: 'taken' };
  const id = randomUUID();
  const now = ctx.now();
  await insertStaffUser(tx, {
    ...input.columns,
    id,
    username,
    display_name: displayName,
    email,
    status: 'active',
    created_at: now,
    updated_at: now,
  });
  return { created: true, id, username, email, displayName };
}

/** At most `max` UTF-16 units, never ending in half a surrogate pair. */
function clip(s: string, max: number): string {
  if (s.length <= max) return s;
  const cut = s.slice(0, max);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}
