/**
 * `dossier directory check` and `dossier directory sync` as an operator runs them, against the
 * real test directory: the check names the transport and the service account, a wrong CA is a
 * clear error with exit 1, and a sync creates the members of a mapped group (the test's own).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cliEnv, runCli } from '../support/cli.ts';
import {
  addGroup,
  addUser,
  cleanup,
  directoryEnv,
  entries,
  unique,
  type TestEntries,
} from '../support/directory.ts';
import { directorySkip, testDirectories } from '../support/ldap.ts';
import { openDatabase } from '../../src/db/connect.ts';

describe('dossier directory (CLI)', { skip: directorySkip(), timeout: 180_000 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'dossier-cli-dir-'));
  let e: TestEntries;
  let env: NodeJS.ProcessEnv;
  const id = unique();
  let group: string;

  before(async () => {
    e = entries(testDirectories!.normal);
    const dn = await addUser(e, { uid: `dz${id}cli`, password: 'Directory-Passw0rd-long' });
    group = await addGroup(e, `dz${id}-cli`, [dn]);
    env = cliEnv({ DOSSIER_DATA_DIR: dataDir, ...directoryEnv(testDirectories!.normal) });
  });
  after(async () => {
    await cleanup(e);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('check: TLS with the configured CA, the service account, the user base', async () => {
    const r = await runCli(['directory', 'check'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Connected over StartTLS/);
    assert.match(r.stdout, /Service account cn=svc-kyc,ou=service,dc=corp,dc=test: bound/);
    assert.match(r.stdout, /Failed binds allowed per account: 3 per 30 min \(domain locks at 5\)/);
    assert.ok(!r.stdout.includes('svc-secret'));
  });

  it('check with a CA that did not sign the directory certificate: exit 1, a clear error', async () => {
    const wrong = cliEnv({
      DOSSIER_DATA_DIR: dataDir,
      ...directoryEnv(testDirectories!.normal, {}, testDirectories!.adEmulating.caPem),
    });
    const r = await runCli(['directory', 'check'], wrong);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /the directory cannot be used: StartTLS failed/);
  });

  it('sync --full creates the members of a mapped group', async () => {
    assert.equal((await runCli(['init'], env)).code, 0);
    const database = await openDatabase({ dataDir, poolSize: 1 });
    try {
      await database.db
        .insertInto('directory_group_mappings')
        .values({
          id: '00000000-0000-4000-8000-0000000000d1',
          group_dn: group,
          role_id: 'd0551e40-0000-4000-8000-000000000003',
          created_at: new Date(),
          created_by: 'test',
        })
        .execute();
    } finally {
      await database.close();
    }
    const r = await runCli(['directory', 'sync', '--full'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Sync full succeeded: 1 seen, 1 created/);
    const again = await runCli(['directory', 'sync'], env);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /Sync changed succeeded/);
  });
});
