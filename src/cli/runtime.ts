/** What every CLI command shares: configuration, logging, the database, the key ring, a system Ctx. */
import type { Database } from '../db/connect.ts';
import { migrate } from '../db/migrate.ts';
import { ConfigError, loadConfig, type Config, type ServerRole } from '../platform/config.ts';
import { createCtx, type Ctx } from '../platform/context.ts';
import { loadKeyring, type Keyring } from '../platform/crypto/keyring.ts';
import { ALL_RIGHTS } from '../modules/access/rights.ts';
import { openConfiguredDatabase } from '../servers/internal/main.ts';

/** A failure the CLI reports as one line and a non-zero exit code, without a stack. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.exitCode = exitCode;
  }
}

export function config(role: ServerRole = 'internal'): Config {
  try {
    return loadConfig(process.env, process.cwd(), role);
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(err.message, 2);
    throw err;
  }
}

export function keyring(cfg: Config): Keyring {
  try {
    return loadKeyring({ inline: cfg.keyring, file: cfg.keyringFile });
  } catch (err) {
    throw new CliError(
      `cannot load the key ring (${cfg.keyring ? 'DOSSIER_KEYRING' : cfg.keyringFile}): ${(err as Error).message}. Run "dossier init" first.`,
    );
  }
}

/** The operator at the console: the host account that can read the key ring holds every right. */
export function systemCtx(database: Database, ring: Keyring): Ctx {
  return createCtx({
    db: database.db,
    keyring: ring,
    actor: { kind: 'system', label: 'cli', rights: new Set(ALL_RIGHTS) },
  });
}

/** Opens and migrates the configured database, runs `fn`, always closes. */
export async function withDatabase<T>(cfg: Config, fn: (database: Database) => Promise<T>): Promise<T> {
  const database = await openConfiguredDatabase(cfg);
  try {
    await migrate(database);
    return await fn(database);
  } finally {
    await database.close();
  }
}
