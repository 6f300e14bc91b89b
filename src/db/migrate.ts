/**
 * Applies the timestamped raw-SQL migrations in src/db/migrations, in order, each in its own
 * transaction, under a lock so that servers starting together cannot race. A migration already
 * applied whose file has since changed is refused: history is never rewritten silently.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { sql } from 'kysely';
import type { Database } from './connect.ts';

const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url);
const FILE_PATTERN = /^(\d{14})_([a-z0-9_]+)\.sql$/;

export interface Migration {
  version: string;
  name: string;
  sql: string;
  checksum: string;
}

/** The migrations shipped with this build, oldest first. */
export function listMigrations(dir: URL = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((file) => {
      const m = FILE_PATTERN.exec(file);
      if (!m) throw new Error(`migration file name must be <yyyymmddhhmmss>_<name>.sql: ${file}`);
      const text = readFileSync(new URL(file, dir), 'utf8');
      return {
        version: m[1]!,
        name: m[2]!,
        sql: text,
        checksum: createHash('sha256').update(text).digest('hex'),
      };
    });
}

export interface MigrateResult {
  applied: string[];
  alreadyApplied: number;
}

export async function migrate(
  database: Database,
  migrations: Migration[] = listMigrations(),
): Promise<MigrateResult> {
  return database.withLock('dossier.migrate', async () => {
    await sql`CREATE TABLE IF NOT EXISTS schema_migrations (
      version text PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`.execute(
      database.db,
    );
    const rows = await sql<{
      version: string;
      checksum: string;
    }>`SELECT version, checksum FROM schema_migrations`.execute(database.db);
    const done = new Map(rows.rows.map((r) => [r.version, r.checksum]));
    const known = new Set(migrations.map((m) => m.version));
    for (const version of done.keys()) {
      if (!known.has(version))
        throw new Error(
          `database has migration ${version} that this build does not know: refusing to run an older build`,
        );
    }
    const applied: string[] = [];
    for (const m of migrations) {
      const sum = done.get(m.version);
      if (sum !== undefined) {
        if (sum !== m.checksum)
          throw new Error(`migration ${m.version}_${m.name} changed after it was applied`);
        continue;
      }
      await database.runScript(m.sql, async (q) => {
        await q('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
          m.version,
          m.name,
          m.checksum,
        ]);
      });
      applied.push(`${m.version}_${m.name}`);
    }
    return { applied, alreadyApplied: done.size };
  });
}
