/**
 * HTTP tier support: the production build-app on a fresh migrated database, with an administrator
 * key (every right), a key with no rights, and helpers to call it through inject().
 */
import type { LightMyRequestResponse, RouteOptions } from 'fastify';
import { loadConfig, type Config } from '../../src/platform/config.ts';
import { createCtx, type Ctx } from '../../src/platform/context.ts';
import { ALL_RIGHTS, type Right } from '../../src/modules/access/rights.ts';
import { createApiKey } from '../../src/modules/api-keys/index.ts';
import { createDevOutboxMailer, type DevOutboxMailer } from '../../src/platform/mail/index.ts';
import {
  createDevOutboxGateway,
  type DevOutboxGateway,
  type SmsGateway,
} from '../../src/platform/sms/index.ts';
import { createAuthServices, type AuthServices } from '../../src/servers/internal/auth-services.ts';
import { buildInternalApp } from '../../src/servers/internal/build-app.ts';
import { createDocumentServices } from '../../src/servers/internal/document-services.ts';
import type { DocumentServices } from '../../src/modules/documents/index.ts';
import { BuiltInScreeningProvider } from '../../src/modules/screening/index.ts';
import type { ClamdSettings } from '../../src/platform/clamav/clamd-client.ts';
import { testClamdSettings } from '../../src/platform/clamav/test-clamd.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { App } from '../../src/servers/shared/create-http-app.ts';
import type { TestBackend, TestDatabase } from './db.ts';
import { testKeyring } from './keyring.ts';

export interface TestApp {
  app: App;
  database: TestDatabase;
  /** A system Ctx with every right, for arranging data through use cases. */
  ctx: Ctx;
  adminToken: string;
  /** Sign-in services of the app (hasher, policies). */
  auth: AuthServices;
  /** Text messages the app sent (development outbox), unless a gateway was given. */
  smsOutbox: DevOutboxGateway;
  /** E-mails the app sent (development outbox). */
  mailOutbox: DevOutboxMailer;
  /** The document services (a throw-away blob store directory, the test clamd). */
  documents: DocumentServices;
  /** The screening engine of the app (its index is rebuilt whenever a snapshot changes). */
  screening: BuiltInScreeningProvider;
  /** A key holding no right at all. */
  noRightsToken: string;
  /** Creates a key with exactly these rights. */
  tokenWith(rights: Right[]): Promise<string>;
  call(
    method: string,
    url: string,
    opts?: { token?: string | null; body?: unknown; headers?: Record<string, string> },
  ): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/** A clamd address where nothing listens (port 1): uploads fail closed, or open when so configured. */
export const UNREACHABLE_SCANNER: ClamdSettings = {
  host: '127.0.0.1',
  port: 1,
  tls: null,
  connectTimeoutMs: 500,
  idleTimeoutMs: 1000,
  scanTimeoutMs: 2000,
};

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({ DOSSIER_DATA_DIR: '/nonexistent-dossier-test', ...overrides }, '/');
}

export interface StartTestAppOptions {
  onRoute?: (route: RouteOptions) => void;
  /** DOSSIER_* settings for this app (e.g. DOSSIER_TRUST_PROXY). */
  env?: Record<string, string>;
  /** An SMS gateway instead of the outbox (e.g. an adapter against a local provider server). */
  sms?: SmsGateway;
  /**
   * The clamd to scan uploads with: default the test clamd (DOSSIER_TEST_CLAMD), or, when none
   * is configured, an address where nothing listens (uploads then fail closed).
   */
  scanner?: ClamdSettings;
  /** Serve over TLS (for a real listener, e.g. the browser tests). */
  https?: { cert: string; key: string } | undefined;
}

export async function startTestApp(backend: TestBackend, opts: StartTestAppOptions = {}): Promise<TestApp> {
  const database = await backend.open();
  const keyring = testKeyring();
  const ctx = createCtx({
    db: database.db,
    keyring,
    actor: { kind: 'system', label: 'test', rights: new Set(ALL_RIGHTS) },
  });
  const config = testConfig(opts.env);
  const smsOutbox = createDevOutboxGateway({});
  const mailOutbox = createDevOutboxMailer({});
  const auth = createAuthServices(config, database, keyring, {
    sms: opts.sms ?? smsOutbox,
    mailer: mailOutbox,
  });
  const storageDir = mkdtempSync(join(tmpdir(), 'dossier-docs-'));
  const documents = createDocumentServices(config, {
    storageDir,
    scanner: opts.scanner ?? testClamdSettings() ?? UNREACHABLE_SCANNER,
  });
  const screening = new BuiltInScreeningProvider({ recheckMs: 0 });
  const app = await buildInternalApp(
    { config, database, keyring, auth, documents, screening },
    { onRoute: opts.onRoute, https: opts.https ?? null },
  );
  await app.ready();
  const tokenWith = async (rights: Right[]) => {
    if (rights.length === 0) {
      // A key with no rights cannot be created through the API (minItems 1); insert it through the use case's table.
      const { token } = await createApiKey(ctx, { name: 'tmp', rights: ['programme:read'] });
      const prefix = token.split('_')[1]!;
      await database.db.updateTable('api_keys').set({ rights: [] }).where('prefix', '=', prefix).execute();
      return token;
    }
    return (await createApiKey(ctx, { name: `test ${rights.join(',')}`, rights })).token;
  };
  const adminToken = await tokenWith([...ALL_RIGHTS]);
  const noRightsToken = await tokenWith([]);
  return {
    app,
    database,
    ctx,
    adminToken,
    auth,
    smsOutbox,
    mailOutbox,
    documents,
    screening,
    noRightsToken,
    tokenWith,
    call(method, url, opts = {}) {
      const token = opts.token === undefined ? adminToken : opts.token;
      const headers: Record<string, string> = { ...opts.headers };
      if (token) headers['authorization'] = `Bearer ${token}`;
      return app.inject({
        method: method as 'GET',
        url,
        headers,
        ...(opts.body !== undefined ? { payload: opts.body as object } : {}),
      });
    },
    async close() {
      await app.close();
      await database.dispose();
      rmSync(storageDir, { recursive: true, force: true });
    },
  };
}
