/**
 * Configuration, parsed once at start from defaults, an optional JSON file (DOSSIER_CONFIG) and
 * DOSSIER_* environment variables (highest precedence), validated against one schema and frozen.
 * This is the only module that reads process.env.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { Type, type Static } from 'typebox';
import { createAjv, describeAjvErrors } from './validation.ts';
import { SmsSettingsSchema } from './sms/sms.schema.ts';
import { MailSettingsSchema } from './mail/mail.schema.ts';
import { DirectoryConfigSchema, directoryConfigProblems } from './ldap/directory.config.ts';
import {
  SSO_PROVIDER_DEFAULTS,
  SSO_SECRET_VARIABLE,
  SsoSettingsSchema,
  ssoSecretVariable,
  ssoSettingsProblems,
} from '../modules/auth/sso/sso.settings.ts';

const Port = Type.Integer({ minimum: 0, maximum: 65535 });

/** Overrides of one block-delay scope (src/modules/auth/throttle); omitted fields keep defaults. */
const throttleScope = (keys: string[]) =>
  Type.Object(
    {
      freeAttempts: Type.Optional(
        Type.Object(Object.fromEntries(keys.map((k) => [k, Type.Optional(Type.Integer({ minimum: 1 }))])), {
          additionalProperties: false,
        }),
      ),
      baseDelayMs: Type.Optional(Type.Integer({ minimum: 1 })),
      factor: Type.Optional(Type.Number({ minimum: 1 })),
      maxDelayMs: Type.Optional(Type.Integer({ minimum: 1 })),
      windowMs: Type.Optional(Type.Integer({ minimum: 1 })),
      hardLockAfter: Type.Optional(Type.Union([Type.Null(), Type.Integer({ minimum: 1, maximum: 100 })])),
    },
    { additionalProperties: false },
  );

