/** A passkey as its owner and administrators see it: never the key, the counter or the credential id. */
import type { PasskeyPolicy } from './passkeys.options.ts';
import type { PasskeyRow } from './passkeys.repository.ts';

export interface PasskeyView {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  /** Synced between devices (a platform passkey) or bound to one authenticator. */
  deviceType: 'singleDevice' | 'multiDevice';
  backedUp: boolean;
  /** Proved user verification (PIN, biometrics) at registration. */
  userVerified: boolean;
  /** May sign in without a password (user verified and the realm allows it). */
  passwordless: boolean;
}

export function presentPasskey(row: PasskeyRow, policy: Pick<PasskeyPolicy, 'passwordless'>): PasskeyView {
  return {
    id: row.id,
    name: row.name,
    createdAt: row.created_at.toISOString(),
    lastUsedAt: row.last_used_at ? row.last_used_at.toISOString() : null,
    deviceType: row.device_type,
    backedUp: row.backed_up,
    userVerified: row.user_verified,
    passwordless: row.user_verified && policy.passwordless,
  };
}
