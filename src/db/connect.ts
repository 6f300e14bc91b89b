/**
 * Opens the database: PostgreSQL (pg pool) when a URL is given, otherwise the embedded PGlite under
 * `<dataDir>/db`, guarded by a lock file so that two processes never open the same files.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { DB } from './types.ts';

export type DbKind = 'postgres' | 'pglite';

/** An open database: the Kysely handle plus what migrations and shutdown need. */
export interface Database {
  readonly db: Kysely<DB>;
  readonly kind: DbKind;
  /** Runs a multi-statement SQL script in one transaction, then `after` in the same transaction. */
  runScript(
    script: string,
    after: (q: (sql: string, params: unknown[]) => Promise<unknown>) => Promise<void>,
  ): Promise<void>;
  /** Runs `fn` while holding a cluster-wide advisory lock (PostgreSQL) or the process lock (PGlite). */
  withLock<T>(key: string, fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** PostgreSQL connection URL; when absent the embedded database is used. */
  url?: string | undefined;
  /** Data directory for the embedded database. Ignored with a URL. */
  dataDir?: string | undefined;
  /** In-memory embedded database (tests). */
  memory?: boolean;
  poolSize?: number;
  /** PEM CA bundle that must have signed the PostgreSQL server certificate. */
  caPem?: string | undefined;
}

const DATE_OID = 1082;
const INT8_OID = 20;

// Dates stay ISO strings (no timezone shift); bigint (audit seq) stays a string.
pg.types.setTypeParser(DATE_OID, (v: string) => v);
pg.types.setTypeParser(INT8_OID, (v: string) => v);

export async function openDatabase(options: OpenOptions): Promise<Database> {
  return options.url ? openPostgres(options.url, options) : openPglite(options);
}

function lockKey(key: string): string {
  // A stable 63-bit key from the name, computed by the server itself.
  return `hashtextextended('${key.replaceAll("'", "''")}', 0)`;
}

async function openPostgres(url: string, options: OpenOptions): Promise<Database> {
  const ssl = options.caPem ? { ca: options.caPem, rejectUnauthorized: true } : undefined;
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 20, ssl });
  pool.on('error', () => {
    // An idle client lost its connection; the pool replaces it. Queries in flight report their own error.
  });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    kind: 'postgres',
    async runScript(script, after) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query(script);
        await after((sql, params) => client.query(sql, params));
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    async withLock(key, fn) {
      const client = await pool.connect();
      try {
        await client.query(`SELECT pg_advisory_lock(${lockKey(key)})`);
        try {
          return await fn();
        } finally {
          await client.query(`SELECT pg_advisory_unlock(${lockKey(key)})`);
        }
      } finally {
        client.release();
      }
    },
    async close() {
      await db.destroy();
    },
  };
}

async function openPglite(options: OpenOptions): Promise<Database> {
  let release = () => {};
  let dataDir: string | undefined;
  if (!options.memory) {
    if (!options.dataDir) throw new Error('dataDir is required for the embedded database');
    mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
    dataDir = join(options.dataDir, 'db');
    release = acquireLockFile(join(options.dataDir, 'db.lock'));
  }
  let pglite: PGlite;
  try {
    pglite = await PGlite.create({
      dataDir,
      parsers: { [DATE_OID]: (v: string) => v, [INT8_OID]: (v: string) => v },
    });
  } catch (err) {
    release();
    throw err;
  }
  const db = new Kysely<DB>({ dialect: new PGliteDialect({ pglite }) });
  // One embedded instance serves one process; a promise chain orders scripts and locked sections.
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = chain.then(fn, fn);
    chain = next.catch(() => undefined);
    return next;
  };
  return {
    db,
    kind: 'pglite',
    runScript(script, after) {
      return pglite.transaction(async (tx) => {
        await tx.exec(script);
        await after((sql, params) => tx.query(sql, params));
      });
    },
    withLock(_key, fn) {
      return serial(fn);
    },
    async close() {
      try {
        await db.destroy();
      } finally {
        if (!pglite.closed) await pglite.close().catch(() => undefined);
        release();
      }
    },
  };
}

/** An exclusive lock file holding our pid; a stale one (dead pid) is taken over. */
function acquireLockFile(path: string): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(readFileSync(path, 'utf8').trim());
      if (pid && isAlive(pid)) {
        throw new Error(`the embedded database is in use by process ${pid} (lock file ${path})`, {
          cause: err,
        });
      }
      rmSync(path, { force: true });
    }
  }
  throw new Error(`cannot lock the embedded database (${path})`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
