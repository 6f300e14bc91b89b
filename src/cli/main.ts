#!/usr/bin/env node
/** `dossier`: the command line. Each command has --help. */
import { Command, InvalidArgumentError } from 'commander';
import { join } from 'node:path';
import { migrate } from '../db/migrate.ts';
import { seedDemo } from '../db/seeds/demo.ts';
import { ALL_RIGHTS, isRight, type Right } from '../modules/access/rights.ts';
import { createApiKey, listApiKeys, revokeApiKey } from '../modules/api-keys/index.ts';
import { createStaffMail } from '../modules/auth/notifications/index.ts';
import { createStaffUser } from '../modules/auth/users/index.ts';
import {
  BUILT_IN_ROLE_IDS,
  BUILT_IN_ROLES,
  createRole,
  listRoles,
  setUserRoles,
} from '../modules/roles/index.ts';
import { createMailer, type MailLogger } from '../platform/mail/index.ts';
import { inTransaction } from '../db/transaction.ts';
import { appendAudit, verifyAuditChain } from '../modules/audit/index.ts';
import { openConfiguredDatabase } from '../servers/internal/main.ts';
import { initialise, printInit } from './commands/init.ts';
import { registerKeyCommands } from './commands/keys.ts';
import { registerListCommands } from './commands/lists.ts';
import { registerDirectoryCommands } from './commands/directory.ts';
import { installShutdown, serveAll, serveInternal, servePortal, serveWorker } from './commands/serve.ts';
import { CliError, config, keyring, systemCtx, withDatabase } from './runtime.ts';

const out = (line: string) => console.log(line);

/** Mail transport notices on stderr; the development outbox's message text printed as is. */
const cliMailLogger: MailLogger = {
  info: (obj, msg) => {
    const { text, ...rest } = obj;
    console.error(`${msg} ${JSON.stringify(rest)}${typeof text === 'string' ? `\n${text}` : ''}`);
  },
  warn: (obj, msg) => console.error(`${msg} ${JSON.stringify(obj)}`),
};

function parseRights(value: string): Right[] {
  const rights = value
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  if (rights.length === 1 && rights[0] === 'all') return [...ALL_RIGHTS];
  const bad = rights.filter((r) => !isRight(r));
  if (bad.length || !rights.length)
    throw new InvalidArgumentError(
      `unknown right(s): ${bad.join(', ') || '(none)'}. Known: ${ALL_RIGHTS.join(', ')}, or "all"`,
    );
  return rights as Right[];
}

function banner(
  urls: { apiUrl: string; linkUrl: string; portalUrl: string },
  dataDir: string,
  embedded: boolean,
): void {
  out('');
  out(`Dossier is running${embedded ? ` on the embedded database in ${dataDir}` : ' on PostgreSQL'}`);
  out(`  Internal API     ${urls.apiUrl}/api/v1   (OpenAPI: ${urls.apiUrl}/api/docs)`);
  out(`  Portal           ${urls.portalUrl}`);
  out(`  Link (mTLS)      ${urls.linkUrl}`);
  out(`  Private CA       ${join(dataDir, 'pki', 'ca.crt')}   (curl --cacert it, or trust it in a browser)`);
  out('');
}

const program = new Command('dossier')
  .description(
    'Dossier: on-premise KYC and client lifecycle. Configuration comes from DOSSIER_* variables (see README).',
  )
  .showHelpAfterError();

program
  .command('init')
  .description(
    'create the data directory, key ring, private CA and certificates, schema and the first administrator API key',
  )
  .option(
    '--host <name...>',
    "extra DNS names or IP addresses for the server certificates (e.g. the portal's public name)",
  )
  .action(async (opts: { host?: string[] }) => {
    const cfg = config('init');
    printInit(await initialise(cfg, { hosts: opts.host ?? [] }), cfg, out);
    out('Initialised.');
  });

program
  .command('migrate')
  .description('apply pending database migrations (safe to run while other servers start: it takes a lock)')
  .action(async () => {
    const cfg = config();
    const database = await openConfiguredDatabase(cfg);
    try {
      const r = await migrate(database);
      out(r.applied.length ? `Applied: ${r.applied.join(', ')}` : 'Database is up to date.');
    } finally {
      await database.close();
    }
  });

