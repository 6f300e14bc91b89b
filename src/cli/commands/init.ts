/**
 * `dossier init`: creates what a new installation needs and never overwrites any of it: the data
 * directory (0700), the key ring (0600), the private CA with the server and portal-link certificates,
 * the database schema, and, when no API key exists yet, the first administrator key (printed once).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { inTransaction } from '../../db/transaction.ts';
import type { Config } from '../../platform/config.ts';
import { generateKeyring, upgradeKeyringFile, writeKeyringFile } from '../../platform/crypto/keyring.ts';
import { createPki } from '../../platform/crypto/pki.ts';
import { ALL_RIGHTS } from '../../modules/access/rights.ts';
import { createApiKey } from '../../modules/api-keys/index.ts';
import { appendAudit } from '../../modules/audit/index.ts';
import { keyring, systemCtx, withDatabase } from '../runtime.ts';

export interface InitResult {
  createdKeyring: boolean;
  /** Key purposes added to an existing key ring made by an older version. */
  upgradedKeyring: string[];
  createdPki: boolean;
  adminToken: string | null;
  appliedMigrations: boolean;
}

/** `hosts`: extra DNS names or addresses the server certificates must carry (e.g. the portal's public name). */
export async function initialise(cfg: Config, opts: { hosts?: string[] } = {}): Promise<InitResult> {
  mkdirSync(cfg.dataDir, { recursive: true, mode: 0o700 });
  let createdKeyring = false;
  let upgradedKeyring: string[] = [];
  if (!cfg.keyring && !existsSync(cfg.keyringFile)) {
    mkdirSync(dirname(cfg.keyringFile), { recursive: true, mode: 0o700 });
    writeKeyringFile(cfg.keyringFile, generateKeyring());
    createdKeyring = true;
  } else if (!cfg.keyring) {
    upgradedKeyring = upgradeKeyringFile(cfg.keyringFile);
  }
  let createdPki = false;
  const pkiDir = join(cfg.dataDir, 'pki');
  if (!existsSync(join(pkiDir, 'ca.crt'))) {
    await createPki(pkiDir, {
      hosts: [cfg.internal.host, cfg.portal.host, cfg.internal.link.host, ...(opts.hosts ?? [])],
    });
    createdPki = true;
  }
  const ring = keyring(cfg);
  return withDatabase(cfg, async (database) => {
    const ctx = systemCtx(database, ring);
    const existing = await database.db.selectFrom('api_keys').select('id').limit(1).execute();
    let adminToken: string | null = null;
    if (existing.length === 0) {
      adminToken = (
        await createApiKey(ctx, { name: 'administrator (created by dossier init)', rights: [...ALL_RIGHTS] })
      ).token;
      await inTransaction(database.db, (tx) =>
        appendAudit(tx, ctx, {
          type: 'system.initialised',
          target: { type: 'system', id: 'dossier' },
          payload: { dataDir: cfg.databaseUrl ? null : cfg.dataDir },
        }),
      );
    }
    return { createdKeyring, upgradedKeyring, createdPki, adminToken, appliedMigrations: true };
  });
}

export function printInit(result: InitResult, cfg: Config, out: (line: string) => void): void {
  if (result.createdKeyring)
    out(
      `Created key ring ${cfg.keyringFile} (mode 0600). Back it up: without it encrypted fields cannot be read.`,
    );
  if (result.upgradedKeyring.length)
    out(`Added keys for ${result.upgradedKeyring.join(', ')} to ${cfg.keyringFile}.`);
  if (result.createdPki) out(`Created private CA and certificates in ${join(cfg.dataDir, 'pki')}.`);
  if (result.adminToken) {
    out('');
    out('Administrator API key (shown once; store it in your password manager):');
    out(`  ${result.adminToken}`);
    out('');
  }
}
