/**
 * `dossier directory check` (TLS with the configured CA, the service account, the user base) and
 * `dossier directory sync [--full]` (one sync now, audited like a scheduled one; exit 1 when it
 * failed). Both need the `directory` settings.
 */
import type { Command } from 'commander';
import { createDirectoryServices, syncDirectory } from '../../modules/auth/directory/index.ts';
import { resolveDirectoryConfig } from '../../platform/ldap/directory.config.ts';
import { DirectoryUnavailableError } from '../../platform/ldap/directory.ts';
import type { Config } from '../../platform/config.ts';
import { CliError, config, keyring, systemCtx, withDatabase } from '../runtime.ts';

const out = (line: string) => console.log(line);

function services(cfg: Config) {
  if (!cfg.directory) throw new CliError('no directory is configured (the "directory" settings)');
  return createDirectoryServices(resolveDirectoryConfig(cfg.directory));
}

export function registerDirectoryCommands(program: Command): void {
  const directory = program
    .command('directory')
    .description('Active Directory / LDAP: check the connection, sync staff users');

  directory
    .command('check')
    .description('connect (TLS, the configured CA only), bind as the service account, find the user base')
    .action(async () => {
      const s = services(config());
      try {
        const r = await s.client.check();
        out(
          `Connected over ${r.tls === 'ldaps' ? 'LDAPS' : 'StartTLS'} to ${s.settings.url}; certificate verified.`,
        );
        out(`Service account ${s.settings.bindDn}: bound.`);
        out(`User base ${s.settings.userBase}: ${r.userBase}.`);
        out(
          `Failed binds allowed per account: ${s.settings.maxFailedBinds} per ${s.settings.lockoutWindowMinutes} min (domain locks at ${s.settings.lockoutThreshold}).`,
        );
        if (r.userBase === 'missing') throw new CliError('the user base does not exist or is not readable');
      } catch (err) {
        if (!(err instanceof DirectoryUnavailableError)) throw err;
        const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
        throw new CliError(`the directory cannot be used: ${err.message}${cause}`);
      }
    });

  directory
    .command('sync')
    .description('sync staff users from the directory now ("changed since the last run" unless --full)')
    .option('--full', 'read every member of the mapped groups and every directory user (catches removals)')
    .action(async (opts: { full?: boolean }) => {
      const cfg = config();
      const s = services(cfg);
      const ring = keyring(cfg);
      await withDatabase(cfg, async (database) => {
        const run = await syncDirectory(systemCtx(database, ring), s, {
          mode: opts.full ? 'full' : 'changed',
          trigger: 'cli',
        });
        out(
          `Sync ${run.mode} ${run.status}: ${run.seen} seen, ${run.created} created, ${run.updated} updated, ${run.disabled} disabled, ${run.enabled} enabled, ${run.unchanged} unchanged, ${run.errors} error(s).`,
        );
        if (run.status === 'failed') throw new CliError(`sync failed: ${run.error ?? 'unknown error'}`);
      });
    });
}
