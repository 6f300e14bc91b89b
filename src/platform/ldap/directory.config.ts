/**
 * The `directory` section of the configuration (absent: no directory), its defaults, and the
 * checks that keep Dossier from ever locking a Windows account (docs/SECURITY.md, "Directory
 * sign-in"). config.ts includes the schema and calls `directoryConfigProblems` at start.
 */
import { existsSync, readFileSync } from 'node:fs';
import { Type, type Static } from 'typebox';
import {
  resolveThrottlePolicy,
  type ThrottlePolicyOverrides,
} from '../../modules/auth/throttle/throttle.options.ts';

export const DirectoryConfigSchema = Type.Object(
  {
    /** `ldaps://host:636`, or `ldap://host:389` with StartTLS (required). */
    url: Type.String({ pattern: '^ldaps?://[^\\s/?#@]+/?$' }),
    /** Must stay true for ldap:// (a plain connection is refused); ignored for ldaps://. */
    startTls: Type.Optional(Type.Boolean()),
    /** PEM file of the CA(s) that sign the directory's certificate (relative to dataDir). */
    caFile: Type.String({ minLength: 1 }),
    /** Name checked in the certificate (default: the URL's host). */
    serverName: Type.Optional(Type.String({ minLength: 1, maxLength: 253 })),
    /** The read-only service account. */
    bindDn: Type.String({ minLength: 3, maxLength: 1024 }),
    /** Its password (secret: DOSSIER_DIRECTORY_BIND_PASSWORD, not the config file). */
    bindPassword: Type.String({ minLength: 1, maxLength: 1024 }),
    /** Where users are searched. */
    userBase: Type.String({ minLength: 3, maxLength: 1024 }),
    /** Attributes a sign-in name may match (default sAMAccountName, userPrincipalName, uid). */
    loginAttributes: Type.Optional(
      Type.Array(Type.String({ pattern: '^[A-Za-z][A-Za-z0-9-]{0,63}$' }), { minItems: 1, maxItems: 5 }),
    ),
    /** Operational attribute of an entry's last change (default modifyTimestamp). */
    changedAttribute: Type.Optional(
      Type.Union([Type.Literal('modifyTimestamp'), Type.Literal('whenChanged')]),
    ),
    /** Per connection and operation (default 5,000 ms). */
    timeoutMs: Type.Optional(Type.Integer({ minimum: 500, maximum: 60000 })),
    /** The domain's account lockout threshold ("Account lockout threshold"; 0 there = set 999). */
    lockoutThreshold: Type.Integer({ minimum: 2, maximum: 999 }),
    /** The domain's "Reset account lockout counter after" (observation window), in minutes. */
    lockoutWindowMinutes: Type.Integer({ minimum: 1, maximum: 99999 }),
    /** Failed binds Dossier allows per account and window (default threshold − 2, at least 1). */
    maxFailedBinds: Type.Optional(Type.Integer({ minimum: 1, maximum: 998 })),
    /** Minutes between "changed since" syncs (default 15). */
    syncIntervalMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 1440 })),
    /** Hours between full syncs, which also catch removals (default 24). */
    fullSyncHours: Type.Optional(Type.Integer({ minimum: 1, maximum: 168 })),
    /** Create a Dossier user at first sign-in when the directory user is in a mapped group (default true). */
    provisionOnSignIn: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type DirectoryConfig = Static<typeof DirectoryConfigSchema>;

/** The directory settings with defaults filled and the CA read. */
export interface ResolvedDirectoryConfig {
  url: string;
  caPem: string;
  serverName: string | undefined;
  bindDn: string;
  bindPassword: string;
  userBase: string;
  loginAttributes: readonly string[] | undefined;
  changedAttribute: 'modifyTimestamp' | 'whenChanged';
  timeoutMs: number;
  lockoutThreshold: number;
  lockoutWindowMs: number;
  maxFailedBinds: number;
  syncIntervalMs: number;
  fullSyncEveryMs: number;
  provisionOnSignIn: boolean;
}

