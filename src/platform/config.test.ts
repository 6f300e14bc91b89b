import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { authPasswordMinLength, ConfigError, loadConfig } from './config.ts';

const dir = mkdtempSync(join(tmpdir(), 'dossier-config-'));

function problemsOf(env: Record<string, string>, role?: 'internal' | 'portal'): string[] {
  try {
    loadConfig(env, dir, role);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('config', () => {
  it('has safe development defaults and resolves files under the data dir', () => {
    const cfg = loadConfig({}, dir);
    assert.equal(cfg.profile, 'development');
    assert.equal(cfg.dataDir, join(dir, 'data'));
    assert.equal(cfg.keyringFile, join(dir, 'data', 'keyring.json'));
    assert.equal(cfg.internal.tls, true);
    assert.equal(cfg.trustProxy, false);
    assert.ok(Object.isFrozen(cfg) && Object.isFrozen(cfg.internal.link));
  });

  it('reads environment over the config file over defaults', () => {
    const file = join(dir, 'dossier.json');
    writeFileSync(file, JSON.stringify({ internal: { port: 9000 }, logLevel: 'warn' }));
    const cfg = loadConfig(
      { DOSSIER_CONFIG: file, DOSSIER_INTERNAL_PORT: '9100', DOSSIER_TRUST_PROXY: '10.0.0.1, 10.0.0.2' },
      dir,
    );
    assert.equal(cfg.internal.port, 9100);
    assert.equal(cfg.logLevel, 'warn');
    assert.deepEqual(cfg.trustProxy, ['10.0.0.1', '10.0.0.2']);
  });

  it('names every bad setting: wrong types, unknown variables, unknown file keys', () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ internal: { prot: 1 } }));
    const problems = problemsOf({
      DOSSIER_CONFIG: file,
      DOSSIER_INTERNAL_PORT: 'eighty',
      DOSSIER_INTRENAL_TLS: 'false',
    });
    assert.ok(
      problems.some((p) => p.startsWith('DOSSIER_INTERNAL_PORT')),
      problems.join('\n'),
    );
    assert.ok(
      problems.some((p) => p.startsWith('DOSSIER_INTRENAL_TLS: unknown setting')),
      problems.join('\n'),
    );
    assert.equal(problemsOf({ DOSSIER_PROFILE: 'staging' }).length, 1);
    assert.deepEqual(problemsOf({ DOSSIER_CONFIG: join(dir, 'missing.json') }).length, 1);
  });

  it('production refuses plain HTTP, the console SMS transport, trustProxy true, no key ring, no PostgreSQL', () => {
    const problems = problemsOf({
      DOSSIER_PROFILE: 'production',
      DOSSIER_INTERNAL_TLS: 'false',
      DOSSIER_PORTAL_TLS: 'false',
      DOSSIER_TRUST_PROXY: 'true',
    });
    const text = problems.join('\n');
    for (const setting of [
      'DOSSIER_INTERNAL_TLS',
      'DOSSIER_SMS_TRANSPORT',
      'DOSSIER_MAIL_TRANSPORT',
      'DOSSIER_TRUST_PROXY',
      'DOSSIER_KEYRING_FILE',
      'DOSSIER_DATABASE_URL',
    ]) {
      assert.ok(text.includes(setting), `${setting} not named in:\n${text}`);
    }
    assert.throws(
      () => loadConfig({ DOSSIER_PROFILE: 'production' }, dir),
      (err: Error) => err.message.includes('key ring missing'),
    );
  });

  it('production starts with safe settings; the portal role needs neither key ring nor database', () => {
    const ring = join(dir, 'ring.json');
    writeFileSync(ring, '{}');
    const file = join(dir, 'production.json');
    writeFileSync(
      file,
      JSON.stringify({
        sms: { transport: 'webhook', url: 'https://sms.example/hook', secret: 'x'.repeat(32) },
        mail: { transport: 'smtp', host: 'smtp.example', from: 'dossier@firm.example' },
      }),
    );
    const safe = {
      DOSSIER_PROFILE: 'production',
      DOSSIER_CONFIG: file,
      DOSSIER_KEYRING_FILE: ring,
      DOSSIER_DATABASE_URL: 'postgres://dossier@db.example/dossier',
      DOSSIER_TRUST_PROXY: '192.0.2.10',
    };
    assert.deepEqual(problemsOf(safe), []);
    assert.deepEqual(problemsOf({ DOSSIER_PROFILE: 'production' }, 'portal'), []);
    assert.ok(
      problemsOf({ DOSSIER_PROFILE: 'production', DOSSIER_PORTAL_TLS: 'false' }, 'portal')[0]!.startsWith(
        'DOSSIER_PORTAL_TLS',
      ),
    );
    assert.ok(
      problemsOf({ DOSSIER_PROFILE: 'production', DOSSIER_TRUST_PROXY: 'true' }, 'portal')[0]!.startsWith(
        'DOSSIER_TRUST_PROXY',
      ),
    );
  });

  it('the portal refuses to start with the database URL or the key ring, in any profile', () => {
    const problems = problemsOf(
      { DOSSIER_DATABASE_URL: 'postgres://dossier@db.example/dossier', DOSSIER_KEYRING: 'x'.repeat(40) },
      'portal',
    );
    assert.ok(
      problems.some((p) => p.startsWith('DOSSIER_DATABASE_URL') && p.includes('portal')),
      problems.join('; '),
    );
    assert.ok(
      problems.some((p) => p.startsWith('DOSSIER_KEYRING') && p.includes('portal')),
      problems.join('; '),
    );
    assert.deepEqual(problemsOf({ DOSSIER_DATABASE_URL: 'postgres://dossier@db.example/dossier' }), []);
  });

  it('the password minimum follows the second-factor policy and can only be raised', () => {
    assert.equal(authPasswordMinLength(loadConfig({}, dir)), 8);
    assert.equal(authPasswordMinLength(loadConfig({ DOSSIER_TRUSTED_NETWORK_SKIP: 'true' }, dir)), 15);
    const file = join(dir, 'minlength.json');
    writeFileSync(file, JSON.stringify({ auth: { password: { minLength: 12 } } }));
    assert.equal(authPasswordMinLength(loadConfig({ DOSSIER_CONFIG: file }, dir)), 12);
    assert.equal(
      authPasswordMinLength(loadConfig({ DOSSIER_CONFIG: file, DOSSIER_TRUSTED_NETWORK_SKIP: 'true' }, dir)),
      15,
    );
  });

  it('refuses argon2 parameters below the floor, unknown sms transports and plain-http links in production', () => {
    const file = join(dir, 'weak.json');
    writeFileSync(
      file,
      JSON.stringify({ auth: { argon2: { memoryKiB: 4096, timeCost: 1, parallelism: 1 } } }),
    );
    const text = problemsOf({ DOSSIER_CONFIG: file }).join('\n');
    assert.match(text, /auth\.argon2\.memoryKiB/);
    assert.ok(problemsOf({ DOSSIER_SMS_TRANSPORT: 'http' }).length > 0);
    assert.ok(
      problemsOf({ DOSSIER_PROFILE: 'production', DOSSIER_PUBLIC_URL: 'http://dossier.example' }).some((p) =>
        p.startsWith('DOSSIER_PUBLIC_URL'),
      ),
    );
  });
});
