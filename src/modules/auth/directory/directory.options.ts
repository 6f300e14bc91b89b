/**
 * What the directory features need, built once per server from the `directory` configuration
 * (src/servers/internal/auth-services.ts): the client (src/platform/ldap), the bind cap and the
 * sync schedule, and a summary of the settings an administrator may read (never the password).
 */
import { Directory, type DirectorySettings } from '../../../platform/ldap/directory.ts';
import type { ResolvedDirectoryConfig } from '../../../platform/ldap/directory.config.ts';
import type { BindCapPolicy } from './bind-cap.ts';
import type { DirectorySettingsView } from './directory.schema.ts';

/** The directory operations Dossier uses (the `Directory` class; tests may wrap it to count binds). */
export type DirectoryClient = Pick<
  Directory,
  'authenticate' | 'listMembersOf' | 'listUsersChangedSince' | 'groupsChangedSince' | 'readUser' | 'check'
>;

export interface DirectoryServices {
  client: DirectoryClient;
  cap: BindCapPolicy;
  /** Create a Dossier user at first sign-in when the directory user is in a mapped group. */
  provisionOnSignIn: boolean;
  /** Between "changed since" syncs. */
  syncIntervalMs: number;
  /** Between full syncs. */
  fullSyncEveryMs: number;
  /** Longest a sync run may take before another may start (a crashed run's lease). */
  runLeaseMs: number;
  settings: DirectorySettingsView;
}

export function directorySettingsOf(c: ResolvedDirectoryConfig): DirectorySettings {
  return {
    url: c.url,
    caPem: c.caPem,
    serverName: c.serverName,
    bindDn: c.bindDn,
    bindPassword: c.bindPassword,
    userBase: c.userBase,
    loginAttributes: c.loginAttributes,
    timeoutMs: c.timeoutMs,
    changedAttribute: c.changedAttribute,
  };
}

export function createDirectoryServices(
  c: ResolvedDirectoryConfig,
  client: DirectoryClient = new Directory(directorySettingsOf(c)),
): DirectoryServices {
  return {
    client,
    cap: {
      maxFailedBinds: c.maxFailedBinds,
      windowMs: c.lockoutWindowMs,
      // Search, bind and "who am I" on two connections, each bounded by the timeout, with room.
      leaseMs: Math.max(60_000, 8 * c.timeoutMs),
    },
    provisionOnSignIn: c.provisionOnSignIn,
    syncIntervalMs: c.syncIntervalMs,
    fullSyncEveryMs: c.fullSyncEveryMs,
    runLeaseMs: 30 * 60_000,
    settings: {
      url: c.url,
      transport: c.url.startsWith('ldaps:') ? 'ldaps' : 'starttls',
      serverName: c.serverName ?? new URL(c.url).hostname,
      bindDn: c.bindDn,
      userBase: c.userBase,
      loginAttributes: [...(c.loginAttributes ?? ['sAMAccountName', 'userPrincipalName', 'uid'])],
      timeoutMs: c.timeoutMs,
      lockoutThreshold: c.lockoutThreshold,
      lockoutWindowMinutes: Math.round(c.lockoutWindowMs / 60_000),
      maxFailedBinds: c.maxFailedBinds,
      syncIntervalMinutes: Math.round(c.syncIntervalMs / 60_000),
      fullSyncHours: Math.round(c.fullSyncEveryMs / 3_600_000),
      provisionOnSignIn: c.provisionOnSignIn,
    },
  };
}