/** Staff sign-in (docs/SECURITY.md, "Staff sign-in"): every parameter with its default. */
const AuthSchema = Type.Object(
  {
    /** Base https URL of the internal server as staff reach it: links in e-mails point here. */
    publicUrl: Type.String({ pattern: '^https?://[^\\s/?#@]+(/[^\\s?#]*)?$' }),
    /** Base https URL of the portal as clients reach it: invitation links point here. */
    portalUrl: Type.String({ pattern: '^https?://[^\\s/?#@]+(/[^\\s?#]*)?$' }),
    /** The firm's name: shown as the authenticator-app issuer, refused inside passwords. */
    firmName: Type.String({ maxLength: 100 }),
    argon2: Type.Object(
      {
        memoryKiB: Type.Integer({ minimum: 19456, maximum: 4194304 }),
        timeCost: Type.Integer({ minimum: 2, maximum: 20 }),
        parallelism: Type.Integer({ minimum: 1, maximum: 16 }),
        maxConcurrent: Type.Optional(Type.Integer({ minimum: 1, maximum: 64 })),
        /** Hashes allowed to wait for a slot before sign-ins get 503 (default 64). */
        maxQueue: Type.Optional(Type.Integer({ minimum: 0, maximum: 10000 })),
      },
      { additionalProperties: false },
    ),
    password: Type.Object(
      {
        /** Unset: 15 when trusted networks may skip the second factor, else 8 (see authPasswordMinLength). */
        minLength: Type.Optional(Type.Integer({ minimum: 8, maximum: 128 })),
        maxLength: Type.Integer({ minimum: 64, maximum: 1024 }),
      },
      { additionalProperties: false },
    ),
    /** Master switch: may a role let its users skip the second factor inside a trusted network? */
    trustedNetworkSkip: Type.Boolean(),
    /**
     * Passkeys (WebAuthn): the relying party is the host of publicUrl (staff) or portalUrl
     * (clients). Passwordless sign-in with a passkey that proved user verification, per realm.
     */
    passkeys: Type.Object(
      { staffPasswordless: Type.Boolean(), clientPasswordless: Type.Boolean() },
      { additionalProperties: false },
    ),
    session: Type.Object(
      {
        idleTimeoutMinutes: Type.Integer({ minimum: 5, maximum: 480 }),
        absoluteLifetimeHours: Type.Integer({ minimum: 1, maximum: 24 }),
        stepUpMinutes: Type.Integer({ minimum: 1, maximum: 60 }),
        /** How long the second-factor step of a sign-in may take. */
        loginStepMinutes: Type.Integer({ minimum: 1, maximum: 15 }),
      },
      { additionalProperties: false },
    ),
    throttle: Type.Object(
      {
        password: Type.Optional(throttleScope(['account', 'account_ip', 'ip'])),
        second_factor: Type.Optional(throttleScope(['user', 'attempt'])),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

const MiB = 1024 * 1024;

/** Documents (docs/SECURITY.md, "Documents"): storage, upload limits, life cycle. */
const DocumentsSchema = Type.Object(
  {
    /** Directory of the encrypted blob store (relative to dataDir unless absolute). */
    storageDir: Type.String({ minLength: 1 }),
    /** Largest accepted upload in bytes; beyond it the upload is refused with 413. */
    maxUploadBytes: Type.Integer({ minimum: 1024, maximum: 16 * 1024 * MiB }),
    /** Plaintext bytes per authenticated segment (src/platform/crypto/segmented.ts). */
    segmentSize: Type.Integer({ minimum: 4096, maximum: 16 * MiB }),
    archive: Type.Object(
      {
        maxEntries: Type.Integer({ minimum: 1, maximum: 100000 }),
        maxUnpackedBytes: Type.Integer({ minimum: 1024, maximum: 64 * 1024 * MiB }),
        maxRatio: Type.Integer({ minimum: 2, maximum: 10000 }),
      },
      { additionalProperties: false },
    ),
    /** How long an unfinished upload's blob survives its uploader (renewed while it streams). */
    uploadLeaseSeconds: Type.Integer({ minimum: 1, maximum: 3600 }),
    /** Days a deleted document's tombstone keeps its keys before they are destroyed. */
    retentionDays: Type.Integer({ minimum: 0, maximum: 36500 }),
  },
  { additionalProperties: false },
);

/** The virus scanner: ClamAV's clamd over a unix socket or TCP (TLS when remote). */
const ScannerSchema = Type.Object(
  {
    /** Unix socket path; when set, host and port are not used. */
    socket: Type.Optional(Type.String({ minLength: 1 })),
    host: Type.String({ minLength: 1 }),
    port: Port,
    tls: Type.Boolean(),
    /** CA bundle (PEM) that signs clamd's certificate when tls is on; the system CAs otherwise. */
    caFile: Type.Optional(Type.String({ minLength: 1 })),
    servername: Type.Optional(Type.String({ minLength: 1 })),
    connectTimeoutMs: Type.Integer({ minimum: 100, maximum: 60000 }),
    idleTimeoutMs: Type.Integer({ minimum: 100, maximum: 600000 }),
    scanTimeoutMs: Type.Integer({ minimum: 1000, maximum: 3600000 }),
    /** Accept uploads unscanned when the scanner is unreachable or fails (each one audited). */
    failOpen: Type.Boolean(),
  },
  { additionalProperties: false },
);

/**
 * Screening: the built-in engine by default; a vendor's API (yente-style matching protocol, https)
 * instead when `vendor` is set. Names then leave the installation: a documented choice.
 */
const ScreeningSchema = Type.Object(
  {
    vendor: Type.Union([
      Type.Null(),
      Type.Object(
        {
          url: Type.String({ pattern: '^https://' }),
          dataset: Type.String({ minLength: 1, maxLength: 100 }),
          apiKey: Type.Optional(Type.String({ minLength: 1 })),
          caFile: Type.Optional(Type.String({ minLength: 1 })),
          timeoutMs: Type.Integer({ minimum: 100, maximum: 60000 }),
        },
        { additionalProperties: false },
      ),
    ]),
  },
  { additionalProperties: false },
);

const ConfigSchema = Type.Object(
  {
    profile: Type.Union([Type.Literal('development'), Type.Literal('production')]),
    dataDir: Type.String({ minLength: 1 }),
    databaseUrl: Type.Optional(Type.String({ minLength: 1 })),
    databasePoolSize: Type.Integer({ minimum: 1, maximum: 200 }),
    databaseCaFile: Type.Optional(Type.String()),
    logLevel: Type.Union(
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    ),
    keyringFile: Type.String(),
    keyring: Type.Optional(Type.String({ minLength: 1 })),
    trustProxy: Type.Union([Type.Boolean(), Type.Array(Type.String({ minLength: 1 }))]),
    sms: SmsSettingsSchema,
    mail: MailSettingsSchema,
    auth: AuthSchema,
    documents: DocumentsSchema,
    scanner: ScannerSchema,
    screening: ScreeningSchema,
    /** Active Directory / LDAP sign-in and sync of staff users (absent: off; src/platform/ldap). */
    directory: Type.Optional(DirectoryConfigSchema),
    /** OpenID Connect single sign-on for staff (src/modules/auth/sso/sso.settings.ts). */
    sso: SsoSettingsSchema,
    jobs: Type.Object(
      {
        /**
         * Run background jobs (monitoring) inside the internal server. On PostgreSQL they can run in
         * separate `dossier serve worker` processes instead; the embedded database needs this on.
         */
        inServer: Type.Boolean(),
      },
      { additionalProperties: false },
    ),
    internal: Type.Object(
      {
        host: Type.String({ minLength: 1 }),
        port: Port,
        tls: Type.Boolean(),
        certFile: Type.String(),
        keyFile: Type.String(),
        link: Type.Object(
          {
            host: Type.String({ minLength: 1 }),
            port: Port,
            caFile: Type.String(),
          },
          { additionalProperties: false },
        ),
      },
      { additionalProperties: false },
    ),
    portal: Type.Object(
      {
        host: Type.String({ minLength: 1 }),
        port: Port,
        tls: Type.Boolean(),
        certFile: Type.String(),
        keyFile: Type.String(),
        link: Type.Object(
          {
            url: Type.String({ minLength: 1 }),
            certFile: Type.String(),
            keyFile: Type.String(),
            caFile: Type.String(),
            timeoutMs: Type.Integer({ minimum: 100, maximum: 120000 }),
          },
          { additionalProperties: false },
        ),
      },
      { additionalProperties: false },
    ),
    shutdownGraceMs: Type.Integer({ minimum: 0, maximum: 600000 }),
  },
  { additionalProperties: false },
);

export type Config = Readonly<Static<typeof ConfigSchema>>;

/** Raised when configuration is invalid or unsafe; the message names every offending setting. */
export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

type Kind = 'string' | 'int' | 'bool' | 'proxies';

/** Every environment variable Dossier reads, the setting it fills and how it is parsed. */
export const ENV_VARS: readonly { env: string; path: string; kind: Kind; help: string }[] = [
  { env: 'DOSSIER_PROFILE', path: 'profile', kind: 'string', help: 'development | production' },
  {
    env: 'DOSSIER_DATA_DIR',
    path: 'dataDir',
    kind: 'string',
    help: 'directory for the embedded database, key ring and certificates',
  },
  {
    env: 'DOSSIER_DATABASE_URL',
    path: 'databaseUrl',
    kind: 'string',
    help: 'PostgreSQL URL; unset = embedded PGlite under dataDir',
  },
  {
    env: 'DOSSIER_DATABASE_POOL_SIZE',
    path: 'databasePoolSize',
    kind: 'int',
    help: 'PostgreSQL connection pool size',
  },
  {
    env: 'DOSSIER_DATABASE_CA_FILE',
    path: 'databaseCaFile',
    kind: 'string',
    help: 'CA bundle to verify the PostgreSQL server certificate',
  },
  { env: 'DOSSIER_LOG_LEVEL', path: 'logLevel', kind: 'string', help: 'pino log level' },
  {
    env: 'DOSSIER_KEYRING_FILE',
    path: 'keyringFile',
    kind: 'string',
    help: 'key ring file (created by dossier init)',
  },
  {
    env: 'DOSSIER_KEYRING',
    path: 'keyring',
    kind: 'string',
    help: 'key ring as base64 JSON, instead of the file',
  },
  {
    env: 'DOSSIER_TRUST_PROXY',
    path: 'trustProxy',
    kind: 'proxies',
    help: 'comma-separated proxy addresses whose X-Forwarded-For is trusted',
  },
  {
    env: 'DOSSIER_SMS_TRANSPORT',
    path: 'sms.transport',
    kind: 'string',
    help: 'console (development only) | twilio | webhook; other sms settings in the config file',
  },
  {
    env: 'DOSSIER_SMS_AUTH_TOKEN',
    path: 'sms.authToken',
    kind: 'string',
    help: 'Twilio-style gateway auth token (secret)',
  },
  {
    env: 'DOSSIER_SMS_WEBHOOK_SECRET',
    path: 'sms.secret',
    kind: 'string',
    help: 'signed-webhook gateway HMAC secret (secret)',
  },
  {
    env: 'DOSSIER_MAIL_TRANSPORT',
    path: 'mail.transport',
    kind: 'string',
    help: 'outbox (development only) | smtp; other mail settings in the config file',
  },
  {
    env: 'DOSSIER_MAIL_PASSWORD',
    path: 'mail.password',
    kind: 'string',
    help: 'SMTP relay password (secret)',
  },
  {
    env: 'DOSSIER_PUBLIC_URL',
    path: 'auth.publicUrl',
    kind: 'string',
    help: 'https URL staff use to reach the internal server (links in e-mails)',
  },
  {
    env: 'DOSSIER_PORTAL_PUBLIC_URL',
    path: 'auth.portalUrl',
    kind: 'string',
    help: 'https URL clients use to reach the portal (links in invitations)',
  },
  { env: 'DOSSIER_FIRM_NAME', path: 'auth.firmName', kind: 'string', help: "the firm's name" },
  {
    env: 'DOSSIER_TRUSTED_NETWORK_SKIP',
    path: 'auth.trustedNetworkSkip',
    kind: 'bool',
    help: 'allow roles to skip the second factor inside trusted networks',
  },
  {
    env: 'DOSSIER_PASSKEYS_STAFF_PASSWORDLESS',
    path: 'auth.passkeys.staffPasswordless',
    kind: 'bool',
    help: 'allow staff to sign in with a passkey alone (user verification required)',
  },
  {
    env: 'DOSSIER_PASSKEYS_CLIENT_PASSWORDLESS',
    path: 'auth.passkeys.clientPasswordless',
    kind: 'bool',
    help: 'allow clients to sign in with a passkey alone (user verification required)',
  },
  {
    env: 'DOSSIER_DOCUMENTS_DIR',
    path: 'documents.storageDir',
    kind: 'string',
    help: 'directory of the encrypted document store (relative to the data directory)',
  },
  {
    env: 'DOSSIER_DOCUMENTS_MAX_UPLOAD_BYTES',
    path: 'documents.maxUploadBytes',
    kind: 'int',
    help: 'largest accepted upload in bytes (default 50 MiB)',
  },
  {
    env: 'DOSSIER_CLAMD_SOCKET',
    path: 'scanner.socket',
    kind: 'string',
    help: 'clamd unix socket path (instead of host and port)',
  },
  { env: 'DOSSIER_CLAMD_HOST', path: 'scanner.host', kind: 'string', help: 'clamd host' },
  { env: 'DOSSIER_CLAMD_PORT', path: 'scanner.port', kind: 'int', help: 'clamd TCP port' },
  {
    env: 'DOSSIER_CLAMD_TLS',
    path: 'scanner.tls',
    kind: 'bool',
    help: 'connect to clamd over TLS (required in production for a remote clamd)',
  },
  {
    env: 'DOSSIER_SCANNER_FAIL_OPEN',
    path: 'scanner.failOpen',
    kind: 'bool',
    help: 'accept uploads unscanned when clamd is unavailable (audited; default false)',
  },
  {
    env: 'DOSSIER_JOBS_IN_SERVER',
    path: 'jobs.inServer',
    kind: 'bool',
    help: 'run background jobs in the internal server (false: in dossier serve worker processes)',
  },
  {
    env: 'DOSSIER_SCREENING_VENDOR_API_KEY',
    path: 'screening.vendor.apiKey',
    kind: 'string',
    help: 'API key of the screening vendor (secret; the vendor itself is set in the config file)',
  },
  {
    env: 'DOSSIER_DIRECTORY_BIND_PASSWORD',
    path: 'directory.bindPassword',
    kind: 'string',
    help: 'password of the directory service account (secret; the directory itself is set in the config file)',
  },
  {
    env: 'DOSSIER_INTERNAL_HOST',
    path: 'internal.host',
    kind: 'string',
    help: 'internal server bind address',
  },
  { env: 'DOSSIER_INTERNAL_PORT', path: 'internal.port', kind: 'int', help: 'internal server port' },
  {
    env: 'DOSSIER_INTERNAL_TLS',
    path: 'internal.tls',
    kind: 'bool',
    help: 'serve the internal API over TLS',
  },
  {
    env: 'DOSSIER_INTERNAL_CERT_FILE',
    path: 'internal.certFile',
    kind: 'string',
    help: 'internal server certificate (PEM)',
  },
  {
    env: 'DOSSIER_INTERNAL_KEY_FILE',
    path: 'internal.keyFile',
    kind: 'string',
    help: 'internal server private key (PEM)',
  },
  {
    env: 'DOSSIER_LINK_HOST',
    path: 'internal.link.host',
    kind: 'string',
    help: 'mTLS link listener bind address',
  },
  { env: 'DOSSIER_LINK_PORT', path: 'internal.link.port', kind: 'int', help: 'mTLS link listener port' },
  {
    env: 'DOSSIER_LINK_CA_FILE',
    path: 'internal.link.caFile',
    kind: 'string',
    help: 'private CA that signs portal client certificates',
  },
  { env: 'DOSSIER_PORTAL_HOST', path: 'portal.host', kind: 'string', help: 'portal bind address' },
  { env: 'DOSSIER_PORTAL_PORT', path: 'portal.port', kind: 'int', help: 'portal port' },
  { env: 'DOSSIER_PORTAL_TLS', path: 'portal.tls', kind: 'bool', help: 'serve the portal over TLS' },
  {
    env: 'DOSSIER_PORTAL_CERT_FILE',
    path: 'portal.certFile',
    kind: 'string',
    help: 'portal server certificate (PEM)',
  },
  {
    env: 'DOSSIER_PORTAL_KEY_FILE',
    path: 'portal.keyFile',
    kind: 'string',
    help: 'portal server private key (PEM)',
  },
  {
    env: 'DOSSIER_PORTAL_LINK_URL',
    path: 'portal.link.url',
    kind: 'string',
    help: 'https URL of the internal server link listener',
  },
  {
    env: 'DOSSIER_PORTAL_LINK_CERT_FILE',
    path: 'portal.link.certFile',
    kind: 'string',
    help: 'portal link client certificate (PEM)',
  },
  {
    env: 'DOSSIER_PORTAL_LINK_KEY_FILE',
    path: 'portal.link.keyFile',
    kind: 'string',
    help: 'portal link client key (PEM)',
  },
  {
    env: 'DOSSIER_PORTAL_LINK_CA_FILE',
    path: 'portal.link.caFile',
    kind: 'string',
    help: 'private CA that signs the internal server certificate',
  },
  {
    env: 'DOSSIER_SHUTDOWN_GRACE_MS',
    path: 'shutdownGraceMs',
    kind: 'int',
    help: 'time allowed for in-flight requests at shutdown',
  },
];

const ALLOWED_EXTRA_ENV = new Set(['DOSSIER_CONFIG']);

function defaults(): Record<string, unknown> {
  return {
    profile: 'development',
    dataDir: './data',
    databasePoolSize: 20,
    logLevel: 'info',
    keyringFile: 'keyring.json',
    trustProxy: false,
    sms: { transport: 'console' },
    // Development: e-mails (activation links included) are written to the log, nowhere else.
    mail: { transport: 'outbox', logText: true },
    auth: {
      publicUrl: 'https://localhost:8443',
      portalUrl: 'https://localhost:9443',
      firmName: '',
      argon2: { memoryKiB: 19456, timeCost: 2, parallelism: 1 },
      password: { maxLength: 256 },
      trustedNetworkSkip: false,
      passkeys: { staffPasswordless: true, clientPasswordless: true },
      session: { idleTimeoutMinutes: 30, absoluteLifetimeHours: 12, stepUpMinutes: 10, loginStepMinutes: 5 },
      throttle: {},
    },
    documents: {
      storageDir: 'documents',
      maxUploadBytes: 50 * MiB,
      segmentSize: 64 * 1024,
      archive: { maxEntries: 1000, maxUnpackedBytes: 200 * MiB, maxRatio: 100 },
      uploadLeaseSeconds: 120,
      retentionDays: 1825,
    },
    scanner: {
      host: '127.0.0.1',
      port: 3310,
      tls: false,
      connectTimeoutMs: 2000,
      idleTimeoutMs: 30000,
      scanTimeoutMs: 300000,
      failOpen: false,
    },
    screening: { vendor: null },
    sso: { providers: [] },
    jobs: { inServer: true },
    internal: {
      host: '127.0.0.1',
      port: 8443,
      tls: true,
      certFile: 'pki/internal.crt',
      keyFile: 'pki/internal.key',
      link: { host: '127.0.0.1', port: 8444, caFile: 'pki/ca.crt' },
    },
    portal: {
      host: '127.0.0.1',
      port: 9443,
      tls: true,
      certFile: 'pki/portal.crt',
      keyFile: 'pki/portal.key',
      link: {
        url: 'https://localhost:8444',
        certFile: 'pki/portal-link.crt',
        keyFile: 'pki/portal-link.key',
        caFile: 'pki/ca.crt',
        timeoutMs: 5000,
      },
    },
    shutdownGraceMs: 10000,
  };
}

function isTransportSwitch(base: unknown, over: unknown): boolean {
  const t = (o: unknown) =>
    o && typeof o === 'object' && !Array.isArray(o) ? (o as Record<string, unknown>)['transport'] : undefined;
  return t(base) !== undefined && t(over) !== undefined && t(base) !== t(over);
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    if (typeof node[part] !== 'object' || node[part] === null) node[part] = {};
    if (isTransportSwitch(node[part], { transport: value }) && path === `${part}.transport`) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts.at(-1)!] = value;
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    // Settings of a transport (sms, mail) are a union: another transport starts from nothing.
    if (isTransportSwitch(b, v)) {
      out[k] = v;
      continue;
    }
    out[k] =
      v && typeof v === 'object' && !Array.isArray(v) && b && typeof b === 'object' && !Array.isArray(b)
        ? deepMerge(b as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}

function parseEnvValue(name: string, kind: Kind, raw: string, problems: string[]): unknown {
  switch (kind) {
    case 'string':
      return raw;
    case 'int': {
      if (!/^\d+$/.test(raw)) problems.push(`${name}: expected a whole number, got "${raw}"`);
      return Number(raw);
    }
    case 'bool': {
      if (raw === 'true' || raw === '1') return true;
      if (raw === 'false' || raw === '0') return false;
      problems.push(`${name}: expected true or false, got "${raw}"`);
      return raw;
    }
    case 'proxies': {
      if (raw === 'true') return true;
      if (raw === 'false' || raw === '') return false;
      return raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    }
  }
}

const FILE_SETTINGS = [
  'keyringFile',
  'documents.storageDir',
  'internal.certFile',
  'internal.keyFile',
  'internal.link.caFile',
  'portal.certFile',
  'portal.keyFile',
  'portal.link.certFile',
  'portal.link.keyFile',
  'portal.link.caFile',
] as const;

function getPath(obj: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>((n, p) => (n as Record<string, unknown> | undefined)?.[p], obj);
}

/**
 * Parses configuration. Pure apart from reading the optional config file and checking, in the
 * production profile, that the key ring exists. Throws ConfigError naming each bad setting.
 */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
  role: ServerRole = 'internal',
): Config {
  const problems: string[] = [];
  let merged = defaults();

  const known = new Set(ENV_VARS.map((v) => v.env));
  for (const name of Object.keys(env)) {
    if (
      name.startsWith('DOSSIER_') &&
      !name.startsWith('DOSSIER_TEST_') &&
      !known.has(name) &&
      !ALLOWED_EXTRA_ENV.has(name) &&
      !SSO_SECRET_VARIABLE.test(name)
    ) {
      problems.push(`${name}: unknown setting (see docs/CONFIGURATION in the README)`);
    }
  }

  const file = env['DOSSIER_CONFIG'];
  if (file) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(resolve(cwd, file), 'utf8'));
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
        throw new Error('not a JSON object');
      merged = deepMerge(merged, parsed as Record<string, unknown>);
    } catch (err) {
      problems.push(`DOSSIER_CONFIG: cannot read ${file}: ${(err as Error).message}`);
    }
  }

  for (const spec of ENV_VARS) {
    const raw = env[spec.env];
    if (raw === undefined) continue;
    setPath(merged, spec.path, parseEnvValue(spec.env, spec.kind, raw, problems));
  }
  applySsoProviders(merged, env, problems);

  const ajv = createAjv();
  const validate = ajv.compile(ConfigSchema);
  if (!validate(merged)) {
    for (const e of describeAjvErrors(validate.errors)) {
      const setting = e.path.replace(/^\//, '').replaceAll('/', '.');
      const envName = ENV_VARS.find((v) => v.path === setting)?.env;
      problems.push(`${envName ? `${envName} (${setting})` : setting || 'config'}: ${e.message}`);
    }
  }
  if (problems.length) throw new ConfigError(problems);

  const cfg = merged as Static<typeof ConfigSchema>;
  cfg.dataDir = resolve(cwd, cfg.dataDir);
  for (const p of FILE_SETTINGS) {
    const v = getPath(cfg, p) as string;
    if (!isAbsolute(v)) setPath(cfg, p, resolve(cfg.dataDir, v));
  }
  if (cfg.scanner.caFile && !isAbsolute(cfg.scanner.caFile))
    cfg.scanner.caFile = resolve(cfg.dataDir, cfg.scanner.caFile);
  if (cfg.directory && !isAbsolute(cfg.directory.caFile))
    cfg.directory.caFile = resolve(cfg.dataDir, cfg.directory.caFile);
  problems.push(...directoryConfigProblems(cfg.directory, { throttle: cfg.auth.throttle, role }));
  // The DMZ portal has no single sign-on: it is not even given the providers or their secrets.
  if (role === 'portal') cfg.sso = { providers: [] };
  problems.push(...ssoSettingsProblems(cfg.sso));
  for (const p of cfg.sso.providers)
    if (p.caFile && !isAbsolute(p.caFile)) p.caFile = resolve(cfg.dataDir, p.caFile);

  problems.push(...productionProblems(cfg, role));
  // The DMZ portal must not even be given the secrets a compromised host would yield (any profile).
  if (role === 'portal') {
    if (cfg.databaseUrl)
      problems.push(`${label('databaseUrl')}: the portal must not be given the database URL`);
    if (cfg.keyring) problems.push(`${label('keyring')}: the portal must not be given the key ring`);
  }
  if (problems.length) throw new ConfigError(problems);
  return deepFreeze(cfg);
}

/**
 * The password minimum that follows the configuration (NIST 800-63B): 8 when a second factor
 * always follows the password, 15 when trusted networks may let some users sign in with the
 * password alone. A configured minimum may only raise it.
 */
export function authPasswordMinLength(cfg: Pick<Config, 'auth'>): number {
  const floor = cfg.auth.trustedNetworkSkip ? 15 : 8;
  return Math.max(floor, cfg.auth.password.minLength ?? floor);
}

/**
 * SSO providers come from the file (an array: no per-field environment variables); each gets the
 * defaults of a provider, and its client secret from DOSSIER_SSO_<ID>_CLIENT_SECRET when set.
 */
function applySsoProviders(
  merged: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  problems: string[],
): void {
  const sso = merged['sso'] as { providers?: unknown } | undefined;
  if (!sso || !Array.isArray(sso.providers)) return;
  sso.providers = sso.providers.map((p: unknown) =>
    p && typeof p === 'object' && !Array.isArray(p)
      ? deepMerge(
          structuredClone(SSO_PROVIDER_DEFAULTS) as Record<string, unknown>,
          p as Record<string, unknown>,
        )
      : p,
  );
  const ids = new Set<string>();
  for (const p of sso.providers as Record<string, unknown>[]) {
    if (typeof p?.['id'] !== 'string') continue;
    ids.add(ssoSecretVariable(p['id']));
    const secret = env[ssoSecretVariable(p['id'])];
    if (secret !== undefined) p['clientSecret'] = secret;
  }
  for (const name of Object.keys(env))
    if (SSO_SECRET_VARIABLE.test(name) && !ids.has(name))
      problems.push(`${name}: no SSO provider with that id in sso.providers`);
}

function label(path: string): string {
  const envName = ENV_VARS.find((v) => v.path === path)?.env;
  return envName ? `${envName} (${path})` : path;
}

/**
 * Which process the configuration is for. The DMZ portal holds no key ring and no database, so
 * those settings are only required of the internal server (and of the CLI, which acts like it).
 */
export type ServerRole = 'internal' | 'portal' | 'all' | 'init';

/** The settings the production profile refuses, each named. */
export function productionProblems(
  cfg: Static<typeof ConfigSchema>,
  role: ServerRole = 'internal',
): string[] {
  if (cfg.profile !== 'production') return [];
  const out: string[] = [];
  const internal = role !== 'portal';
  const portal = role !== 'internal';
  if (internal && !cfg.internal.tls)
    out.push(`${label('internal.tls')}: plain HTTP is not allowed in production`);
  if (portal && !cfg.portal.tls) out.push(`${label('portal.tls')}: plain HTTP is not allowed in production`);
  if (portal && !cfg.portal.link.url.startsWith('https://'))
    out.push(`${label('portal.link.url')}: the link must use https`);
  if (cfg.trustProxy === true) {
    out.push(
      `${label('trustProxy')}: "true" trusts X-Forwarded-For from anyone; list the proxy addresses instead`,
    );
  }
  if (!internal) return out;
  if (!cfg.auth.publicUrl.startsWith('https://'))
    out.push(`${label('auth.publicUrl')}: links sent to staff must use https`);
  if (!cfg.auth.portalUrl.startsWith('https://'))
    out.push(`${label('auth.portalUrl')}: invitation links sent to clients must use https`);
  if (cfg.sms.transport === 'console')
    out.push(
      `${label('sms.transport')}: the development SMS transport "console" is not allowed in production`,
    );
  if (cfg.mail.transport === 'outbox')
    out.push(
      `${label('mail.transport')}: the development mail outbox is not allowed in production; configure an SMTP relay`,
    );
  else if (cfg.mail.security === 'none')
    out.push(`${label('mail.security')}: mail must be sent over TLS in production (starttls or tls)`);
  // `dossier init` is what creates the key ring.
  if (role !== 'init' && !cfg.keyring && !existsSync(cfg.keyringFile)) {
    out.push(
      `${label('keyringFile')}: key ring missing (${cfg.keyringFile}); run "dossier init" or set DOSSIER_KEYRING`,
    );
  }
  if (!cfg.scanner.socket && !cfg.scanner.tls && !isLoopback(cfg.scanner.host))
    out.push(
      `${label('scanner.tls')}: files are sent to a remote clamd (${cfg.scanner.host}); use TLS (scanner.tls) or a unix socket`,
    );
  if (!cfg.databaseUrl)
    out.push(
      `${label('databaseUrl')}: production runs on PostgreSQL; the embedded database is for evaluation`,
    );
  return out;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function deepFreeze<T>(obj: T): T {
  if (obj && typeof obj === 'object') {
    for (const v of Object.values(obj)) deepFreeze(v);
    Object.freeze(obj);
  }
  return obj;
}
