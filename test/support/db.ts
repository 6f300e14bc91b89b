/**
 * Database tier support: every database test runs on PGlite, and also on PostgreSQL when
 * DOSSIER_TEST_DATABASE_URL names a server (an admin URL; each suite gets its own fresh database).
 * With DOSSIER_TEST_REQUIRE_POSTGRES=1 (CI) a missing PostgreSQL fails instead of skipping.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database, type DbKind } from '../../src/db/connect.ts';
import { migrate } from '../../src/db/migrate.ts';

export interface TestBackend {
  kind: DbKind;
  /** A fresh, migrated database. */
  open(): Promise<TestDatabase>;
}

export interface TestDatabase extends Database {
  /** Closes and, for PostgreSQL, drops the database. */
  dispose(): Promise<void>;
  /** PostgreSQL only: a superuser-capable URL of this database (to tamper with rows in tests). */
  url: string | null;
}

const adminUrl = process.env['DOSSIER_TEST_DATABASE_URL'];
const requirePg = process.env['DOSSIER_TEST_REQUIRE_POSTGRES'] === '1';
if (requirePg && !adminUrl)
  throw new Error('DOSSIER_TEST_REQUIRE_POSTGRES=1 but DOSSIER_TEST_DATABASE_URL is not set');

/** A fresh, empty (unmigrated) database. */
export async function createEmptyDatabase(kind: DbKind): Promise<TestDatabase> {
  if (kind === 'pglite') {
    const db = await openDatabase({ memory: true });
    return Object.assign(db, { url: null, dispose: () => db.close() });
  }
  const name = `dossier_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl!);
  url.pathname = `/${name}`;
  const db = await openDatabase({ url: url.toString(), poolSize: 10 });
  return Object.assign(db, {
    url: url.toString(),
    async dispose() {
      await db.close();
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  });
}

export const backends: TestBackend[] = [
  { kind: 'pglite', open: () => openMigrated('pglite') },
  ...(adminUrl ? [{ kind: 'postgres' as const, open: () => openMigrated('postgres') }] : []),
];

async function openMigrated(kind: DbKind): Promise<TestDatabase> {
  const db = await createEmptyDatabase(kind);
  await migrate(db);
  return db;
}

export const postgresAvailable = Boolean(adminUrl);
