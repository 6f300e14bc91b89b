/**
 * The directory (Active Directory or any LDAP v3 server) as Dossier uses it: confirm a user's
 * password by a bind, and read users and their groups with a read-only service account. Transport
 * is always TLS with certificate validation against the configured CA only: `ldaps://`, or
 * `ldap://` upgraded with StartTLS before any bind (a plain bind is never sent). This file knows
 * nothing of Dossier's users, roles or block-delay: the sign-in flow puts its guard in front.
 *
 * Pitfalls closed here (issue 9; OWASP ASVS 6.8; RFC 4513):
 * - an empty (or whitespace-only) password never reaches the server: Active Directory treats
 *   "DN + empty password" as an unauthenticated bind and answers success;
 * - the user is found by the service account with an escaped filter (no LDAP injection), exactly
 *   one entry or none;
 * - after the user's bind, the server is asked who the connection is (RFC 4532 "Who am I?") and
 *   the answer must be that user's DN: a bind that "succeeded" as someone else or as nobody fails;
 * - a disabled account (`userAccountControl` bit 0x2) is refused even with the right password.
 */
import type { ConnectionOptions } from 'node:tls';
import { Client, escapeFilter, InvalidCredentialsError, NoSuchObjectError } from 'ldapts';

export interface DirectorySettings {
  /** `ldaps://host:636` or `ldap://host:389` (then StartTLS is mandatory). */
  url: string;
  /** PEM of the CA(s) that sign the directory's certificate; nothing else is trusted. */
  caPem: string;
  /** The name to check in the server certificate (default: the URL's host). */
  serverName?: string | undefined;
  /** The read-only service account. */
  bindDn: string;
  bindPassword: string;
  /** Where users are searched, e.g. `ou=people,dc=corp,dc=test`. */
  userBase: string;
  /** The attributes a sign-in name may match (default sAMAccountName, userPrincipalName, uid). */
  loginAttributes?: readonly string[] | undefined;
  /** Milliseconds for connecting and for each operation (default 5,000). */
  timeoutMs?: number | undefined;
  /**
   * The operational attribute holding an entry's last change, in the directory's own clock
   * (default `modifyTimestamp`; Active Directory also has `whenChanged`).
   */
  changedAttribute?: 'modifyTimestamp' | 'whenChanged' | undefined;
}

export interface DirectoryUser {
  dn: string;
  /** The sAMAccountName (or uid) as the directory spells it. */
  username: string;
  email: string | null;
  displayName: string | null;
  /** DNs of the groups the user is a direct member of (`memberOf`). */
  groups: string[];
  /** `userAccountControl` bit 0x2 (ACCOUNTDISABLE). */
  disabled: boolean;
  /** A stable id: `entryUUID` (LDAP) or `objectGUID` as hex (Active Directory); null if neither. */
  id: string | null;
  /** The entry's last change as the directory reports it (generalized time), or null. */
  changedAt: string | null;
}

/**
 * Called after the user's entry is found and before the bind: false refuses the attempt without
 * binding (the sign-in flow's per-account cap of failed binds, so Dossier cannot lock the account).
 */
export type BeforeBind = (user: DirectoryUser) => Promise<boolean>;

/** What `check` found: the service account binds and the user base exists. */
export interface DirectoryCheck {
  serviceAccount: 'ok';
  userBase: 'found' | 'missing';
  tls: 'ldaps' | 'starttls';
}

/** A generalized time as directories write it (`20261125024000Z`, `20261125024000.0Z`). */
export const GENERALIZED_TIME = /^\d{14}(\.\d{1,6})?Z$/;

/** Why a directory sign-in failed: the caller gives every one the same answer. */
export type DirectoryRefusal =
  | 'empty_password'
  | 'unknown_user'
  | 'ambiguous_user'
  | 'wrong_password'
  | 'disabled'
  | 'identity_mismatch'
  | 'refused_before_bind';

export type DirectoryAuthResult = { ok: true; user: DirectoryUser } | { ok: false; reason: DirectoryRefusal };

/** The directory could not be used (network, TLS, service account): not the user's fault. */
export class DirectoryUnavailableError extends Error {
  constructor(message: string, options?: { cause: unknown }) {
    super(message, options);
    this.name = 'DirectoryUnavailableError';
  }
}

const ATTRIBUTES = [
  'sAMAccountName',
  'uid',
  'userPrincipalName',
  'mail',
  'displayName',
  'cn',
  'memberOf',
  'userAccountControl',
  'entryUUID',
  'objectGUID',
  'modifyTimestamp',
  'whenChanged',
];
const USER_FILTER = '(|(objectClass=person)(objectClass=inetOrgPerson)(objectClass=user))';
const WHO_AM_I = '1.3.6.1.4.1.4203.1.11.3';
const ACCOUNTDISABLE = 0x2;

