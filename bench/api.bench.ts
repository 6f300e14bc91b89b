/**
 * `npm run bench:api`: throughput and latency of GET /api/v1/subjects/:id through the whole stack
 * (access gate with API-key lookup, repository, presenter, response schema) on PostgreSQL and on
 * the embedded PGlite, next to a bare Fastify route measured in the same run on the same machine.
 *
 * Each target runs in its own child process; autocannon drives it from this process over loopback
 * (plain HTTP for every target, so TLS cost does not blur the ratio). Runs are interleaved and the
 * median of each figure is reported. Options: --runs N (3), --duration S (8), --connections C (50).
 */
import { fork } from 'node:child_process';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { BuiltInScreeningProvider } from '../src/modules/screening/index.ts';
import { createCtx } from '../src/platform/context.ts';
import { generateKeyring, Keyring } from '../src/platform/crypto/keyring.ts';
import { loadConfig } from '../src/platform/config.ts';
import { ALL_RIGHTS } from '../src/modules/access/rights.ts';
import { createApiKey } from '../src/modules/api-keys/index.ts';
import { createSubject } from '../src/modules/subjects/index.ts';
import { createAuthServices } from '../src/servers/internal/auth-services.ts';
import { buildInternalApp } from '../src/servers/internal/build-app.ts';
import { median, openBenchDatabase, PG_URL, postgresReachable, benchDocumentServices } from './support.ts';

type Target = 'bare' | 'pglite' | 'postgres';
interface Ready {
  port: number;
  path: string;
  token: string | null;
}

async function serve(target: Target): Promise<void> {
  if (target === 'bare') {
    const app = Fastify();
    const body = {
      id: '00000000-0000-4000-8000-000000000000',
      kind: 'person',
      displayName: 'Bench Person',
      version: 1,
    };
    app.get('/bare/:id', async (req) => ({ ...body, id: (req.params as { id: string }).id }));
    await app.listen({ host: '127.0.0.1', port: 0 });
    process.send!({
      port: (app.server.address() as { port: number }).port,
      path: `/bare/${body.id}`,
      token: null,
    } satisfies Ready);
    return;
  }
  const { database, drop: dropDb } = await openBenchDatabase(target);
  const keyring = new Keyring(generateKeyring());
  const ctx = createCtx({
    db: database.db,
    keyring,
    actor: { kind: 'system', label: 'bench', rights: new Set(ALL_RIGHTS) },
  });
  const { token } = await createApiKey(ctx, { name: 'bench', rights: ['subject:read'] });
  const subject = await createSubject(ctx, {
    kind: 'person',
    givenNames: 'Ada',
    familyName: 'Lovelace',
    dateOfBirth: '1985-12-10',
    nationalities: ['GB'],
    identityDocuments: [{ type: 'passport', number: '123456789', country: 'GB' }],
  });
  const config = loadConfig({ DOSSIER_INTERNAL_TLS: 'false', DOSSIER_DATA_DIR: '/nonexistent-bench' }, '/');
  const auth = createAuthServices(config, database, keyring);
  const app = await buildInternalApp({
    config,
    database,
    keyring,
    auth,
    documents: benchDocumentServices(config),
    screening: new BuiltInScreeningProvider(),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const id = (subject as { subject: { id: string } }).subject.id;
  process.send!({
    port: (app.server.address() as { port: number }).port,
    path: `/api/v1/subjects/${id}`,
    token,
  } satisfies Ready);
  process.on('SIGTERM', () => {
    void app
      .close()
      .then(() => database.close())
      .then(() => dropDb?.())
      .finally(() => process.exit(0));
  });
}

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

async function measure(target: Target, seconds: number, connections: number): Promise<Figures> {
  const child = fork(new URL(import.meta.url).pathname, ['--serve', target], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    const ready = await new Promise<Ready>((resolve, reject) => {
      child.once('message', (m) => resolve(m as Ready));
      child.once('exit', (code) => reject(new Error(`${target} server exited with ${code}`)));
    });
    const opts = {
      url: `http://127.0.0.1:${ready.port}${ready.path}`,
      connections,
      headers: ready.token ? { authorization: `Bearer ${ready.token}` } : {},
    };
    await autocannon({ ...opts, duration: 2 }); // warm-up: JIT, pools, caches
    const r = await autocannon({ ...opts, duration: seconds });
    if (r.non2xx > 0) throw new Error(`${target}: ${r.non2xx} non-2xx responses`);
    return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.timeouts };
  } finally {
    await new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      serve: { type: 'string' },
      runs: { type: 'string', default: '3' },
      duration: { type: 'string', default: '8' },
      connections: { type: 'string', default: '50' },
    },
  });
  if (values.serve) return serve(values.serve as Target);
  const runs = Number(values.runs);
  const duration = Number(values.duration);
  const connections = Number(values.connections);
  const targets: Target[] = ['bare', 'pglite'];
  if (await postgresReachable()) targets.push('postgres');
  else
    console.log(
      `PostgreSQL not reachable at ${PG_URL.replace(/\/\/[^@]*@/, '//')}: skipping that target (set DOSSIER_BENCH_DATABASE_URL)`,
    );

  console.log(
    `bench:api — ${runs} interleaved runs × ${duration}s, ${connections} connections, plain HTTP on loopback`,
  );
  const results: Record<string, Figures[]> = {};
  for (let run = 1; run <= runs; run++) {
    for (const t of targets) {
      const f = await measure(t, duration, connections);
      (results[t] ??= []).push(f);
      console.log(
        `  run ${run} ${t.padEnd(8)} ${f.rps.toFixed(0).padStart(7)} req/s  p50 ${f.p50} ms  p99 ${f.p99} ms`,
      );
    }
  }
  const bareRps = median(results['bare']!.map((f) => f.rps));
  console.log('');
  console.log('target                              req/s   ratio to bare   p50 ms   p99 ms   goal');
  for (const t of targets) {
    const rps = median(results[t]!.map((f) => f.rps));
    const p50 = median(results[t]!.map((f) => f.p50));
    const p99 = median(results[t]!.map((f) => f.p99));
    const label = t === 'bare' ? 'bare Fastify route' : `GET /api/v1/subjects/:id [${t}]`;
    const ratio = rps / bareRps;
    const goal =
      t === 'postgres'
        ? `ratio ≥ 0.12 ${ratio >= 0.12 ? 'MET' : 'MISSED'}, p99 ≤ 25 ms ${p99 <= 25 ? 'MET' : 'MISSED'}`
        : t === 'pglite'
          ? '(embedded: no target)'
          : 'baseline';
    console.log(
      `${label.padEnd(34)} ${rps.toFixed(0).padStart(7)}   ${ratio.toFixed(3).padStart(13)}   ${String(p50).padStart(6)}   ${String(p99).padStart(6)}   ${goal}`,
    );
  }
}

await main();