program
  .command('serve')
  .description(
    'run a server: internal (staff API + mTLS link), portal (DMZ), all (both, portal in a child process), or worker (background jobs, PostgreSQL)',
  )
  .argument('<which>', 'internal | portal | all | worker', (v) => {
    if (!['internal', 'portal', 'all', 'worker'].includes(v))
      throw new InvalidArgumentError('expected internal, portal, all or worker');
    return v;
  })
  .action(async (which: string) => {
    if (which === 'portal') return servePortal();
    if (which === 'worker') {
      const cfg = config('internal');
      let w;
      try {
        w = await serveWorker(cfg);
      } catch (err) {
        throw new CliError((err as Error).message);
      }
      out('Worker running: background jobs (screening monitoring).');
      installShutdown(cfg, [w.close]);
      return;
    }
    const cfg = config(which === 'all' ? 'all' : 'internal');
    if (which === 'internal') {
      const s = await serveInternal(cfg);
      out(`Internal API listening on ${s.apiUrl}; link on ${s.linkUrl}`);
      installShutdown(cfg, [s.close]);
      return;
    }
    const s = await serveAll(cfg);
    banner({ apiUrl: s.apiUrl, linkUrl: s.linkUrl, portalUrl: s.portalUrl }, cfg.dataDir, !cfg.databaseUrl);
    installShutdown(cfg, [s.close]);
  });

program
  .command('start')
  .description('first run and every run: initialise what is missing, then serve internal + portal')
  .action(async () => {
    const cfg = config('all');
    const init = await initialise(cfg);
    printInit(init, cfg, out);
    const s = await serveAll(cfg);
    banner({ apiUrl: s.apiUrl, linkUrl: s.linkUrl, portalUrl: s.portalUrl }, cfg.dataDir, !cfg.databaseUrl);
    if (!init.adminToken)
      out(
        'The administrator API key was printed on the first start. Create another: npm run dossier -- api-keys create --name <name> --rights all',
      );
    installShutdown(cfg, [s.close]);
  });

program
  .command('seed')
  .description('load data sets')
  .command('demo')
  .description('a demo programme, persons, a company with a two-level ownership chain and an application')
  .action(async () => {
    const cfg = config();
    const ring = keyring(cfg);
    await withDatabase(cfg, async (database) => {
      const r = await seedDemo(systemCtx(database, ring));
      out(
        `Demo data loaded: programme ${r.programmeId}, application ${r.applicationReference}, ${r.subjectIds.length} subjects.`,
      );
    });
  });

const audit = program.command('audit').description('the audit trail');
audit
  .command('verify')
  .description(
    'recompute the hash chain; exit 1 and name the first bad row if anything was altered, removed or reordered',
  )
  .action(async () => {
    const cfg = config();
    const ring = keyring(cfg);
    await withDatabase(cfg, async (database) => {
      const v = await verifyAuditChain(database.db);
      if (v.ok) {
        out(`Audit trail intact: ${v.checked} events, head ${v.headSeq} ${v.headHash}`);
        out('Record the head hash outside this system to detect a rewrite of the whole trail.');
      } else {
        process.exitCode = 1;
        out(
          `AUDIT TRAIL BROKEN at event ${v.firstBad!.seq}: ${v.firstBad!.reason} (${v.checked} events verified before it)`,
        );
      }
      const ctx = systemCtx(database, ring);
      await inTransaction(database.db, (tx) =>
        appendAudit(tx, ctx, {
          type: 'audit.verified',
          target: { type: 'audit', id: 'chain' },
          payload: { ok: v.ok, checked: v.checked, firstBadSeq: v.firstBad?.seq ?? null },
        }),
      ).catch(() => undefined);
    });
  });

