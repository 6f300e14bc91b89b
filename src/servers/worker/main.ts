/**
 * The worker: background jobs (ongoing screening: reverse screening after list updates, rescreens
 * after subject changes, periodic rescreens) in a process of their own, so the internal server's
 * request latency does not carry them. Several workers share the jobs through the database
 * (SKIP LOCKED). Only with PostgreSQL: the embedded database belongs to one process, and there the
 * internal server runs the jobs itself (`jobs.inServer`).
 */
import type { Logger } from 'pino';
import { migrate } from '../../db/migrate.ts';
import type { Config } from '../../platform/config.ts';
import { loadKeyring } from '../../platform/crypto/keyring.ts';
import { openConfiguredDatabase, screeningProviderFrom, startScreeningJobs } from '../internal/main.ts';
import { createDirectoryServices, scheduleDirectorySync } from '../../modules/auth/directory/index.ts';
import { resolveDirectoryConfig } from '../../platform/ldap/directory.config.ts';

export async function startWorker(config: Config, logger: Logger): Promise<{ close(): Promise<void> }> {
  if (!config.databaseUrl)
    throw new Error(
      'the worker needs PostgreSQL (DOSSIER_DATABASE_URL); on the embedded database the internal server runs the jobs',
    );
  const keyring = loadKeyring({ inline: config.keyring, file: config.keyringFile });
  const database = await openConfiguredDatabase(config);
  try {
    await migrate(database);
  } catch (err) {
    await database.close();
    throw err;
  }
  const stop = startScreeningJobs(database, keyring, screeningProviderFrom(config), logger);
  // The directory sync, when one is configured (the servers run it only with jobs.inServer).
  const directory = config.directory
    ? createDirectoryServices(resolveDirectoryConfig(config.directory))
    : null;
  const stopDirectory = directory
    ? scheduleDirectorySync({ db: database.db, keyring }, directory, logger.child({ component: 'directory' }))
    : () => undefined;
  return {
    async close() {
      stop();
      stopDirectory();
      await database.close();
    },
  };
}