export class Directory {
  readonly #s: DirectorySettings;
  constructor(settings: DirectorySettings) {
    const url = new URL(settings.url);
    if (url.protocol !== 'ldaps:' && url.protocol !== 'ldap:')
      throw new Error('the directory URL must be ldaps:// or ldap://');
    if (!settings.caPem.includes('BEGIN CERTIFICATE'))
      throw new Error('the directory CA must be PEM certificates');
    this.#s = settings;
  }

  /**
   * Confirms a user's password: search (service account), then bind as the user, then "Who am I?".
   * Never binds with an empty password.
   */
  async authenticate(login: string, password: string, beforeBind?: BeforeBind): Promise<DirectoryAuthResult> {
    if (password.trim() === '') return { ok: false, reason: 'empty_password' };
    const found = await this.#withServiceAccount((c) => this.#findUsers(c, login));
    if (found.length === 0) return { ok: false, reason: 'unknown_user' };
    if (found.length > 1) return { ok: false, reason: 'ambiguous_user' };
    const user = found[0]!;
    if (beforeBind && !(await beforeBind(user))) return { ok: false, reason: 'refused_before_bind' };
    const client = await this.#connect();
    try {
      try {
        await client.bind(user.dn, password);
      } catch (err) {
        if (err instanceof InvalidCredentialsError) return { ok: false, reason: 'wrong_password' };
        throw new DirectoryUnavailableError('user bind failed', { cause: err });
      }
      const who = await client.exop(WHO_AM_I);
      const authzId = String(who.value ?? '');
      if (!authzId.toLowerCase().startsWith('dn:') || !sameDn(authzId.slice(3), user.dn))
        return { ok: false, reason: 'identity_mismatch' };
    } finally {
      await client.unbind().catch(() => undefined);
    }
    if (user.disabled) return { ok: false, reason: 'disabled' };
    return { ok: true, user };
  }

  /** One user by sign-in name (for sync of a single account); null if none or several. */
  async findUser(login: string): Promise<DirectoryUser | null> {
    const found = await this.#withServiceAccount((c) => this.#findUsers(c, login));
    return found.length === 1 ? found[0]! : null;
  }

  /** Every user under the user base (paged), for a full sync. */
  async listUsers(): Promise<DirectoryUser[]> {
    return this.#withServiceAccount((c) => this.#searchUsers(c, USER_FILTER));
  }

  /** Every user under the user base who is a direct member of one of these groups (paged). */
  async listMembersOf(groupDns: readonly string[]): Promise<DirectoryUser[]> {
    if (groupDns.length === 0) return [];
    const any = groupDns.map((g) => `(memberOf=${escapeFilter`${g}`})`).join('');
    return this.#withServiceAccount((c) => this.#searchUsers(c, `(&${USER_FILTER}(|${any}))`));
  }

  /** Users under the user base changed at or after `since` (the directory's generalized time). */
  async listUsersChangedSince(since: string): Promise<DirectoryUser[]> {
    if (!GENERALIZED_TIME.test(since)) throw new Error('not a generalized time');
    const attr = this.#s.changedAttribute ?? 'modifyTimestamp';
    return this.#withServiceAccount((c) => this.#searchUsers(c, `(&${USER_FILTER}(${attr}>=${since}))`));
  }

