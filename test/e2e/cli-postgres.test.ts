/**
 * The same CLI on PostgreSQL, as an operator runs it in production: init against an empty
 * database, then two internal servers started at the same moment (the migration lock keeps them
 * from racing), both serving the same data.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { createEmptyDatabase, postgresAvailable, type TestDatabase } from '../support/db.ts';
import { cliEnv, freePort, runCli, startCli, stopChild } from '../support/cli.ts';

function get(url: string, ca: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, headers: { authorization: `Bearer ${token}` } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

describe(
  'dossier CLI [postgres]',
  { skip: !postgresAvailable && 'no PostgreSQL (DOSSIER_TEST_DATABASE_URL)' },
  () => {
    let db: TestDatabase;
    const dataDir = join(mkdtempSync(join(tmpdir(), 'dossier-clipg-')), 'data');
    before(async () => {
      db = await createEmptyDatabase('postgres');
    });
    after(() => db?.dispose());

    const baseEnv = () => ({
      DOSSIER_DATA_DIR: dataDir,
      DOSSIER_DATABASE_URL: db.url!,
      DOSSIER_LOG_LEVEL: 'warn',
    });

    it('init on an empty database, then two servers starting together both serve', async () => {
      const base = baseEnv();
      const init = await runCli(['init'], cliEnv(base));
      assert.equal(init.code, 0, init.stderr);
      const token = /(dsk_[0-9a-f]{16}_[A-Za-z0-9_-]{43})/.exec(init.stdout)![1]!;
      assert.equal((await runCli(['seed', 'demo'], cliEnv(base))).code, 0);

      const envs = await Promise.all(
        [0, 1].map(async () =>
          cliEnv({
            ...base,
            DOSSIER_INTERNAL_PORT: String(await freePort()),
            DOSSIER_LINK_PORT: String(await freePort()),
          }),
        ),
      );
      const servers = await Promise.all(
        envs.map((env) => startCli(['serve', 'internal'], env, /Internal API listening on (\S+);/)),
      );
      try {
        const ca = readFileSync(join(dataDir, 'pki', 'ca.crt'), 'utf8');
        for (const s of servers) {
          const url = /Internal API listening on (\S+);/.exec(s.stdout())![1]!;
          assert.equal(await get(`${url}/api/v1/applications`, ca, token), 200);
        }
      } finally {
        for (const s of servers) assert.equal(await stopChild(s.child), 0);
      }
    });

    it('a worker process runs the monitoring jobs; the embedded database refuses a worker', async () => {
      const base = baseEnv();
      const fixture = fileURLToPath(new URL('../fixtures/lists/un_consolidated.xml', import.meta.url));
      const imported = await runCli(['lists', 'import', 'un-xml', fixture], cliEnv(base));
      assert.equal(imported.code, 0, imported.stderr);
      const jobs = () => db.db.selectFrom('screening_jobs').select(['kind', 'status']).execute();
      assert.ok((await jobs()).some((j) => j.kind === 'reverse_screen' && j.status === 'pending'));
      const worker = await startCli(
        ['serve', 'worker'],
        cliEnv({ ...base, DOSSIER_JOBS_IN_SERVER: 'false' }),
        /Worker running/,
      );
      try {
        const end = Date.now() + 30_000;
        while ((await jobs()).some((j) => j.status !== 'done') && Date.now() < end)
          await new Promise((r) => setTimeout(r, 200));
        assert.ok(
          (await jobs()).every((j) => j.status === 'done'),
          JSON.stringify(await jobs()),
        );
      } finally {
        assert.equal(await stopChild(worker.child), 0);
      }
      const embedded = await runCli(
        ['serve', 'worker'],
        cliEnv({
          DOSSIER_DATA_DIR: join(mkdtempSync(join(tmpdir(), 'dossier-w-')), 'data'),
          DOSSIER_LOG_LEVEL: 'warn',
        }),
      );
      assert.notEqual(embedded.code, 0);
      assert.match(embedded.stderr, /needs PostgreSQL/);
    });
  },
);
