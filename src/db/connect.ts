/**
 * Opens the database: PostgreSQL (pg pool) when a URL is given, otherwise the embedded PGlite under
 * `<dataDir>/db`, guarded by a lock file so that two processes never open the same files.
 */
import { createHash } from 'node:crypto';
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
  /**
   * Subscribes to a notification channel. `onState(true)` once the subscription is live, `false`
   * whenever it is lost (notifications may have been missed); on PostgreSQL a lost listener
   * reconnects by itself. Returns an unsubscribe function.
   */
  listen(
    channel: string,
    onMessage: (payload: string) => void,
    onState: (live: boolean) => void,
  ): Promise<() => Promise<void>>;
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

/**
 * Parameterised data statements run as named prepared statements, so PostgreSQL parses and plans each
 * distinct query text once per connection instead of on every execution. The set of names is
 * bounded: past the cap, new texts run unnamed as before. (A migration that changes a table's row
 * type invalidates plans; servers run migrations before they serve.)
 */
const MAX_PREPARED = 1000;
const preparedNames = new Map<string, string>();
const PREPARABLE = /^\s*(select|insert|update|delete|with)\b/i;

function statementName(text: string): string | null {
  let name = preparedNames.get(text);
  if (name) return name;
  if (preparedNames.size >= MAX_PREPARED || !PREPARABLE.test(text)) return null;
  name = `d_${createHash('sha256').update(text).digest('base64url').slice(0, 24)}`;
  preparedNames.set(text, name);
  return name;
}

function prepareByDefault(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as { query: unknown }).query = (text: unknown, values?: unknown, ...rest: unknown[]) => {
    if (typeof text === 'string' && Array.isArray(values) && values.length > 0 && rest.length === 0) {
      const name = statementName(text);
      if (name) return query({ name, text, values });
    }
    return query(text, values, ...rest);
  };
}

async function openPostgres(url: string, options: OpenOptions): Promise<Database> {
  const ssl = options.caPem ? { ca: options.caPem, rejectUnauthorized: true } : undefined;
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 20, ssl });
  pool.on('error', () => {
    // An idle client lost its connection; the pool replaces it. Queries in flight report their own error.
  });
  pool.on('connect', prepareByDefault);
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
    async listen(channel, onMessage, onState) {
      return listenPostgres(url, ssl, channel, onMessage, onState);
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
    async listen(channel, onMessage, onState) {
      const unlisten = await pglite.listen(channel, onMessage);
      onState(true);
      return async () => {
        onState(false);
        if (!pglite.closed) await unlisten();
      };
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

/** A dedicated connection that LISTENs, reconnecting with backoff; `onState` tracks whether it is live. */
async function listenPostgres(
  url: string,
  ssl: pg.ClientConfig['ssl'],
  channel: string,
  onMessage: (payload: string) => void,
  onState: (live: boolean) => void,
): Promise<() => Promise<void>> {
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`bad channel name ${channel}`);
  let stopped = false;
  let client: pg.Client | null = null;
  let retry: NodeJS.Timeout | null = null;
  let delay = 100;
  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: url, ssl });
    c.on('notification', (n) => {
      if (n.channel === channel) onMessage(n.payload ?? '');
    });
    c.on('error', () => lost(c));
    c.on('end', () => lost(c));
    await c.connect();
    await c.query(`LISTEN ${channel}`);
    if (stopped) return void (await c.end());
    client = c;
    delay = 100;
    onState(true);
  };
  const lost = (c: pg.Client) => {
    if (client !== c) return;
    client = null;
    onState(false);
    c.end().catch(() => undefined);
    schedule();
  };
  const schedule = () => {
    if (stopped || retry) return;
    retry = setTimeout(() => {
      retry = null;
      connect().catch(() => schedule());
    }, delay);
    retry.unref();
    delay = Math.min(delay * 2, 10_000);
  };
  await connect();
  return async () => {
    stopped = true;
    if (retry) clearTimeout(retry);
    const c = client;
    client = null;
    onState(false);
    await c?.end().catch(() => undefined);
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
