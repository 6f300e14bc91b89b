/**
 * Directory tests' own users and groups in the shared test directories (scripts/openldap-test-ad.sh):
 * each test creates entries with unique names through the rootDN and deletes them afterwards, so
 * parallel test files never see each other's changes. Also: a configuration file naming a test
 * directory, and a wrapper that counts the binds Dossier makes.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Attribute, Change, Client } from 'ldapts';
import type { DirectoryClient } from '../../src/modules/auth/directory/index.ts';
import type { TestDirectory } from './ldap.ts';

export const BASE = 'dc=corp,dc=test';
const ROOT_DN = `cn=admin,${BASE}`;
const ROOT_PW = 'admin-secret';

/** A unique suffix for this process and call. */
export function unique(): string {
  return `${process.pid.toString(36)}${randomBytes(3).toString('hex')}`;
}

async function asRoot<T>(dir: TestDirectory, fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ url: dir.url });
  await c.startTLS({ ca: dir.caPem, servername: '127.0.0.1' });
  await c.bind(ROOT_DN, ROOT_PW);
  try {
    return await fn(c);
  } finally {
    await c.unbind().catch(() => undefined);
  }
}

export interface TestEntries {
  dir: TestDirectory;
  /** DNs created, deleted by cleanup (users first, then groups). */
  users: string[];
  groups: string[];
}

export function entries(dir: TestDirectory): TestEntries {
  return { dir, users: [], groups: [] };
}

export const userDn = (uid: string) => `uid=${uid},ou=people,${BASE}`;
export const groupDn = (cn: string) => `cn=${cn},ou=groups,${BASE}`;

/** A user (AD-like attributes, enabled) with this password. */
export async function addUser(
  e: TestEntries,
  opts: { uid: string; password: string; mail?: string | null; name?: string },
): Promise<string> {
  const dn = userDn(opts.uid);
  await asRoot(e.dir, (c) =>
    c.add(dn, {
      objectClass: ['inetOrgPerson', 'adLikeUser'],
      uid: opts.uid,
      cn: opts.name ?? `Directory ${opts.uid}`,
      sn: opts.uid,
      ...(opts.mail === null ? {} : { mail: opts.mail ?? `${opts.uid}@corp.test` }),
      sAMAccountName: opts.uid,
      userPrincipalName: `${opts.uid}@corp.test`,
      userAccountControl: '512',
      userPassword: opts.password,
    }),
  );
  e.users.push(dn);
  return dn;
}

/** A group with these members (groupOfNames needs at least one). */
export async function addGroup(e: TestEntries, cn: string, members: string[]): Promise<string> {
  const dn = groupDn(cn);
  await asRoot(e.dir, (c) => c.add(dn, { objectClass: 'groupOfNames', cn, member: members }));
  e.groups.push(dn);
  return dn;
}

export async function addMember(dir: TestDirectory, group: string, member: string): Promise<void> {
  await asRoot(dir, (c) =>
    c.modify(
      group,
      new Change({ operation: 'add', modification: new Attribute({ type: 'member', values: [member] }) }),
    ),
  );
}

export async function removeMember(dir: TestDirectory, group: string, member: string): Promise<void> {
  await asRoot(dir, (c) =>
    c.modify(
      group,
      new Change({ operation: 'delete', modification: new Attribute({ type: 'member', values: [member] }) }),
    ),
  );
}

/** userAccountControl 514 (disabled) or 512 (enabled), as an AD administrator would set it. */
export async function setDisabled(dir: TestDirectory, dn: string, disabled: boolean): Promise<void> {
  await asRoot(dir, (c) =>
    c.modify(
      dn,
      new Change({
        operation: 'replace',
        modification: new Attribute({ type: 'userAccountControl', values: [disabled ? '514' : '512'] }),
      }),
    ),
  );
}

export async function deleteEntry(dir: TestDirectory, dn: string): Promise<void> {
  await asRoot(dir, (c) => c.del(dn)).catch(() => undefined);
}

/** Deletes everything the test created (the memberof overlay removes deleted users from groups). */
export async function cleanup(e: TestEntries): Promise<void> {
  for (const dn of e.users.splice(0)) await deleteEntry(e.dir, dn);
  for (const dn of e.groups.splice(0)) await deleteEntry(e.dir, dn);
}

/**
 * Environment for startTestApp: a config file with the `directory` section for this test directory
 * (ldap:// with StartTLS unless `url` says ldaps://), the service account's password in its variable.
 */
export function directoryEnv(
  dir: TestDirectory,
  over: Record<string, unknown> = {},
  caPem: string = dir.caPem,
): Record<string, string> {
  const d = mkdtempSync(join(tmpdir(), 'dossier-dir-'));
  const caFile = join(d, 'directory-ca.pem');
  writeFileSync(caFile, caPem);
  const file = join(d, 'config.json');
  writeFileSync(
    file,
    JSON.stringify({
      directory: {
        url: dir.url,
        caFile,
        serverName: '127.0.0.1',
        bindDn: `cn=svc-kyc,ou=service,${BASE}`,
        userBase: `ou=people,${BASE}`,
        timeoutMs: 5000,
        lockoutThreshold: 5,
        lockoutWindowMinutes: 30,
        ...over,
      },
    }),
  );
  return { DOSSIER_CONFIG: file, DOSSIER_DIRECTORY_BIND_PASSWORD: 'svc-secret' };
}

/** Wraps a directory client and counts the user binds it makes (an allowed beforeBind = one bind). */
export function countingClient(inner: DirectoryClient): {
  client: DirectoryClient;
  binds: () => number;
  calls: () => number;
} {
  let binds = 0;
  let calls = 0;
  const client: DirectoryClient = {
    authenticate: (login, password, beforeBind) => {
      calls++;
      return inner.authenticate(login, password, async (u) => {
        const ok = beforeBind ? await beforeBind(u) : true;
        if (ok) binds++;
        return ok;
      });
    },
    listMembersOf: (g) => inner.listMembersOf(g),
    listUsersChangedSince: (s) => inner.listUsersChangedSince(s),
    groupsChangedSince: (g, s) => inner.groupsChangedSince(g, s),
    readUser: (dn) => inner.readUser(dn),
    check: () => inner.check(),
  };
  return { client, binds: () => binds, calls: () => calls };
}
