import type { StaffUserRow } from './staff-user.repository.ts';
import { maskMobile } from './staff-user.rules.ts';
import type { StaffUserView } from './staff-user.schema.ts';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * Row → view, an explicit allow-list: password_hash and mobile_enc never leave this module (the
 * mobile number shows as `••••1234`), and tokens live in another table that is never presented.
 */
export function presentStaffUser(row: StaffUserRow): StaffUserView {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    email: row.email,
    mobileMasked: maskMobile(row.mobile_last4),
    status: row.status,
    activated: row.password_hash !== null || row.source === 'directory',
    source: row.source,
    passwordChangedAt: iso(row.password_changed_at),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    disabledAt: iso(row.disabled_at),
    version: row.version,
  };
}