/** The cap of failed binds per account and window: threshold − 2 (a margin for the user's own
 * failures elsewhere, e.g. a workstation), at least 1, unless configured lower. */
export function bindCapOf(c: Pick<DirectoryConfig, 'lockoutThreshold' | 'maxFailedBinds'>): number {
  return c.maxFailedBinds ?? Math.max(1, c.lockoutThreshold - 2);
}

export function resolveDirectoryConfig(c: DirectoryConfig): ResolvedDirectoryConfig {
  return {
    url: c.url,
    caPem: readFileSync(c.caFile, 'utf8'),
    serverName: c.serverName,
    bindDn: c.bindDn,
    bindPassword: c.bindPassword,
    userBase: c.userBase,
    loginAttributes: c.loginAttributes,
    changedAttribute: c.changedAttribute ?? 'modifyTimestamp',
    timeoutMs: c.timeoutMs ?? 5000,
    lockoutThreshold: c.lockoutThreshold,
    lockoutWindowMs: c.lockoutWindowMinutes * 60_000,
    maxFailedBinds: bindCapOf(c),
    syncIntervalMs: (c.syncIntervalMinutes ?? 15) * 60_000,
    fullSyncEveryMs: (c.fullSyncHours ?? 24) * 3_600_000,
    provisionOnSignIn: c.provisionOnSignIn ?? true,
  };
}

/**
 * The most failed binds the block-delay alone lets through to one account in an Active Directory
 * "streak" (failures each less than `windowMs` after the previous one, which is how the domain
 * counts: its counter resets only once the observation window passes without a failure).
 * The `account` key allows `freeAttempts` failures without delay; after that each failure waits
 * min(max, base × factor^k). If that delay never reaches the window, the streak never breaks and the
 * count is unbounded (Infinity); otherwise it is the failures made before the first delay ≥ window.
 */
export function blockDelayStreak(
  p: { freeAttempts: number; baseDelayMs: number; factor: number; maxDelayMs: number },
  windowMs: number,
): number {
  if (p.maxDelayMs < windowMs) return Infinity;
  let failures = p.freeAttempts;
  for (let k = 0; k < 10_000; k++) {
    const delay = Math.min(p.maxDelayMs, p.baseDelayMs * p.factor ** k);
    if (delay >= windowMs) return failures;
    failures++;
  }
  return Infinity;
}

/** Configuration problems of the directory section (each a message naming the setting). */
export function directoryConfigProblems(
  c: DirectoryConfig | undefined,
  opts: { throttle: ThrottlePolicyOverrides; role: string },
): string[] {
  if (!c) return [];
  const out: string[] = [];
  if (opts.role === 'portal') {
    out.push('directory: the portal must not be given the directory settings (service account password)');
    return out;
  }
  if (c.url.startsWith('ldap://') && c.startTls === false)
    out.push(
      'directory.startTls: a plain ldap:// connection would send passwords in clear; use ldaps:// or StartTLS',
    );
  if (!existsSync(c.caFile)) out.push(`directory.caFile: the directory CA file is missing (${c.caFile})`);
  else if (!readFileSync(c.caFile, 'utf8').includes('BEGIN CERTIFICATE'))
    out.push(`directory.caFile: not a PEM certificate file (${c.caFile})`);
  const cap = bindCapOf(c);
  if (cap >= c.lockoutThreshold)
    out.push(
      `directory.maxFailedBinds: ${cap} failed binds per window would reach the domain's lockout threshold (${c.lockoutThreshold}); it must be below it`,
    );
  try {
    const p = resolveThrottlePolicy(opts.throttle).password;
    const streak = blockDelayStreak(
      { ...p, freeAttempts: p.freeAttempts.account },
      c.lockoutWindowMinutes * 60_000,
    );
    if (Math.min(cap, streak) >= c.lockoutThreshold)
      out.push(
        `directory.lockoutThreshold: the block-delay and the bind cap would let ${Math.min(cap, streak)} failed binds reach one account within the domain's observation window; the domain locks at ${c.lockoutThreshold}`,
      );
  } catch {
    // The throttle settings are reported by their own check.
  }
  return out;
}
