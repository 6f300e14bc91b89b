import { isUniqueViolation } from '../../../db/errors.ts';
import type { Updateable } from 'kysely';
import { inTransaction } from '../../../db/transaction.ts';
import type { StaffUsersTable } from '../../../db/types.ts';
import type { Ctx } from '../../../platform/context.ts';
import { AppError, notFound } from '../../../platform/errors.ts';
import { appendAudit } from '../../audit/audit.repository.ts';
import { duplicateUser } from './create-staff-user.ts';
import type { StaffUserNotifier } from './staff-user.options.ts';
import { presentStaffUser } from './staff-user.presenter.ts';
import { findStaffUser, takenFields, updateStaffUserRow } from './staff-user.repository.ts';
import { mobileContext, normaliseDisplayName, normaliseEmail, normaliseMobile } from './staff-user.rules.ts';
import type { StaffUserView } from './staff-user.schema.ts';

/** The user to change, the version the caller last read, and the fields to change. */
export interface UpdateStaffUserInput {
  id: string;
  version: number;
  displayName?: string | undefined;
  email?: string | undefined;
  /** A new international number, or null to remove it. */
  mobile?: string | null | undefined;
}

/**
 * Changes a staff user's display name, e-mail or mobile number under optimistic concurrency (a
 * stale `version` is a `version_conflict`). Only fields whose value changes count; a patch that
 * changes nothing keeps the version and writes no event. The username is fixed for life: it is
 * what audit readers and the block-delay counters know the user by.
 *
 * The mobile number receives the second factor by SMS, so changing it is audited on its own
 * (`staff_user.mobile_changed`) and the user is notified (ASVS 6.3.7); the route must require a
 * fresh re-authentication first (ASVS 7.5.1). Other fields: `staff_user.updated` with field names.
 * @throws AppError not_found, version_conflict, conflict (e-mail in use), validation.
 */
export async function updateStaffUser(
  ctx: Ctx,
  input: UpdateStaffUserInput,
  options: { notify?: StaffUserNotifier | undefined } = {},
): Promise<StaffUserView> {
  const displayName = input.displayName === undefined ? undefined : normaliseDisplayName(input.displayName);
  const email = input.email === undefined ? undefined : normaliseEmail(input.email);
  const mobile = input.mobile == null ? input.mobile : normaliseMobile(input.mobile);
  let mobileChanged = false;
  let view: StaffUserView;
  try {
    view = await inTransaction(ctx.db, async (tx) => {
      const row = await findStaffUser(tx, input.id, 'lock');
      if (!row) throw notFound('staff user');
      if (row.version !== input.version)
        throw new AppError(
          'version_conflict',
          `the staff user is at version ${row.version}, not ${input.version}`,
          {
            currentVersion: row.version,
          },
        );
      const patch: Updateable<StaffUsersTable> = {};
      const fields: string[] = [];
      if (displayName !== undefined && displayName !== row.display_name) {
        patch.display_name = displayName;
        fields.push('displayName');
      }
      if (email !== undefined && email !== row.email) {
        if (
          email.toLowerCase() !== row.email.toLowerCase() &&
          (await takenFields(tx, { email }, row.id)).length
        )
          throw duplicateUser(['email']);
        patch.email = email;
        fields.push('email');
      }
      if (mobile !== undefined) {
        const current = row.mobile_enc
          ? ctx.keyring.decryptField(row.mobile_enc, mobileContext(row.id))
          : null;
        if (mobile !== current) {
          mobileChanged = true;
          patch.mobile_enc = mobile === null ? null : ctx.keyring.encryptField(mobile, mobileContext(row.id));
          patch.mobile_last4 = mobile === null ? null : mobile.slice(-4);
        }
      }
      if (fields.length === 0 && !mobileChanged) return presentStaffUser(row);
      const now = ctx.now();
      const updated = await updateStaffUserRow(tx, row.id, patch, now);
      const target = { type: 'staff_user' as const, id: row.id };
      if (fields.length > 0)
        await appendAudit(tx, ctx, {
          type: 'staff_user.updated',
          target,
          payload: { fields, version: updated.version },
        });
      if (mobileChanged)
        await appendAudit(tx, ctx, {
          type: 'staff_user.mobile_changed',
          target,
          payload: { removed: mobile === null, version: updated.version },
        });
      return presentStaffUser(updated);
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw duplicateUser(['email']);
    throw err;
  }
  if (mobileChanged) await options.notify?.({ type: 'mobile_changed', userId: view.id });
  return view;
}
