/**
 * Starts the internal server: migrates the database (under the migration lock), loads the key ring,
 * serves the staff API over TLS and the mTLS link for the portal on its own listener, and shuts both
 * down gracefully.
 */
import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { openDatabase, type Database } from '../../db/connect.ts';
import { migrate } from '../../db/migrate.ts';
import type { Config } from '../../platform/config.ts';
import { loadKeyring } from '../../platform/crypto/keyring.ts';
import type { App } from '../shared/create-http-app.ts';
import { purgeAuthState } from '../../modules/auth/housekeeping.ts';
import { scheduleDirectorySync } from '../../modules/auth/directory/index.ts';
import { sendRequestReminders } from '../../modules/requests/index.ts';
import { ALL_RIGHTS } from '../../modules/access/rights.ts';
import {
  destroyDueDocuments,
  sweepAbandonedUploads,
  type DocumentServices,
} from '../../modules/documents/index.ts';
import { createAuthServices, type AuthServices } from './auth-services.ts';
import { createDocumentServices } from './document-services.ts';
import {
  BuiltInScreeningProvider,
  enqueueDueRescreens,
  runScreeningJobs,
  type ScreeningProvider,
} from '../../modules/screening/index.ts';
import { YenteScreeningProvider } from '../../modules/screening/providers/yente-provider.ts';
import { createCtx } from '../../platform/context.ts';
import type { Keyring } from '../../platform/crypto/keyring.ts';
import { buildInternalApp } from './build-app.ts';
import { buildLinkApp } from './link/build-link-app.ts';

export interface RunningInternal {
  apiUrl: string;
  linkUrl: string;
  database: Database;
  close(): Promise<void>;
}

/** Opens the configured database (PostgreSQL or the embedded one). */
export function openConfiguredDatabase(config: Config): Promise<Database> {
  return openDatabase({
    url: config.databaseUrl,
    dataDir: config.dataDir,
    poolSize: config.databasePoolSize,
    caPem: config.databaseCaFile ? readFileSync(config.databaseCaFile, 'utf8') : undefined,
  });
}

function urlOf(app: App, scheme: string): string {
  const addr = app.server.address();
  if (!addr || typeof addr === 'string') return String(addr);
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return `${scheme}://${host}:${addr.port}`;
}

const HOUSEKEEPING_EVERY_MS = 10 * 60_000;

/**
 * Purges expired sign-in state now and every few minutes, then runs the client requests' periodic
 * task (completion, overdue flags, reminders); returns the stop function.
 */
