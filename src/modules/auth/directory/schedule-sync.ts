/**
 * The directory sync on its interval, in the internal server (`jobs.inServer`) or in a worker: a
 * first run shortly after start, then one every `syncIntervalMs` (full when the last full run is
 * older than `fullSyncEveryMs`, else changed). Several processes may run this: the database lets
 * one run at a time, the others' attempts end in a harmless conflict. Each tick also forgets bind
 * cap streaks past their window.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../../../db/types.ts';
import type { Ctx } from '../../../platform/context.ts';
import type { Keyring } from '../../../platform/crypto/keyring.ts';
import { AppError } from '../../../platform/errors.ts';
import { ALL_RIGHTS } from '../../access/rights.ts';
import { purgeBindGuard } from './bind-cap.ts';
import type { DirectoryServices } from './directory.options.ts';
import { syncDirectory } from './sync-directory.ts';

export interface SyncLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** Starts the schedule; returns the stop function. */
export function scheduleDirectorySync(
  { db, keyring }: { db: Kysely<DB>; keyring: Keyring },
  services: DirectoryServices,
  logger: SyncLogger,
  opts: { firstRunAfterMs?: number } = {},
): () => void {
  const ctx: Ctx = {
    db,
    keyring,
    actor: { kind: 'system', label: 'directory-sync', rights: new Set(ALL_RIGHTS) },
    requestId: null,
    now: () => new Date(),
  };
  let running = false;
  const run = async () => {
    if (running) return;
    running = true;
    try {
      await purgeBindGuard(db, new Date(), services.cap.windowMs);
      const r = await syncDirectory(ctx, services, { mode: 'auto', trigger: 'schedule' });
      if (r.status === 'failed') logger.warn({ run: r }, 'directory sync failed');
      else if (r.created || r.updated || r.disabled || r.enabled || r.errors)
        logger.info({ run: r }, 'directory sync');
    } catch (err) {
      if (!(err instanceof AppError && err.code === 'conflict'))
        logger.warn({ err }, 'directory sync failed');
    } finally {
      running = false;
    }
  };
  const first = setTimeout(() => void run(), opts.firstRunAfterMs ?? 5_000);
  first.unref();
  const timer = setInterval(() => void run(), services.syncIntervalMs);
  timer.unref();
  return () => {
    clearTimeout(first);
    clearInterval(timer);
  };
}