const keys = program.command('api-keys').description('API keys for integrations and administration');
keys
  .command('create')
  .description('create a key; the token is printed once')
  .requiredOption('--name <name>', 'what the key is for')
  .requiredOption('--rights <list>', 'comma-separated rights, or "all"', parseRights)
  .option('--expires <iso-date-time>', 'expiry, e.g. 2027-06-30T00:00:00Z')
  .action(async (opts: { name: string; rights: Right[]; expires?: string }) => {
    const cfg = config();
    const ring = keyring(cfg);
    await withDatabase(cfg, async (database) => {
      if (opts.expires && Number.isNaN(Date.parse(opts.expires)))
        throw new CliError('--expires: not a date-time');
      const r = await createApiKey(systemCtx(database, ring), {
        name: opts.name,
        rights: opts.rights,
        expiresAt: opts.expires ? new Date(opts.expires).toISOString() : undefined,
      });
      out(`Created API key ${r.apiKey.id} (${r.apiKey.name}) with rights: ${r.apiKey.rights.join(', ')}`);
      out(`Token (shown once): ${r.token}`);
    });
  });
keys
  .command('list')
  .description('list keys (never their secrets)')
  .action(async () => {
    const cfg = config();
    const ring = keyring(cfg);
    await withDatabase(cfg, async (database) => {
      for (const k of await listApiKeys(systemCtx(database, ring))) {
        const state = k.revokedAt
          ? `revoked ${k.revokedAt}`
          : k.expiresAt && Date.parse(k.expiresAt) < Date.now()
            ? 'expired'
            : 'active';
        out(`${k.id}  dsk_${k.prefix}_…  ${state.padEnd(8)}  ${k.name}  [${k.rights.join(',')}]`);
      }
    });
  });
keys
  .command('revoke')
  .description('revoke a key by id; it stops working on the next request')
  .argument('<id>', 'key id (uuid)')
  .action(async (id: string) => {
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw new CliError('expected a key id (uuid)', 2);
    const cfg = config();
    const ring = keyring(cfg);
    await withDatabase(cfg, async (database) => {
      const k = await revokeApiKey(systemCtx(database, ring), id);
      out(`Revoked ${k.id} (${k.name}) at ${k.revokedAt}`);
    });
  });

const users = program.command('users').description('staff users');
users
  .command('create-admin')
  .description(
    'create a staff administrator (the built-in Administrator role); the activation link is e-mailed to them',
  )
  .requiredOption('--username <name>', 'login name')
  .requiredOption('--email <address>', 'where the activation link goes')
  .requiredOption('--name <display-name>', 'display name')
  .action(async (opts: { username: string; email: string; name: string }) => {
    const cfg = config();
    const ring = keyring(cfg);
    await withDatabase(cfg, async (database) => {
      const ctx = systemCtx(database, ring);
      const created = await createStaffUser(ctx, {
        username: opts.username,
        displayName: opts.name,
        email: opts.email,
      });
      // The built-in Administrator role (by its fixed id, whatever it was renamed to); recreated from
      // its definition if an administrator deleted it.
      const builtIn = BUILT_IN_ROLES.find((r) => r.id === BUILT_IN_ROLE_IDS.administrator)!;
      const role =
        (await listRoles(ctx)).find((r) => r.id === builtIn.id) ??
        (await createRole(ctx, {
          name: `${builtIn.name} (${new Date().toISOString().slice(0, 10)})`,
          description: 'Recreated by dossier users create-admin',
          rights: [...builtIn.rights],
        }));
      await setUserRoles(ctx, created.user.id, [role.id]);
      const mail = createStaffMail({
        db: database.db,
        mailer: createMailer(cfg.mail, { logger: cliMailLogger }),
        publicUrl: cfg.auth.publicUrl,
        firmName: cfg.auth.firmName,
      });
      const { token, expiresAt } = created.activationToken;
      const sent = await mail.sendActivation(ctx, created.user.id, token, expiresAt);
      out(`Created staff user ${created.user.username} (${created.user.id}) with role ${role.name}.`);
      if (!sent)
        throw new CliError(
          'the activation e-mail could not be sent (see the audit trail); fix the mail settings, then start a password reset for this user',
        );
      out(`Activation link e-mailed to ${opts.email}; it expires at ${expiresAt}.`);
    });
  });

registerKeyCommands(program);
registerListCommands(program);
registerDirectoryCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CliError) {
    console.error(`dossier: ${err.message}`);
    process.exitCode = err.exitCode;
  } else if (err instanceof Error && err.name === 'AppError') {
    console.error(`dossier: ${err.message}`);
    process.exitCode = 1;
  } else {
    console.error('dossier: unexpected error:', err);
    process.exitCode = 1;
  }
}
