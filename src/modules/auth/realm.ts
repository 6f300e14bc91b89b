/**
 * The two kinds of account that sign in: staff users (internal API) and client users (portal, over
 * the link). They share the sign-in machinery (block-delay, second factors, sessions); the realm
 * says which table holds the account, how it appears in the audit trail, and how its block-delay
 * counters are keyed, so a client and a staff user with the same name never share a counter.
 */
import type { AuditTarget } from '../audit/audit.events.ts';

export type Realm = 'staff' | 'client';

export interface RealmInfo {
  realm: Realm;
  /** The table of the accounts (same columns for sign-in: id, username, status, password_hash, mobile_*). */
  table: 'staff_users' | 'client_users';
  target: 'staff_user' | 'client_user';
  /** Prefix of block-delay account keys (staff usernames cannot contain ':'). */
  accountPrefix: string;
}

const REALMS: Record<Realm, RealmInfo> = {
  staff: { realm: 'staff', table: 'staff_users', target: 'staff_user', accountPrefix: '' },
  client: { realm: 'client', table: 'client_users', target: 'client_user', accountPrefix: 'client:' },
};

export function realmInfo(realm: Realm | undefined): RealmInfo {
  return REALMS[realm ?? 'staff'];
}

/** The audit target of an account. */
export function accountTarget(userId: string, realm?: Realm): AuditTarget {
  return { type: realmInfo(realm).target, id: userId };
}
