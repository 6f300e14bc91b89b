/**
 * The directory client against a real OpenLDAP shaped like Active Directory
 * (scripts/openldap-test-ad.sh, started by .ci/run): one instance as configured normally, one that
 * emulates Active Directory's "empty password = anonymous success" bind.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Client } from 'ldapts';
import { directorySkip, testDirectories } from '../../../test/support/ldap.ts';
import { Directory, DirectoryUnavailableError, sameDn, type DirectorySettings } from './directory.ts';

const skip = directorySkip();
const dirs = testDirectories!;

const BASE = 'dc=corp,dc=test';
const settings = (over: Partial<DirectorySettings> = {}): DirectorySettings => ({
  url: dirs.normal.url,
  caPem: dirs.normal.caPem,
  serverName: '127.0.0.1',
  bindDn: `cn=svc-kyc,ou=service,${BASE}`,
  bindPassword: 'svc-secret',
  userBase: `ou=people,${BASE}`,
  timeoutMs: 5000,
  ...over,
});
const adEmulating = (over: Partial<DirectorySettings> = {}) =>
  settings({
    url: dirs.adEmulating.url,
    caPem: dirs.adEmulating.caPem,
    ...over,
  });

describe('directory sign-in against OpenLDAP shaped like Active Directory', { skip }, () => {
  it('StartTLS: the right password signs alice in, with her groups, after a "who am I" check', async () => {
    const r = await new Directory(settings()).authenticate('alice', 'Alice-Passw0rd-long');
    assert.ok(r.ok, JSON.stringify(r));
    assert.ok(sameDn(r.user.dn, `uid=alice,ou=people,${BASE}`));
    assert.equal(r.user.username, 'alice');
    assert.deepEqual(
      r.user.groups.map((g) => g.toLowerCase()),
      [`cn=kyc-analysts,ou=groups,${BASE}`],
    );
    assert.equal(r.user.disabled, false);
  });

  it('LDAPS: bob signs in by user principal name, with both groups', async () => {
    const r = await new Directory(settings({ url: dirs.normal.ldapsUrl! })).authenticate(
      'bob@corp.test',
      'Bob-Passw0rd-long',
    );
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(r.user.groups.length, 2);
  });

  it('a certificate from another CA, or for another name, is refused before any bind (StartTLS and LDAPS)', async () => {
    const otherCa = dirs.adEmulating.caPem;
    for (const url of [dirs.normal.url, dirs.normal.ldapsUrl!]) {
      await assert.rejects(
        new Directory(settings({ url, caPem: otherCa })).authenticate('alice', 'Alice-Passw0rd-long'),
        DirectoryUnavailableError,
        url,
      );
      await assert.rejects(
        new Directory(settings({ url, serverName: 'directory.example.org' })).authenticate(
          'alice',
          'Alice-Passw0rd-long',
        ),
        DirectoryUnavailableError,
        url,
      );
    }
  });

  it('a wrong password, an unknown user and filter injection are refused', async () => {
    const d = new Directory(settings());
    assert.deepEqual(await d.authenticate('alice', 'wrong'), { ok: false, reason: 'wrong_password' });
    assert.deepEqual(await d.authenticate('mallory', 'whatever'), { ok: false, reason: 'unknown_user' });
    for (const attack of ['*', 'alice)(uid=*', '*)(|(uid=*', 'al*', 'alice\\00'])
      assert.equal((await d.authenticate(attack, 'Alice-Passw0rd-long')).ok, false, attack);
  });

  it('an empty password never binds, even where the server treats it as an anonymous success', async () => {
    // The emulating server does accept "alice's DN + empty password" (as Active Directory does)...
    const raw = new Client({ url: dirs.adEmulating.url });
    await raw.bind(`uid=alice,ou=people,${BASE}`, '');
    await raw.unbind();
    // ...and the directory client refuses before asking it.
    for (const d of [new Directory(adEmulating()), new Directory(settings())]) {
      for (const pw of ['', ' ', '\t'])
        assert.deepEqual(await d.authenticate('alice', pw), { ok: false, reason: 'empty_password' });
    }
    assert.ok((await new Directory(adEmulating()).authenticate('alice', 'Alice-Passw0rd-long')).ok);
  });

  it('a disabled account (userAccountControl 0x2) is refused even with the right password', async () => {
    assert.deepEqual(await new Directory(settings()).authenticate('carol', 'Carol-Passw0rd-long'), {
      ok: false,
      reason: 'disabled',
    });
  });

  it('lists every user with groups and disabled flag (for sync), and finds one by name', async () => {
    const d = new Directory(settings());
    const users = await d.listUsers();
    const byName = new Map(users.map((u) => [u.username, u]));
    // Other test files add (and remove) their own users meanwhile: the fixed three must be there.
    for (const name of ['alice', 'bob', 'carol']) assert.ok(byName.has(name), name);
    assert.match(byName.get('alice')!.id ?? '', /^uuid:[0-9a-f-]{36}$/);
    assert.match(byName.get('alice')!.changedAt ?? '', /^\d{14}Z$/);
    assert.equal(byName.get('carol')!.disabled, true);
    assert.equal((await d.findUser('bob'))?.groups.length, 2);
    assert.equal(await d.findUser('*'), null);
  });

  it('a wrong service-account password is "directory unavailable", not a user failure', async () => {
    await assert.rejects(
      new Directory(settings({ bindPassword: 'nope' })).authenticate('alice', 'Alice-Passw0rd-long'),
      DirectoryUnavailableError,
    );
  });
});

describe('DN comparison', () => {
  it('ignores case and spaces around separators', () => {
    assert.ok(sameDn('UID=alice, OU=People,dc=corp,dc=test', 'uid=alice,ou=people,dc=corp,dc=test'));
    assert.ok(!sameDn('uid=alice,ou=people,dc=corp,dc=test', 'uid=alice2,ou=people,dc=corp,dc=test'));
  });
});
