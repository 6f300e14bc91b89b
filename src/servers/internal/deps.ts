/** What the internal server's routes are built from: one open database, the key ring, the config. */
import type { Database } from '../../db/connect.ts';
import type { Config } from '../../platform/config.ts';
import type { Keyring } from '../../platform/crypto/keyring.ts';

export interface InternalDeps {
  config: Config;
  database: Database;
  keyring: Keyring;
}
