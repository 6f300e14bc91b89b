/**
 * `dossier keys` (the key ring's key-encryption keys) and `dossier documents verify`.
 *
 * rotate: adds a fresh key-encryption key to the key ring file and makes it active, then re-wraps
 * every document data key with it (bodies are not re-encrypted). When data keys are still wrapped
 * by an older key (an earlier run was interrupted, or servers wrapped new uploads with it before
 * they saw the new key), no key is added: the run finishes the re-wrapping. So a killed run is
 * resumed by running the same command again. Running servers pick up the new key from the file.
 */
import type { Command } from 'commander';
import { inTransaction } from '../../db/transaction.ts';
import { appendAudit, recordAudit } from '../../modules/audit/audit.repository.ts';
import {
  countDataKeysNotWrappedBy,
  dataKeysByKek,
  rewrapDataKeys,
  verifyDocuments,
} from '../../modules/documents/index.ts';
import { loadKeyring, retireKeyFromKeyringFile, rotateKeyringFile } from '../../platform/crypto/keyring.ts';
import { createDocumentServices } from '../../servers/internal/document-services.ts';
import { CliError, config, keyring, systemCtx, withDatabase } from '../runtime.ts';

const out = (line: string) => console.log(line);

export function registerKeyCommands(program: Command): void {
  const keys = program
    .command('keys')
    .description('the key ring: key-encryption keys of the documents (rotation, retirement)');

  keys
    .command('list')
    .description('list the key-encryption keys and how many document data keys each wraps')
    .action(async () => {
      const cfg = config();
      const ring = keyring(cfg);
      await withDatabase(cfg, async (database) => {
        const counts = await dataKeysByKek(systemCtx(database, ring));
        const active = ring.activeKeyId('kek');
        for (const id of ring.keyIds('kek'))
          out(`${id}${id === active ? '  (active)' : ''}  wraps ${counts.get(id) ?? 0} data key(s)`);
        for (const [id, n] of counts)
          if (!ring.keyIds('kek').includes(id))
            out(`${id}  MISSING from the key ring; wraps ${n} data key(s)`);
      });
    });

  keys
    .command('rotate')
    .description(
      'add a new key-encryption key and re-wrap every document data key with it; run again to resume an interrupted run',
    )
    .option('--batch <n>', 'data keys re-wrapped per transaction', (v) => Number.parseInt(v, 10), 200)
    .action(async (opts: { batch: number }) => {
      const cfg = config();
      if (cfg.keyring)
        throw new CliError(
          'the key ring comes from DOSSIER_KEYRING: rotate it where it is kept (add a key there), or use a key ring file',
        );
      if (!(opts.batch >= 1)) throw new CliError('--batch must be a positive number');
      let ring = keyring(cfg);
      await withDatabase(cfg, async (database) => {
        const ctx = () => systemCtx(database, ring);
        const pending = await countDataKeysNotWrappedBy(ctx(), ring.activeKeyId('kek'));
        let added = false;
        if (pending > 0) {
          out(
            `Resuming: ${pending} data key(s) are not yet wrapped by the active key ${ring.activeKeyId('kek')}.`,
          );
        } else {
          const r = rotateKeyringFile(cfg.keyringFile, 'kek');
          ring = loadKeyring({ file: cfg.keyringFile });
          added = true;
          out(`Added key-encryption key ${r.newKeyId} (active); the previous one was ${r.previousKeyId}.`);
        }
        const result = await rewrapDataKeys(ctx(), {
          batchSize: opts.batch,
          onBatch: (n) => out(`  re-wrapped ${n}`),
        });
        await inTransaction(database.db, (tx) =>
          appendAudit(tx, ctx(), {
            type: 'key.rotated',
            target: { type: 'key', id: result.activeKeyId },
            payload: {
              purpose: 'kek',
              to: result.activeKeyId,
              added,
              rewrapped: result.rewrapped,
              remaining: result.remaining,
            },
          }),
        );
        out(
          `Re-wrapped ${result.rewrapped} data key(s) with ${result.activeKeyId}; ${result.remaining} remain on older keys.`,
        );
        for (const id of result.failed)
          out(
            `FAILED blob ${id}: its data key does not unwrap (unknown key or tampered); see "dossier documents verify"`,
          );
        if (result.remaining > 0) {
          process.exitCode = 1;
          if (result.remaining > result.failed.length)
            out('Some data keys were wrapped by older keys meanwhile: run "dossier keys rotate" again.');
        } else
          out('Older key-encryption keys wrap nothing now and can be retired ("dossier keys retire <id>").');
      });
    });

  keys
    .command('retire')
    .argument('<id>', 'the key-encryption key to remove from the key ring')
    .description('remove an old key-encryption key from the key ring; refused while any data key uses it')
    .action(async (id: string) => {
      const cfg = config();
      if (cfg.keyring) throw new CliError('the key ring comes from DOSSIER_KEYRING: remove the key there');
      const ring = keyring(cfg);
      await withDatabase(cfg, async (database) => {
        const ctx = systemCtx(database, ring);
        if (!ring.keyIds('kek').includes(id))
          throw new CliError(`no key-encryption key ${id} in the key ring`);
        if (id === ring.activeKeyId('kek')) throw new CliError(`${id} is the active key; rotate first`);
        const uses = (await dataKeysByKek(ctx)).get(id) ?? 0;
        if (uses > 0)
          throw new CliError(
            `${id} still wraps ${uses} data key(s); run "dossier keys rotate" to finish first`,
          );
        retireKeyFromKeyringFile(cfg.keyringFile, id);
        await recordAudit(database.db, ctx, {
          type: 'key.retired',
          target: { type: 'key', id },
          payload: { purpose: 'kek' },
        });
        out(`Retired ${id}: it is no longer in the key ring. Destroy backups of the old key ring file too.`);
      });
    });

  const documents = program.command('documents').description('stored documents');
  documents
    .command('verify')
    .description(
      'decrypt and check every stored document (integrity, size, digest); list orphaned objects; exit 1 on any failure',
    )
    .action(async () => {
      const cfg = config();
      const ring = keyring(cfg);
      await withDatabase(cfg, async (database) => {
        const ctx = systemCtx(database, ring);
        const report = await verifyDocuments(ctx, createDocumentServices(cfg));
        for (const f of report.failures)
          out(
            `FAILED blob ${f.blobId} (document ${f.documentId ?? '-'} version ${f.version ?? '-'}): ${f.problem}`,
          );
        for (const o of report.orphans) out(`ORPHAN object ${o}: no stored document owns it`);
        const missing = report.failures.filter((f) => f.problem === 'missing').length;
        await recordAudit(database.db, ctx, {
          type: 'documents.verified',
          target: { type: 'system', id: 'documents' },
          payload: {
            checked: report.checked,
            failed: report.failures.length,
            orphans: report.orphans.length,
            missing,
          },
        });
        out(
          `Checked ${report.checked} stored document file(s): ${report.failures.length} failed, ${report.orphans.length} orphan object(s).`,
        );
        if (report.failures.length || report.orphans.length) process.exitCode = 1;
      });
    });
}
