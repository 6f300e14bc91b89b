/** What the benchmarks share: the PostgreSQL URL, a throw-away database, medians. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DocumentServices } from '../src/modules/documents/index.ts';
import type { Config } from '../src/platform/config.ts';
import { createDocumentServices } from '../src/servers/internal/document-services.ts';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from '../src/db/connect.ts';
import { migrate } from '../src/db/migrate.ts';

/** DOSSIER_BENCH_DATABASE_URL, else the test suite's, else the local default: a role that may create databases. */
export const PG_URL =
  process.env['DOSSIER_BENCH_DATABASE_URL'] ??
  process.env['DOSSIER_TEST_DATABASE_URL'] ??
  'postgres://dossier:dossier@127.0.0.1:5432/postgres';

/**
 * A migrated database for one benchmark server: PGlite in memory, or a fresh PostgreSQL database
 * that `drop` removes afterwards.
 */
export async function openBenchDatabase(
  backend: 'pglite' | 'postgres',
): Promise<{ database: Database; drop: (() => Promise<void>) | null }> {
  if (backend === 'pglite') {
    const database = await openDatabase({ memory: true });
    await migrate(database);
    return { database, drop: null };
  }
  const name = `dossier_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  const database = await openDatabase({
    url: url.toString(),
    poolSize: Number(process.env['DOSSIER_BENCH_POOL'] ?? 10),
  });
  await migrate(database);
  const drop = async () => {
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.end();
  };
  return { database, drop };
}

export async function postgresReachable(): Promise<boolean> {
  const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Document services for a benchmark server: a throw-away blob store directory; the scanner is never
 * reached by the API benchmarks.
 */
export function benchDocumentServices(config: Config): DocumentServices {
  return createDocumentServices(config, { storageDir: mkdtempSync(join(tmpdir(), 'dossier-bench-docs-')) });
}
