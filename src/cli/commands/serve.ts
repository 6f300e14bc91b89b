/**
 * `dossier serve internal|portal|all` and `dossier start`. `all` runs the internal server in this
 * process and the portal as a child process that is given neither the database URL nor the key ring,
 * as it would be on its own DMZ host.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createLogger } from '../../platform/logger.ts';
import { SSO_SECRET_VARIABLE } from '../../modules/auth/sso/sso.settings.ts';
import type { Config } from '../../platform/config.ts';
import { startInternalServer } from '../../servers/internal/main.ts';
import { startPortalServer } from '../../servers/portal/main.ts';
import { startWorker } from '../../servers/worker/main.ts';
import { config } from '../runtime.ts';

type Closer = () => Promise<void>;

function onShutdown(cfg: Config, closers: Closer[]): void {
  let closing = false;
  const stop = (signal: string) => {
    if (closing) return;
    closing = true;
    console.error(`${signal}: shutting down (grace ${cfg.shutdownGraceMs} ms)`);
    const force = setTimeout(() => process.exit(1), cfg.shutdownGraceMs);
    force.unref();
    void Promise.allSettled(closers.map((c) => c())).then(() => process.exit(0));
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

export async function serveInternal(
  cfg: Config,
): Promise<{ apiUrl: string; linkUrl: string; close: Closer }> {
  const logger = createLogger(cfg.logLevel, 'dossier-internal');
  return startInternalServer(cfg, logger);
}

/** `serve worker`: background jobs in their own process (PostgreSQL only). */
export async function serveWorker(cfg: Config): Promise<{ close: Closer }> {
  const logger = createLogger(cfg.logLevel, 'dossier-worker');
  return startWorker(cfg, logger);
}

export async function servePortal(): Promise<void> {
  const cfg = config('portal');
  const logger = createLogger(cfg.logLevel, 'dossier-portal');
  const portal = await startPortalServer(cfg, logger);
  console.log(`Portal listening on ${portal.url}`);
  onShutdown(cfg, [portal.close]);
  // Started by `serve all`: if the parent goes away, so does the portal.
  if (process.send) process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
}

/** Starts the portal as a child process without secrets; resolves once it reports listening. */
function forkPortal(): Promise<{ child: ChildProcess; url: string }> {
  const env = { ...process.env };
  delete env['DOSSIER_DATABASE_URL'];
  delete env['DOSSIER_KEYRING'];
  for (const name of Object.keys(env)) if (SSO_SECRET_VARIABLE.test(name)) delete env[name];
  const cli = fileURLToPath(new URL('../main.ts', import.meta.url));
  const child = fork(cli, ['serve', 'portal'], { env, stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      buffered += chunk.toString();
      const m = /Portal listening on (\S+)/.exec(buffered);
      if (m) resolve({ child, url: m[1]! });
    });
    child.once('exit', (code) => reject(new Error(`portal exited with code ${code}`)));
  });
}

export async function serveAll(
  cfg: Config,
): Promise<{ apiUrl: string; linkUrl: string; portalUrl: string; close: Closer }> {
  const internal = await serveInternal(cfg);
  let portal: { child: ChildProcess; url: string };
  try {
    portal = await forkPortal();
  } catch (err) {
    await internal.close();
    throw err;
  }
  return {
    apiUrl: internal.apiUrl,
    linkUrl: internal.linkUrl,
    portalUrl: portal.url,
    close: async () => {
      portal.child.kill('SIGTERM');
      await internal.close();
    },
  };
}

export function installShutdown(cfg: Config, closers: Closer[]): void {
  onShutdown(cfg, closers);
}
