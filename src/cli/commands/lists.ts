/**
 * `dossier lists`: sanctions and PEP lists. `import` parses a list file (with progress), stores it
 * as a new snapshot with its difference from the previous one and makes it active; a malformed file
 * is refused with the line or element at fault and the active snapshot stays. `list` shows the
 * active snapshots.
 */
import { Argument, Option, type Command } from 'commander';
import {
  activeSnapshots,
  importListSnapshot,
  LIST_FORMATS,
  type ListFormat,
} from '../../modules/screening/index.ts';
import { CliError, config, keyring, systemCtx, withDatabase } from '../runtime.ts';

const out = (line: string) => console.log(line);

export function registerListCommands(program: Command): void {
  const lists = program.command('lists').description('sanctions and PEP lists used for screening');

  lists
    .command('import')
    .description('import a list file as a new snapshot (the previous one stays until this one is stored)')
    .addArgument(new Argument('<format>', 'file format').choices(LIST_FORMATS))
    .argument('<file>', 'the list file (OFAC: sdn.csv or cons_prim.csv)')
    .option('--alt <file>', 'OFAC: alt.csv (aliases)')
    .option('--add <file>', 'OFAC: add.csv (addresses)')
    .option('--comments <file>', 'OFAC: sdn_comments.csv (overflow of long remarks)')
    .addOption(
      new Option('--ofac <list>', 'OFAC: which list the files are').choices(['sdn', 'cons']).default('sdn'),
    )
    .option('--list <name>', 'the list name (default from the format: ofac-sdn, un, eu-fsf, uk-hmt, ...)')
    .action(
      async (
        format: ListFormat,
        file: string,
        opts: { alt?: string; add?: string; comments?: string; ofac: 'sdn' | 'cons'; list?: string },
      ) => {
        if (format !== 'ofac-csv' && (opts.alt || opts.add || opts.comments))
          throw new CliError('--alt, --add and --comments are for the ofac-csv format');
        const cfg = config();
        const ring = keyring(cfg);
        await withDatabase(cfg, async (database) => {
          const started = Date.now();
          const result = await importListSnapshot(systemCtx(database, ring), {
            format,
            list: opts.list,
            ofacList: opts.ofac,
            files:
              format === 'ofac-csv'
                ? {
                    main: file,
                    ...(opts.alt ? { alt: opts.alt } : {}),
                    ...(opts.add ? { add: opts.add } : {}),
                    ...(opts.comments ? { comments: opts.comments } : {}),
                  }
                : file,
            onProgress: (n) => process.stderr.write(`\r  parsed ${n} entries`),
          });
          process.stderr.write('\n');
          const secs = ((Date.now() - started) / 1000).toFixed(1);
          if (result.unchanged)
            out(`${result.list}: unchanged (same content as the active snapshot ${result.snapshotId}).`);
          else
            out(
              `${result.list}: snapshot ${result.snapshotId} active: ${result.entities} entries, ${result.names} names; ` +
                `${result.added} added, ${result.changed} changed, ${result.removed} removed (${secs} s).`,
            );
        });
      },
    );

  lists
    .command('list')
    .description('the active snapshot of every list')
    .action(async () => {
      const cfg = config();
      const ring = keyring(cfg);
      await withDatabase(cfg, async (database) => {
        const rows = await activeSnapshots(systemCtx(database, ring));
        if (!rows.length) out('No list imported yet ("dossier lists import <format> <file>").');
        for (const r of rows)
          out(
            `${r.list}  ${r.entities} entries  imported ${r.importedAt.toISOString()}  ${r.id}  sha256 ${r.contentHash.slice(0, 16)}`,
          );
      });
    });
}