function startHousekeeping(database: Database, auth: AuthServices, logger: Logger): () => void {
  const run = () =>
    purgeAuthState(database.db, { now: new Date(), throttle: auth.signIn.throttle }).then(
      (r) => logger.debug({ purged: r }, 'sign-in housekeeping'),
      (err: unknown) => logger.warn({ err }, 'sign-in housekeeping failed'),
    );
  // Requests from compliance: completion noticed, overdue flagged once, reminder e-mails sent once.
  const remind = () =>
    sendRequestReminders({ db: database.db, ...auth.invitations }, { now: new Date() }).then(
      (r) => (r.reminders || r.flaggedOverdue ? logger.info(r, 'client request reminders') : undefined),
      (err: unknown) => logger.warn({ err }, 'client request reminders failed'),
    );
  void run().then(remind);
  const timer = setInterval(() => void run().then(remind), HOUSEKEEPING_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * Document housekeeping: abandoned uploads (crash, kill) are swept and deleted documents past
 * retention are crypto-shredded, now and then every half upload lease (at most every minute). On the
 * embedded database this process is the only one (lock file), so at start every pending upload is
 * abandoned; on PostgreSQL other servers may be uploading, so only expired leases count.
 */
function startDocumentHousekeeping(
  database: Database,
  documents: DocumentServices,
  logger: Logger,
): () => void {
  const ctx = {
    db: database.db,
    actor: { kind: 'system' as const, label: 'housekeeping', rights: new Set(ALL_RIGHTS) },
    requestId: null,
    now: () => new Date(),
  };
  let first = database.kind === 'pglite';
  let running = false;
  const run = async () => {
    if (running) return;
    running = true;
    try {
      const swept = await sweepAbandonedUploads(ctx, documents, { all: first });
      first = false;
      const destroyed = await destroyDueDocuments(ctx, documents);
      if (swept.blobs || swept.temporary || destroyed.documents)
        logger.info({ swept, destroyed }, 'document housekeeping');
    } catch (err) {
      logger.warn({ err }, 'document housekeeping failed');
    } finally {
      running = false;
    }
  };
  void run();
  const every = Math.min(60_000, Math.max(1000, (documents.settings.uploadLeaseSeconds * 1000) / 2));
  const timer = setInterval(() => void run(), every);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * Ongoing screening: due monitoring jobs (reverse screening after a list update, rescreening after
 * a subject change) run every few seconds; several servers share them (SKIP LOCKED).
 */
/** The built-in engine, or the vendor's API when `screening.vendor` is configured. */
export function screeningProviderFrom(config: Config): ScreeningProvider & { invalidate?(): void } {
  const v = config.screening.vendor;
  if (!v) return new BuiltInScreeningProvider();
  return new YenteScreeningProvider({
    url: v.url,
    dataset: v.dataset,
    apiKey: v.apiKey,
    ca: v.caFile ? readFileSync(v.caFile, 'utf8') : undefined,
    timeoutMs: v.timeoutMs,
  });
}

export function startScreeningJobs(
  database: Database,
  keyring: Keyring,
  screening: ScreeningProvider,
  logger: Logger,
): () => void {
  const ctx = createCtx({
    db: database.db,
    keyring,
    actor: { kind: 'system', label: 'monitoring', rights: new Set(ALL_RIGHTS) },
  });
  let running = false;
  let ticks = 0;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    // Every five minutes: full rescreens that programmes' profiles say are due.
    const due = ticks++ % 150 === 0 ? enqueueDueRescreens(ctx) : Promise.resolve(0);
    due
      .then(() => runScreeningJobs(ctx, screening))
      .then(
        (r) => (r.ran || r.failed ? logger.info(r, 'screening jobs') : undefined),
        (err: unknown) => logger.warn({ err }, 'screening jobs failed'),
      )
      .finally(() => (running = false));
  }, 2000);
  timer.unref();
  return () => clearInterval(timer);
}

export async function startInternalServer(config: Config, logger: Logger): Promise<RunningInternal> {
  const keyring = loadKeyring({ inline: config.keyring, file: config.keyringFile });
  const database = await openConfiguredDatabase(config);
  let api: App | undefined;
  let link: App | undefined;
  let housekeeping: (() => void) | undefined;
  let documentHousekeeping: (() => void) | undefined;
  let screeningJobs: (() => void) | undefined;
  let directorySync: (() => void) | undefined;
  try {
    const result = await migrate(database);
    if (result.applied.length) logger.info({ applied: result.applied }, 'migrations applied');
    const auth = createAuthServices(config, database, keyring, {
      logger: logger.child({ component: 'auth' }),
    });
    // The dummy hash used for unknown users is made now, so the first such sign-in is not slower.
    await auth.hasher.warmUp();
    const documents = createDocumentServices(config);
    if (config.scanner.failOpen)
      logger.warn(
        'scanner.failOpen is on: uploads are accepted unscanned when clamd is unavailable (each audited)',
      );
    const screening = screeningProviderFrom(config);
    const deps = { config, database, keyring, auth, documents, screening };
    const https = config.internal.tls
      ? {
          cert: readFileSync(config.internal.certFile, 'utf8'),
          key: readFileSync(config.internal.keyFile, 'utf8'),
        }
      : null;
    api = await buildInternalApp(deps, { logger: logger.child({ server: 'internal' }), https });
    link = await buildLinkApp(deps, {
      logger: logger.child({ server: 'link' }),
      tls: {
        cert: readFileSync(config.internal.certFile, 'utf8'),
        key: readFileSync(config.internal.keyFile, 'utf8'),
        ca: readFileSync(config.internal.link.caFile, 'utf8'),
      },
    });
    await api.listen({ host: config.internal.host, port: config.internal.port });
    housekeeping = startHousekeeping(database, auth, logger);
    documentHousekeeping = startDocumentHousekeeping(database, documents, logger);
    if (config.jobs.inServer) screeningJobs = startScreeningJobs(database, keyring, screening, logger);
    if (config.jobs.inServer && auth.directory)
      directorySync = scheduleDirectorySync(
        { db: database.db, keyring },
        auth.directory,
        logger.child({ component: 'directory' }),
      );
    await link.listen({ host: config.internal.link.host, port: config.internal.link.port });
  } catch (err) {
    housekeeping?.();
    documentHousekeeping?.();
    screeningJobs?.();
    directorySync?.();
    await api?.close().catch(() => undefined);
    await link?.close().catch(() => undefined);
    await database.close();
    throw err;
  }
  const apiApp = api;
  const linkApp = link;
  return {
    apiUrl: urlOf(apiApp, config.internal.tls ? 'https' : 'http'),
    linkUrl: urlOf(linkApp, 'https'),
    database,
    async close() {
      housekeeping?.();
      documentHousekeeping?.();
      screeningJobs?.();
      directorySync?.();
      await Promise.allSettled([apiApp.close(), linkApp.close()]);
      await database.close();
    },
  };
}