  /**
   * Which of these groups changed at or after `since` (a membership change touches the group's
   * entry, not the member's), with each group's change time; missing groups are left out.
   */
  async groupsChangedSince(
    groupDns: readonly string[],
    since: string,
  ): Promise<{ dn: string; changedAt: string | null }[]> {
    if (!GENERALIZED_TIME.test(since)) throw new Error('not a generalized time');
    const attr = this.#s.changedAttribute ?? 'modifyTimestamp';
    return this.#withServiceAccount(async (c) => {
      const out: { dn: string; changedAt: string | null }[] = [];
      for (const dn of groupDns) {
        try {
          const { searchEntries } = await c.search(dn, {
            scope: 'base',
            filter: `(${attr}>=${since})`,
            attributes: [attr],
          });
          for (const e of searchEntries) out.push({ dn: String(e['dn']), changedAt: first(e[attr]) });
        } catch (err) {
          if (!(err instanceof NoSuchObjectError)) throw err;
        }
      }
      return out;
    });
  }

  /** One user by DN (base search); null if the entry no longer exists. */
  async readUser(dn: string): Promise<DirectoryUser | null> {
    return this.#withServiceAccount(async (c) => {
      try {
        const { searchEntries } = await c.search(dn, {
          scope: 'base',
          filter: '(objectClass=*)',
          attributes: ATTRIBUTES,
          explicitBufferAttributes: ['objectGUID'],
        });
        return searchEntries.length === 1 ? toUser(searchEntries[0]!) : null;
      } catch (err) {
        if (err instanceof NoSuchObjectError) return null;
        throw err;
      }
    });
  }

  /** Tests the connection (TLS with the configured CA), the service account and the user base. */
  async check(): Promise<DirectoryCheck> {
    const tls = new URL(this.#s.url).protocol === 'ldaps:' ? 'ldaps' : 'starttls';
    return this.#withServiceAccount(async (c) => {
      try {
        await c.search(this.#s.userBase, { scope: 'base', filter: '(objectClass=*)', attributes: ['dn'] });
        return { serviceAccount: 'ok', userBase: 'found', tls };
      } catch (err) {
        if (err instanceof NoSuchObjectError) return { serviceAccount: 'ok', userBase: 'missing', tls };
        throw err;
      }
    });
  }

  async #searchUsers(c: Client, filter: string): Promise<DirectoryUser[]> {
    const { searchEntries } = await c.search(this.#s.userBase, {
      scope: 'sub',
      filter,
      attributes: ATTRIBUTES,
      explicitBufferAttributes: ['objectGUID'],
      paged: { pageSize: 500 },
    });
    return searchEntries.map(toUser);
  }

  async #findUsers(c: Client, login: string): Promise<DirectoryUser[]> {
    const attrs = this.#s.loginAttributes ?? ['sAMAccountName', 'userPrincipalName', 'uid'];
    const name = login.trim();
    if (name === '' || name.length > 256) return [];
    // Each value escaped (RFC 4515): `*`, `(`, `)`, `\` and NUL cannot change the filter.
    const alternatives = attrs.map((a) => `(${a}=${escapeFilter`${name}`})`).join('');
    const { searchEntries } = await c.search(this.#s.userBase, {
      scope: 'sub',
      filter: `(|${alternatives})`,
      attributes: ATTRIBUTES,
      explicitBufferAttributes: ['objectGUID'],
      sizeLimit: 2,
    });
    return searchEntries.map(toUser);
  }

  async #withServiceAccount<T>(fn: (c: Client) => Promise<T>): Promise<T> {
    const c = await this.#connect();
    try {
      try {
        await c.bind(this.#s.bindDn, this.#s.bindPassword);
      } catch (err) {
        throw new DirectoryUnavailableError('the service account cannot bind', { cause: err });
      }
      return await fn(c);
    } catch (err) {
      if (err instanceof DirectoryUnavailableError) throw err;
      throw new DirectoryUnavailableError('directory search failed', { cause: err });
    } finally {
      await c.unbind().catch(() => undefined);
    }
  }

  /** A connection that is TLS before anything else is sent (ldaps, or StartTLS first). */
  async #connect(): Promise<Client> {
    const url = new URL(this.#s.url);
    const timeout = this.#s.timeoutMs ?? 5000;
    const tlsOptions: ConnectionOptions = {
      ca: this.#s.caPem,
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2',
      servername: this.#s.serverName ?? url.hostname,
    };
    const secure = url.protocol === 'ldaps:';
    // tlsOptions go to the client only for ldaps://; for ldap:// they are StartTLS's alone.
    const client = new Client({
      url: this.#s.url,
      timeout,
      connectTimeout: timeout,
      strictDN: true,
      ...(secure ? { tlsOptions } : {}),
    });
    if (!secure) {
      try {
        await client.startTLS(tlsOptions);
      } catch (err) {
        await client.unbind().catch(() => undefined);
        throw new DirectoryUnavailableError('StartTLS failed', { cause: err });
      }
    }
    return client;
  }
}

function first(v: unknown): string | null {
  const x = Array.isArray(v) ? v[0] : v;
  return x === undefined || x === null ? null : Buffer.isBuffer(x) ? x.toString('utf8') : String(x);
}

function toUser(e: Record<string, unknown>): DirectoryUser {
  const groups = e['memberOf'];
  const uac = Number(first(e['userAccountControl']) ?? 0);
  return {
    dn: String(e['dn']),
    username: first(e['sAMAccountName']) ?? first(e['uid']) ?? String(e['dn']),
    email: first(e['mail']),
    displayName: first(e['displayName']) ?? first(e['cn']),
    groups: (Array.isArray(groups) ? groups : groups ? [groups] : []).map((g) => String(g)),
    disabled: (uac & ACCOUNTDISABLE) !== 0,
    id: stableId(e),
    changedAt: first(e['modifyTimestamp']) ?? first(e['whenChanged']),
  };
}

function stableId(e: Record<string, unknown>): string | null {
  const guid = Array.isArray(e['objectGUID']) ? e['objectGUID'][0] : e['objectGUID'];
  if (Buffer.isBuffer(guid) && guid.length === 16) return `guid:${guid.toString('hex')}`;
  const uuid = first(e['entryUUID']);
  return uuid ? `uuid:${uuid.toLowerCase()}` : null;
}

/** DN equality as servers mean it for these purposes: case- and space-insensitive around separators. */
export function sameDn(a: string, b: string): boolean {
  const norm = (dn: string) =>
    dn
      .split(',')
      .map((rdn) =>
        rdn
          .trim()
          .toLowerCase()
          .replace(/\s*=\s*/, '='),
      )
      .join(',');
  return norm(a) === norm(b);
}
