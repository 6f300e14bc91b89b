import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../config.ts';
import { blockDelayStreak, bindCapOf } from './directory.config.ts';

const dir = mkdtempSync(join(tmpdir(), 'dossier-dircfg-'));
const ca = join(dir, 'ca.pem');
writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');

function load(
  directory: Record<string, unknown> | null,
  extra: Record<string, unknown> = {},
  role?: 'portal',
) {
  const file = join(dir, `c${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      ...extra,
      ...(directory
        ? {
            directory: {
              url: 'ldap://dc.corp.test',
              caFile: ca,
              bindDn: 'cn=svc,dc=corp,dc=test',
              userBase: 'ou=people,dc=corp,dc=test',
              lockoutThreshold: 5,
              lockoutWindowMinutes: 30,
              ...directory,
            },
          }
        : {}),
    }),
  );
  return loadConfig(
    { DOSSIER_DATA_DIR: dir, DOSSIER_CONFIG: file, DOSSIER_DIRECTORY_BIND_PASSWORD: 'secret' },
    '/',
    role,
  );
}

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('directory configuration', () => {
  it('absent: off; present: the password from its variable, the CA resolved', () => {
    const cfg = load({});
    assert.equal(cfg.directory?.bindPassword, 'secret');
    assert.equal(cfg.directory?.caFile, ca);
    assert.equal(loadConfig({ DOSSIER_DATA_DIR: dir }, '/').directory, undefined);
  });

  it('refuses plain ldap:// without StartTLS, a missing or non-PEM CA, and other schemes', () => {
    assert.match(problems(() => load({ startTls: false })).join('\n'), /directory\.startTls/);
    assert.deepEqual(
      problems(() => load({ url: 'ldaps://dc.corp.test:636', startTls: false })),
      [],
    );
    assert.match(problems(() => load({ caFile: join(dir, 'missing.pem') })).join('\n'), /CA file is missing/);
    const notPem = join(dir, 'not.pem');
    writeFileSync(notPem, 'hello');
    assert.match(problems(() => load({ caFile: notPem })).join('\n'), /not a PEM/);
    assert.ok(problems(() => load({ url: 'http://dc.corp.test' })).length > 0);
    assert.ok(problems(() => load({ caFile: undefined })).length > 0);
  });

  it('refuses a cap of failed binds that would reach the domain threshold, and a threshold below 2', () => {
    assert.match(problems(() => load({ maxFailedBinds: 5 })).join('\n'), /directory\.maxFailedBinds/);
    assert.match(problems(() => load({ maxFailedBinds: 9 })).join('\n'), /directory\.maxFailedBinds/);
    assert.deepEqual(
      problems(() => load({ maxFailedBinds: 4 })),
      [],
    );
    assert.ok(problems(() => load({ lockoutThreshold: 1 })).length > 0);
    assert.equal(bindCapOf({ lockoutThreshold: 5 }), 3);
    assert.equal(bindCapOf({ lockoutThreshold: 2 }), 1);
    assert.equal(bindCapOf({ lockoutThreshold: 3 }), 1);
  });

  it('the portal is never given the directory settings', () => {
    assert.match(problems(() => load({}, {}, 'portal')).join('\n'), /portal must not be given the directory/);
  });

  it('block-delay arithmetic: failures in one Active Directory streak', () => {
    // Defaults: 10 free, then 30 s doubling to 15 min: never a gap of 30 min, so unbounded alone.
    assert.equal(
      blockDelayStreak(
        { freeAttempts: 10, baseDelayMs: 30_000, factor: 2, maxDelayMs: 15 * 60_000 },
        30 * 60_000,
      ),
      Infinity,
    );
    // 3 free, then 10, 20, 40 min: the third failure's delay (40 min) breaks a 30-minute window.
    assert.equal(
      blockDelayStreak(
        { freeAttempts: 3, baseDelayMs: 10 * 60_000, factor: 2, maxDelayMs: 60 * 60_000 },
        30 * 60_000,
      ),
      5,
    );
  });
});
