/** What the internal server's routes are built from: one open database, the key ring, the config, sign-in, document and screening services. */
import type { Database } from '../../db/connect.ts';
import type { Config } from '../../platform/config.ts';
import type { Keyring } from '../../platform/crypto/keyring.ts';
import type { DocumentServices } from '../../modules/documents/index.ts';
import type { ScreeningProvider } from '../../modules/screening/index.ts';
import type { AuthServices } from './auth-services.ts';

export interface InternalDeps {
  config: Config;
  database: Database;
  keyring: Keyring;
  auth: AuthServices;
  documents: DocumentServices;
  /** The screening provider: the built-in engine (one index per process), or a vendor's API. */
  screening: ScreeningProvider & { invalidate?(): void };
}
