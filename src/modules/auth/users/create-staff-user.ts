import { randomUUID } from 'node:crypto';
import { inTransaction } from '../../../db/transaction.ts';
import type { Ctx } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import { appendAudit } from '../../audit/audit.repository.ts';
import { issueUserToken } from './issue-user-token.ts';
import { resolveTokenLifetimes, type TokenLifetimes } from './staff-user.options.ts';
import { presentStaffUser } from './staff-user.presenter.ts';
import { isUniqueViolation } from '../../../db/errors.ts';
import { insertStaffUser, takenFields } from './staff-user.repository.ts';
import {
  mobileContext,
  normaliseDisplayName,
  normaliseEmail,
  normaliseMobile,
  normaliseUsername,
} from './staff-user.rules.ts';
import type { CreatedStaffUserView } from './staff-user.schema.ts';

/** A new staff user as an administrator enters it; there is deliberately no password field. */
export interface CreateStaffUserInput {
  /** 3–64 of `a-z 0-9 . _ -` after lower-casing; reserved names (admin, root, …) are refused. */
  username: string;
  displayName: string;
  email: string;
  /** International number; stored encrypted, shown as `••••1234`. */
  mobile?: string | undefined;
}

/** A 409 naming the fields (username, email) another user already has, case-insensitively. */
export function duplicateUser(fields: string[]): AppError {
  return new AppError('conflict', `${fields.join(' and ')} already in use`, { fields });
}

/**
 * Creates an active staff user without a password and returns a single-use activation token (shown
 * once, for the caller to e-mail) with which the user chooses their own password (ASVS 6.4.1,
 * 6.4.6: administrators never set one). Until then the user cannot sign in. Audit
 * `staff_user.created` (field names only).
 * @throws AppError validation (username rules, reserved name, e-mail, mobile), conflict (409) for a
 *   username or e-mail in use regardless of case.
 */
export async function createStaffUser(
  ctx: Ctx,
  input: CreateStaffUserInput,
  lifetimes: TokenLifetimes = {},
): Promise<CreatedStaffUserView> {
  const username = normaliseUsername(input.username);
  const email = normaliseEmail(input.email);
  const displayName = normaliseDisplayName(input.displayName);
  const mobile = input.mobile === undefined ? null : normaliseMobile(input.mobile);
  const { activationMs } = resolveTokenLifetimes(lifetimes);
  const id = randomUUID();
  const now = ctx.now();
  try {
    return await inTransaction(ctx.db, async (tx) => {
      const taken = await takenFields(tx, { username, email });
      if (taken.length > 0) throw duplicateUser(taken);
      const row = await insertStaffUser(tx, {
        id,
        username,
        display_name: displayName,
        email,
        status: 'active',
        created_at: now,
        updated_at: now,
        mobile_enc: mobile === null ? null : ctx.keyring.encryptField(mobile, mobileContext(id)),
        mobile_last4: mobile === null ? null : mobile.slice(-4),
      });
      const issued = await issueUserToken(tx, ctx, {
        userId: id,
        purpose: 'activation',
        lifetimeMs: activationMs,
      });
      await appendAudit(tx, ctx, {
        type: 'staff_user.created',
        target: { type: 'staff_user', id },
        payload: {
          fields: ['username', 'displayName', 'email', ...(mobile === null ? [] : ['mobile'])],
          activationExpiresAt: issued.row.expires_at.toISOString(),
        },
      });
      return {
        user: presentStaffUser(row),
        activationToken: { token: issued.token, expiresAt: issued.row.expires_at.toISOString() },
      };
    });
  } catch (err) {
    // Two administrators creating the same name at once: the unique index decides.
    if (isUniqueViolation(err)) throw duplicateUser(['username or email']);
    throw err;
  }
}
