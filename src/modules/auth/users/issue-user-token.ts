/**
 * Issuing an activation or reset token inside the caller's transaction. Internal to the module:
 * createStaffUser and startPasswordReset are the public ways in.
 */
import { randomUUID } from 'node:crypto';
import type { Tx } from '../../../db/transaction.ts';
import type { Ctx } from '../../../platform/context.ts';
import { actorRef } from '../../access/actor.ts';
import {
  insertToken,
  retireLiveTokens,
  type StaffUserTokenRow,
  type TokenPurpose,
} from './staff-user.repository.ts';
import { newUserToken } from './staff-user.token.ts';

/**
 * Retires the user's live tokens of `purpose` (only the newest e-mail works) and stores the hash of
 * a fresh one. The token itself is returned once and never stored.
 */
export async function issueUserToken(
  tx: Tx,
  ctx: Pick<Ctx, 'actor' | 'now'>,
  input: { userId: string; purpose: TokenPurpose; lifetimeMs: number },
): Promise<{ token: string; row: StaffUserTokenRow; retired: number }> {
  const now = ctx.now();
  const retired = await retireLiveTokens(tx, input.userId, input.purpose, now);
  const { token, hash } = newUserToken();
  const row = await insertToken(tx, {
    id: randomUUID(),
    user_id: input.userId,
    purpose: input.purpose,
    token_hash: hash,
    created_at: now,
    expires_at: new Date(now.getTime() + input.lifetimeMs),
    created_by: actorRef(ctx.actor),
  });
  return { token, row, retired };
}
