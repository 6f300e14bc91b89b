/**
 * `npm run bench:screening -- --data DIR`: every quality (Q1–Q3) and speed (S1–S7) figure of the
 * target tables in the screening design, in one run, next to the references (logic-v2, Watchman,
 * yente) and with met / not met per target.
 *
 * DIR holds `sanctions/` and `eval/` (not in the repository: licences); default: the environment
 * variable DOSSIER_SCREENING_DATA. The engine is src/modules/screening/engine/matcher.ts, loaded
 * dynamically; while it does not exist a naive stand-in runs and the output says so.
 *
 * Quality figures are computed once (they are deterministic). Speed figures are medians of --runs
 * runs; S1, S2/S3, S4 and S6 run in child processes (their memory is their own), S5 across
 * worker_threads. S4 and S6 (one million names) run --big-runs times (1). --skip S4,S6 leaves
 * figures out. --engine stand-in forces the stand-in.
 */
import { fork } from 'node:child_process';
import cluster from 'node:cluster';
import { existsSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import Fastify from 'fastify';
import { DEFAULT_THRESHOLD, type ScreeningQuery } from '../src/modules/screening/engine/api.ts';
import type { ListEntity, ListSchema } from '../src/modules/screening/lists/index.ts';
import {
  bigramDice,
  buildFromFiles,
  dataPaths,
  loadEngine,
  loadLists,
  mutate,
  percentile,
  personQuery,
  prng,
  readCsv,
  readPeople,
  syntheticEntities,
  syntheticEntityStream,
  tokenSetKey,
  type DataPaths,
  type Engine,
  type Person,
} from './screening-support.ts';
import type { WorkerJob, WorkerResult } from './screening-worker.ts';
import { median } from './support.ts';

const THIS = new URL(import.meta.url).pathname;
const WORKER = new URL('./screening-worker.ts', import.meta.url).pathname;
const S1_CHILD = new URL('./screening-s1.ts', import.meta.url).pathname;
const T = DEFAULT_THRESHOLD;
const IDS = ['Q1', 'Q2', 'Q3', 'S1', 'S2', 'S3', 'S4', 'S5', 'S6', 'S7'] as const;
const BIG = 1_000_000;

const maxRssMiB = (): number => process.resourceUsage().maxRSS / 1024;
const f = (x: number, d = 0): string => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
const pct = (x: number, d = 1): string => `${f(100 * x, d)}%`;
const ms = (x: number): string => (x < 10 ? x.toFixed(2) : x.toFixed(1));
const verdict = (ok: boolean): string => (ok ? 'MET' : 'NOT MET');

interface Row {
  id: string;
  measure: string;
  figure: string;
  reference: string;
  target: string;
  ok: boolean | null;
}
const summary: Row[] = [];
function report(row: Row): void {
  summary.push(row);
}

// ---- Q1 ------------------------------------------------------------------------------------------

interface Scored {
  group: string;
  quality: string;
  isMatch: boolean;
  score: number;
}
interface Prf {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  p: number;
  r: number;
  f1: number;
}
function prf(rows: Scored[], threshold: number): Prf {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  for (const r of rows) {
    const yes = r.score >= threshold;
    if (yes && r.isMatch) tp++;
    else if (yes) fp++;
    else if (r.isMatch) fn++;
    else tn++;
  }
  const p = tp / (tp + fp || 1);
  const r = tp / (tp + fn || 1);
  return { tp, fp, fn, tn, p, r, f1: p + r ? (2 * p * r) / (p + r) : 0 };
}
const ORDER = ['STRONG-match', 'MEDIUM-match', 'WEAK-match', 'WEAK-non', 'MEDIUM-non', 'STRONG-non'] as const;
function means(rows: Scored[]): { means: number[]; ordered: boolean } {
  const ms6 = ORDER.map((k) => {
    const [q, m] = k.split('-');
    const xs = rows.filter((r) => r.quality === q && r.isMatch === (m === 'match')).map((r) => r.score);
    return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN;
  });
  return { means: ms6, ordered: ms6.every((x, i) => i === 0 || x < ms6[i - 1]!) };
}
const strongRight = (rows: Scored[]): [number, number] => {
  const s = rows.filter((r) => r.quality === 'STRONG');
  return [s.filter((r) => r.score >= T === r.isMatch).length, s.length];
};

function q1(engine: Engine, paths: DataPaths): { pairs: [string, string, ListSchema][] } {
  const cases = readCsv(paths.cases);
  const quality = (q: string | undefined): string => (q ? q.toUpperCase() : 'MEDIUM');
  const ours: Scored[] = cases.map((c) => ({
    group: c['case_group']!,
    quality: quality(c['quality']),
    isMatch: c['is_match'] === 'true',
    score: engine.scoreNames(c['name1']!, c['name2']!, c['schema'] as ListSchema).score,
  }));
  const frozen = readCsv(paths.logicv2);
  const ref: Scored[] = frozen.map((c) => ({
    group: c['case_group']!,
    quality: quality(c['quality']),
    isMatch: c['is_match'] === 'true',
    score: Number(c['score']),
  }));
  const a = prf(ours, T);
  const b = prf(ref, T);
  console.log(
    `\nQ1 name pairs at threshold ${T}: ${ours.length} cases (logic-v2 frozen: ${ref.length} rows)`,
  );
  console.log('                        P      R      F1     TP   FP   FN   TN');
  const line = (label: string, x: Prf): void =>
    console.log(
      `  ${label.padEnd(20)} ${f(x.p, 3)}  ${f(x.r, 3)}  ${f(x.f1, 3)}  ${String(x.tp).padStart(4)} ${String(x.fp).padStart(4)} ${String(x.fn).padStart(4)} ${String(x.tn).padStart(4)}`,
    );
  line(engine.realScore ? 'engine' : 'engine (stand-in)', a);
  line('logic-v2 (stored)', b);
  const groups = [...new Set(ours.map((r) => r.group))];
  const groupTargets: Record<string, number> = { synth_people: 0.7, synth_companies: 0.78, nk_checks: 0.9 };
  const published: Record<string, number> = {
    nk_checks: 0.89,
    nk_unit_tests: 0.9,
    synth_companies: 0.71,
    synth_people: 0.63,
  };
  console.log('  per group           n    F1    logic-v2 F1 (here / published)   target');
  const groupOk: boolean[] = [];
  for (const g of groups) {
    const x = prf(
      ours.filter((r) => r.group === g),
      T,
    );
    const y = prf(
      ref.filter((r) => r.group === g),
      T,
    );
    const tgt = groupTargets[g];
    if (tgt !== undefined) groupOk.push(x.f1 >= tgt);
    console.log(
      `    ${g.padEnd(16)} ${String(ours.filter((r) => r.group === g).length).padStart(4)}  ${f(x.f1, 3)}  ${ref.some((r) => r.group === g) ? f(y.f1, 3) : '  -  '} / ${published[g] !== undefined ? f(published[g], 2) : '  - '}${' '.repeat(20)}${tgt !== undefined ? `≥ ${tgt} ${verdict(x.f1 >= tgt)}` : ''}`,
    );
  }
  const [sr, sn] = strongRight(ours);
  const [rr, rn] = strongRight(ref);
  console.log(`  STRONG rows right: ${sr}/${sn} (logic-v2 ${rr}/${rn}; published 33/34)`);
  const m = means(ours);
  const mr = means(ref);
  console.log(`  mean score by tier   ${ORDER.map((o) => o.padStart(12)).join(' ')}   ordered`);
  console.log(`    engine             ${m.means.map((x) => f(x, 3).padStart(12)).join(' ')}   ${m.ordered}`);
  console.log(
    `    logic-v2           ${mr.means.map((x) => f(x, 3).padStart(12)).join(' ')}   ${mr.ordered}`,
  );
  report({
    id: 'Q1',
    measure: 'F1 on cases.csv',
    figure: f(a.f1, 3),
    reference: `logic-v2 ${f(b.f1, 3)} here (published 0.790)`,
    target: '≥ 0.83',
    ok: a.f1 >= 0.83,
  });
  report({
    id: 'Q1',
    measure: 'per group F1 (people/companies/nk_checks)',
    figure: ['synth_people', 'synth_companies', 'nk_checks']
      .map((g) =>
        f(
          prf(
            ours.filter((r) => r.group === g),
            T,
          ).f1,
          2,
        ),
      )
      .join(' / '),
    reference: 'logic-v2 0.63 / 0.71 / 0.89',
    target: '≥ 0.70 / 0.78 / 0.90',
    ok: groupOk.every(Boolean),
  });
  report({
    id: 'Q1',
    measure: 'STRONG rows right',
    figure: `${sr}/${sn}`,
    reference: `logic-v2 ${rr}/${rn}`,
    target: 'all',
    ok: sr === sn,
  });
  report({
    id: 'Q1',
    measure: 'six-way mean-score order',
    figure: m.ordered ? 'ordered' : 'not ordered',
    reference: `logic-v2 ${mr.ordered ? 'ordered' : 'not ordered'}`,
    target: 'ordered',
    ok: m.ordered,
  });
  // S7's fixed 1,000 pairs: the cases in file order, then again with the sides swapped.
  const pairs: [string, string, ListSchema][] = [];
  for (let i = 0; pairs.length < 1000; i++) {
    const c = cases[i % cases.length]!;
    const swap = i >= cases.length;
    pairs.push([
      swap ? c['name2']! : c['name1']!,
      swap ? c['name1']! : c['name2']!,
      c['schema'] as ListSchema,
    ]);
  }
  return { pairs };
}

// ---- S7 ------------------------------------------------------------------------------------------

function timePerPair(pairs: number, pass: () => void, runs: number): number[] {
  for (let i = 0; i < 5; i++) pass(); // warm-up: JIT
  const results: number[] = [];
  for (let run = 0; run < runs; run++) {
    let passes = 0;
    const t0 = performance.now();
    let el: number;
    do {
      pass();
      passes++;
      el = performance.now() - t0;
    } while (el < 1000 || passes < 3);
    results.push((el * 1e6) / (passes * pairs));
  }
  return results;
}

function s7(engine: Engine, pairs: [string, string, ListSchema][], runs: number): void {
  let sink = 0;
  const raw = timePerPair(
    pairs.length,
    () => {
      for (const [a, b, s] of pairs) sink += engine.scoreNames(a, b, s).score;
    },
    runs,
  );
  const rawNs = median(raw);
  const rawLine = `scoreNames(name1, name2, schema) from raw strings (both names normalised per call, as the export offers) on ${pairs.length} fixed pairs: ${f(rawNs)} ns per pair (median of ${runs}; runs ${raw.map((x) => f(x)).join(' ')}) (checksum ${f(sink, 1)})`;
  const { prepareName, scorePrepared } = engine;
  if (!prepareName || !scorePrepared) {
    console.log(`\nS7 ${rawLine}`);
    report({
      id: 'S7',
      measure: 'one scored name pair (raw strings)',
      figure: `${f(rawNs / 1000, 2)} µs`,
      reference: 'Watchman 9 µs',
      target: '≤ 2 µs',
      ok: rawNs <= 2000,
    });
    return;
  }
  // Tokens prepared once, as inside search (the index normalises its names at build time and the
  // query once per search); the timed loop is the pair scorer alone.
  const prepared = pairs.map(([a, b, s]) => [prepareName(a, s), prepareName(b, s)] as const);
  let psink = 0;
  let check = 0;
  for (let i = 0; i < pairs.length; i++) {
    const [a, b, s] = pairs[i]!;
    if (Math.abs(scorePrepared(prepared[i]![0], prepared[i]![1]) - engine.scoreNames(a, b, s).score) > 1e-9)
      check++;
  }
  const prep = timePerPair(
    pairs.length,
    () => {
      for (const [a, b] of prepared) psink += scorePrepared(a, b);
    },
    runs,
  );
  const ns = median(prep);
  console.log(
    `\nS7 scorePrepared(a, b) on the same ${pairs.length} pairs, tokens prepared once, as in search (prepareName outside the timed loop): ${f(ns)} ns per pair (median of ${runs}; runs ${prep.map((x) => f(x)).join(' ')}) (checksum ${f(psink, 1)}; ${check} of ${pairs.length} pairs differ from scoreNames)`,
  );
  console.log(`   and ${rawLine}`);
  report({
    id: 'S7',
    measure: 'one scored name pair (tokens prepared once, as in search)',
    figure: `${f(ns / 1000, 2)} µs`,
    reference: 'Watchman 9 µs',
    target: '≤ 2 µs',
    ok: ns <= 2000,
  });
  report({
    id: 'S7',
    measure: 'one scored name pair from raw strings (scoreNames, extra)',
    figure: `${f(rawNs / 1000, 2)} µs`,
    reference: '',
    target: '(same target)',
    ok: rawNs <= 2000,
  });
}

// ---- Q2 / Q3 -------------------------------------------------------------------------------------

function q2(
  engine: Engine,
  index: ReturnType<Engine['buildIndex']>,
  un: ListEntity[],
  paths: DataPaths,
): void {
  const byKey = new Map<string, Set<string>>();
  for (const e of un)
    for (const n of e.names) {
      const k = tokenSetKey(n.value);
      if (!k) continue;
      const s = byKey.get(k) ?? byKey.set(k, new Set()).get(k)!;
      s.add(e.id);
    }
  const untreated = readPeople(paths.untreated);
  const treated = readPeople(paths.treated);
  let misaligned = 0;
  let noEntity = 0;
  const rows: { right: Set<string>; u: Person; t: Person }[] = [];
  for (let i = 0; i < untreated.length; i++) {
    const u = untreated[i]!;
    const t = treated[i];
    // Row i of the treated file is row i of the untreated one, mangled (name, and sometimes DOB,
    // place of birth or nationality): aligned when the names are close or two other fields agree.
    const agree = t
      ? [t.dob === u.dob, t.pob === u.pob, t.nationality === u.nationality].filter(Boolean).length
      : 0;
    if (!t || !(bigramDice(t.fullName, u.fullName) >= 0.5 || agree >= 2)) {
      misaligned++;
      continue;
    }
    const right = byKey.get(tokenSetKey(u.fullName));
    if (!right) {
      noEntity++;
      continue;
    }
    rows.push({ right, u, t });
  }
  console.log(
    `\nQ2 UN designees against UN + OFAC (${index.size.entities} entities, ${index.size.names} names): ${untreated.length} rows; ${noEntity} without a UN entity of equal token set dropped; ${misaligned} rows whose treated twin does not line up dropped (treated rows line up by index: close name or two of DOB/POB/nationality equal); ${rows.length} screened`,
  );
  const res: Record<'untreated' | 'treated', { hit: number; top1: number }> = {
    untreated: { hit: 0, top1: 0 },
    treated: { hit: 0, top1: 0 },
  };
  for (const r of rows) {
    for (const which of ['untreated', 'treated'] as const) {
      const p = which === 'untreated' ? r.u : r.t;
      const matches = index.search(personQuery(p), { threshold: T, limit: 5 });
      if (matches.some((m) => r.right.has(m.entityId))) res[which].hit++;
      if (matches[0] && r.right.has(matches[0].entityId)) res[which].top1++;
    }
  }
  const n = rows.length;
  console.log(
    `  as listed: ${pct(res.untreated.hit / n, 2)} in top 5 ≥ ${T} (${res.untreated.hit}/${n}), top-1 ${pct(res.untreated.top1 / n)}`,
  );
  console.log(
    `  mangled:   ${pct(res.treated.hit / n, 2)} in top 5 ≥ ${T} (${res.treated.hit}/${n}), top-1 ${pct(res.treated.top1 / n)}   (Watchman top-1 68% of list-derived queries)`,
  );
  report({
    id: 'Q2',
    measure: 'UN as listed: right entity in top 5',
    figure: pct(res.untreated.hit / n, 2),
    reference: '',
    target: '≥ 99.5%',
    ok: res.untreated.hit / n >= 0.995,
  });
  report({
    id: 'Q2',
    measure: 'UN mangled: right entity in top 5',
    figure: pct(res.treated.hit / n, 2),
    reference: '',
    target: '≥ 97%',
    ok: res.treated.hit / n >= 0.97,
  });
  report({
    id: 'Q2',
    measure: 'top-1 rate (as listed / mangled)',
    figure: `${pct(res.untreated.top1 / n)} / ${pct(res.treated.top1 / n)}`,
    reference: 'Watchman 68%',
    target: '(no target)',
    ok: null,
  });
}

function q3(index: ReturnType<Engine['buildIndex']>, negatives: Person[]): void {
  let alerts = 0;
  let alerts85 = 0;
  const t0 = performance.now();
  for (const p of negatives) {
    const m = index.search(personQuery(p), { threshold: T, limit: 1 });
    if (m.length) {
      alerts++;
      if (m[0]!.score >= 0.85) alerts85++;
    }
  }
  const el = performance.now() - t0;
  const rate = alerts / negatives.length;
  console.log(
    `\nQ3 ${negatives.length} synthetic non-matches against UN + OFAC: ${alerts} with an alert at ${T} (${pct(rate, 2)}; ${f((1000 * alerts) / negatives.length, 1)} per 1,000 customers); at 0.85: ${pct(alerts85 / negatives.length, 2)} (Watchman 10% at 0.85)`,
  );
  console.log(
    `   in-process, one thread: ${f(el / 1000, 1)} s, ${f(negatives.length / (el / 1000))} queries/s (${f((el * 1000) / negatives.length)} µs per query)`,
  );
  report({
    id: 'Q3',
    measure: 'non-matches with any alert',
    figure: `${pct(rate, 2)} (0.85: ${pct(alerts85 / negatives.length, 2)})`,
    reference: 'Watchman 10% at 0.85',
    target: '≤ 0.5%',
    ok: rate <= 0.005,
  });
  report({
    id: 'Q3',
    measure: '  in-process throughput, one thread',
    figure: `${f(negatives.length / (el / 1000))} q/s`,
    reference: 'Watchman ~130 q/s; yente ~4/vCPU',
    target: '(S5-like, no target)',
    ok: null,
  });
}

// ---- children ------------------------------------------------------------------------------------

interface ChildArgs {
  data: string;
  engine: string | undefined;
  /** serve: HTTP server processes (node:cluster workers sharing the port; 1 = no cluster). */
  workers?: number;
}
function forkChild(role: string, a: ChildArgs, extra: string[] = []): ReturnType<typeof fork> {
  return fork(
    THIS,
    ['--child', role, '--data', a.data, ...(a.engine ? ['--engine', a.engine] : []), ...extra],
    {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      execArgv: [...process.execArgv, '--expose-gc'],
    },
  );
}
function childResult<R>(role: string, a: ChildArgs): Promise<R> {
  return resultOf<R>(forkChild(role, a), role);
}
/** The one message a child sends before it exits. */
function resultOf<R>(child: ReturnType<typeof fork>, role: string): Promise<R> {
  return new Promise<R>((res, rej) => {
    let result: R | undefined;
    child.once('message', (m) => (result = m as R));
    child.once('error', rej);
    child.once('exit', (code) =>
      result === undefined ? rej(new Error(`child ${role} exited with ${code} and no result`)) : res(result),
    );
  });
}

interface S1Result {
  parseMs: number;
  buildMs: number;
  maxRssMiB: number;
  /** Resident memory after the build and a full GC (the index alive), when measured. */
  rssAfterMiB?: number;
  entities: number;
  names: number;
}
interface BigResult {
  genMs: number;
  buildMs: number;
  maxRssMiB: number;
  rssAfterMiB: number;
  rssEntitiesMiB: number;
  entities: number;
  names: number;
  p50: number;
  p95: number;
  queries: number;
  totalMs: number;
  hits: number;
  listBuildMs?: number;
}

async function child(role: string, a: ChildArgs): Promise<void> {
  const engine = await loadEngine(a.engine);
  const paths = dataPaths(a.data);
  if (role === 'serve' && cluster.isPrimary && (a.workers ?? 1) > 1) {
    // node:cluster primary: N workers, each with its own index, share the listening port
    // (round-robin); the primary only relays the port once every worker listens.
    const n = a.workers!;
    let port = 0;
    let ready = 0;
    const ws = Array.from({ length: n }, () => cluster.fork());
    await new Promise<void>((res, rej) => {
      for (const w of ws) {
        w.on('message', (m: { port: number }) => {
          port = m.port;
          if (++ready === n) res();
        });
        w.once('exit', (code) =>
          ready < n ? rej(new Error(`cluster worker exited with ${code}`)) : undefined,
        );
      }
    });
    process.send!({ port, workers: n });
    process.on('SIGTERM', () => {
      for (const w of ws) w.process.kill('SIGTERM');
      process.exit(0);
    });
    return;
  }
  if (role === 'serve') {
    const index = await buildFromFiles(engine, paths);
    const app = Fastify();
    const bare = { matches: [] };
    app.post('/bare', async () => bare);
    app.post('/screen', async (req) => {
      const b = req.body as { name: string; birthDate?: string; nationality?: string; schema?: ListSchema };
      return {
        matches: index.search(
          { name: b.name, birthDate: b.birthDate, nationality: b.nationality, schema: b.schema },
          { threshold: T, limit: 10 },
        ),
      };
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    process.send!({ port: (app.server.address() as { port: number }).port });
    process.on('SIGTERM', () => void app.close().finally(() => process.exit(0)));
    return;
  }
  // s4: a million synthetic list names; s6: a million customers, screened by 500 list entries.
  const negatives = readPeople(paths.negatives);
  let listBuildMs: number | undefined;
  let lists: ListEntity[] = [];
  if (role === 's6') {
    const t = performance.now();
    lists = (await loadLists(paths)).all;
    listBuildMs = performance.now() - t;
  }
  // S4 with the engine's incremental builder: the generator feeds it entity by entity, so the
  // million entity objects are never held at once (only each one's primary name and schema, for
  // the mutated-name queries below). Generation then counts in the build time.
  const streamed = role === 's4' && engine.IndexBuilder !== undefined;
  const t0 = performance.now();
  let big: ListEntity[] = [];
  const bigNames: string[] = [];
  const bigSchemas: ListSchema[] = [];
  let index: ReturnType<Engine['buildIndex']>;
  let t1: number;
  let rssEntities: number;
  const listPersons = lists.filter((e) => e.schema === 'Person');
  if (streamed) {
    rssEntities = -1;
    t1 = t0;
    const b = new engine.IndexBuilder!();
    for (const e of syntheticEntityStream(negatives, BIG, 4, { prefix: 'synth' })) {
      bigNames.push(e.names[0]!.value);
      bigSchemas.push(e.schema);
      b.add(e);
    }
    index = b.finish();
  } else {
    big =
      role === 's4'
        ? syntheticEntities(negatives, BIG, 4, { prefix: 'synth' })
        : syntheticEntities(negatives, BIG, 6, { prefix: 'customer', personsOnly: true });
    // S6: 100 customers are list persons under a mutated name, so the reverse search has hits to score.
    const plantRnd = prng(66);
    for (let i = 0; i < 100 && listPersons.length; i++) {
      const e = listPersons[Math.floor((i * listPersons.length) / 100)]!;
      const c = big[Math.floor(plantRnd() * big.length)]!;
      c.names = [{ value: mutate(e.names[0]!.value, plantRnd), kind: 'primary' }];
      c.birthDates = e.birthDates.slice(0, 1);
      c.nationalities = e.nationalities.slice(0, 1);
    }
    for (const e of big) {
      bigNames.push(e.names[0]!.value);
      bigSchemas.push(e.schema);
    }
    t1 = performance.now();
    rssEntities = process.memoryUsage().rss / 1024 / 1024;
    index = engine.buildIndex(big);
  }
  const t2 = performance.now();
  const rss = process.memoryUsage().rss / 1024 / 1024;
  let queries: ScreeningQuery[];
  if (role === 's4') {
    // 1,000 queries: 500 customers (negatives) and 500 mutated list names, interleaved.
    const rnd = prng(44);
    queries = [];
    for (let i = 0; i < 500; i++) {
      queries.push(personQuery(negatives[Math.floor(rnd() * negatives.length)]!));
      const k = Math.floor(rnd() * bigNames.length);
      queries.push({ name: mutate(bigNames[k]!, rnd), schema: bigSchemas[k] });
    }
  } else {
    // 500 list entries spread over UN + OFAC, the 100 planted persons among the candidates.
    const step = lists.length / 500;
    queries = [];
    for (let i = 0; i < 500; i++) {
      const e =
        i % 5 === 0
          ? listPersons[Math.floor(((i / 5) * listPersons.length) / 100)]!
          : lists[Math.floor(i * step)]!;
      const primary = e.names.find((n) => n.kind === 'primary') ?? e.names[0]!;
      queries.push({
        name: primary.value,
        schema: e.schema,
        birthDate: e.birthDates[0],
        nationality: e.nationalities[0],
        gender: e.gender,
      });
    }
  }
  big.length = 0;
  bigNames.length = 0;
  for (let i = 0; i < 20; i++) index.search(queries[i]!, { threshold: T, limit: 10 }); // warm-up
  const lat: number[] = [];
  let hits = 0;
  const s = performance.now();
  for (const q of queries) {
    const q0 = performance.now();
    hits += index.search(q, { threshold: T, limit: 10 }).length > 0 ? 1 : 0;
    lat.push(performance.now() - q0);
  }
  const totalMs = performance.now() - s;
  lat.sort((x, y) => x - y);
  process.send!({
    genMs: t1 - t0,
    buildMs: t2 - t1,
    maxRssMiB: maxRssMiB(),
    rssAfterMiB: rss,
    rssEntitiesMiB: rssEntities,
    entities: index.size.entities,
    names: index.size.names,
    p50: percentile(lat, 50),
    p95: percentile(lat, 95),
    queries: queries.length,
    totalMs,
    hits,
    ...(listBuildMs !== undefined ? { listBuildMs } : {}),
  } satisfies BigResult);
}

// ---- S1 ------------------------------------------------------------------------------------------

/** An S1 child: bench/screening-s1.ts, which loads the importers and the engine, not this harness. */
function s1Result(role: string, a: ChildArgs): Promise<S1Result> {
  const child = fork(S1_CHILD, [role, a.data, ...(a.engine ? [a.engine] : [])], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: [...process.execArgv, '--expose-gc'],
  });
  return resultOf<S1Result>(child, `S1 ${role}`);
}

async function s1(a: ChildArgs, runs: number): Promise<void> {
  const rs: S1Result[] = [];
  const st: S1Result[] = [];
  const floor: S1Result[] = [];
  const parse: S1Result[] = [];
  for (let i = 0; i < runs; i++) {
    floor.push(await s1Result('floor', a));
    parse.push(await s1Result('parse', a));
    rs.push(await s1Result('s1', a));
    st.push(await s1Result('s1stream', a));
  }
  const total = median(rs.map((r) => r.parseMs + r.buildMs));
  const rss = median(rs.map((r) => r.maxRssMiB));
  const sTotal = median(st.map((r) => r.buildMs));
  const sRss = median(st.map((r) => r.maxRssMiB));
  const after = (xs: S1Result[]): string => f(median(xs.map((r) => r.rssAfterMiB ?? NaN)));
  console.log(
    `\nS1 index from the raw UN XML + OFAC CSV files, fresh child process each run (${rs[0]!.entities} entities, ${rs[0]!.names} names):`,
  );
  console.log(
    `   streamed (the importers' async generators feed IndexBuilder entity by entity; no entity array held): parse+build ${f(sTotal)} ms; max RSS ${f(sRss)} MB; RSS after build + full GC ${after(st)} MB (medians of ${runs}; totals ${st.map((r) => f(r.buildMs)).join(' ')}; max RSS ${st.map((r) => f(r.maxRssMiB)).join(' ')})`,
  );
  console.log(
    `   materialised (all entities parsed into arrays, then buildIndex(all)): parse ${f(median(rs.map((r) => r.parseMs)))} ms + build ${f(median(rs.map((r) => r.buildMs)))} ms = ${f(total)} ms; max RSS ${f(rss)} MB; RSS after build + full GC ${after(rs)} MB (entities still referenced)`,
  );
  console.log(
    `   baselines in the same run (same lean child): one that only loads the importers and the engine ${f(median(floor.map((r) => r.maxRssMiB)))} MB; one that only parses the lists (importers, no index) ${f(median(parse.map((r) => r.maxRssMiB)))} MB max RSS, ${f(median(parse.map((r) => r.parseMs)))} ms`,
  );
  report({
    id: 'S1',
    measure: 'index build from raw files (streamed)',
    figure: `${f(sTotal / 1000, 2)} s`,
    reference: '',
    target: '≤ 2 s',
    ok: sTotal <= 2000,
  });
  report({
    id: 'S1',
    measure: 'resident memory (streamed build, child max RSS)',
    figure: `${f(sRss)} MB`,
    reference: '',
    target: '≤ 300 MB',
    ok: sRss <= 300,
  });
}

// ---- S2 / S3 -------------------------------------------------------------------------------------

function httpQueries(paths: DataPaths): string[] {
  const rnd = prng(23);
  const pool = [...readPeople(paths.untreated), ...readPeople(paths.treated)];
  const negatives = readPeople(paths.negatives);
  for (let i = 0; i < 2000; i++) pool.push(negatives[Math.floor(rnd() * negatives.length)]!);
  for (let i = pool.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.map((p) => {
    const q = personQuery(p);
    return JSON.stringify({
      name: q.name,
      birthDate: q.birthDate,
      nationality: q.nationality,
      schema: q.schema,
    });
  });
}

function post(agent: Agent, port: number, path: string, body: string): Promise<number> {
  return new Promise((res, rej) => {
    const t0 = performance.now();
    const req = request(
      {
        agent,
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (r) => {
        r.on('data', () => {});
        r.on('end', () =>
          r.statusCode === 200
            ? res(performance.now() - t0)
            : rej(new Error(`${path}: HTTP ${r.statusCode}`)),
        );
      },
    );
    req.on('error', rej);
    req.end(body);
  });
}

interface HttpRun {
  seq: { p50: number; p95: number; p99: number };
  conc: { qps: number; p95: number };
  bareSeq: { p50: number; p95: number };
  bareConc: { qps: number; p95: number };
}

async function httpRun(a: ChildArgs, bodies: string[], seconds: number, workers = 1): Promise<HttpRun> {
  const child = forkChild('serve', a, ['--workers', String(workers)]);
  try {
    const { port } = await new Promise<{ port: number }>((res, rej) => {
      child.once('message', (m) => res(m as { port: number }));
      child.once('exit', (code) => rej(new Error(`server exited with ${code}`)));
    });
    const agent = new Agent({ keepAlive: true, maxSockets: 4 });
    let k = 0;
    const next = (): string => bodies[k++ % bodies.length]!;
    const sequential = async (path: string, n: number): Promise<number[]> => {
      const lat: number[] = [];
      for (let i = 0; i < n; i++) lat.push(await post(agent, port, path, next()));
      return lat.sort((x, y) => x - y);
    };
    const concurrent = async (path: string, secs: number): Promise<{ qps: number; p95: number }> => {
      const lat: number[] = [];
      const end = performance.now() + secs * 1000;
      const t0 = performance.now();
      await Promise.all(
        [0, 1, 2, 3].map(async () => {
          while (performance.now() < end) lat.push(await post(agent, port, path, next()));
        }),
      );
      const el = (performance.now() - t0) / 1000;
      lat.sort((x, y) => x - y);
      return { qps: lat.length / el, p95: percentile(lat, 95) };
    };
    await sequential('/screen', 500); // warm-up: JIT, sockets
    await sequential('/bare', 500);
    const bare = await sequential('/bare', 2000);
    const seq = await sequential('/screen', 3000);
    await concurrent('/screen', 1);
    const conc = await concurrent('/screen', seconds);
    const bareConc = await concurrent('/bare', Math.min(3, seconds));
    agent.destroy();
    return {
      seq: { p50: percentile(seq, 50), p95: percentile(seq, 95), p99: percentile(seq, 99) },
      conc,
      bareSeq: { p50: percentile(bare, 50), p95: percentile(bare, 95) },
      bareConc,
    };
  } finally {
    await new Promise<void>((res) => {
      if (child.exitCode !== null) return res();
      child.once('exit', () => res());
      child.kill('SIGTERM');
    });
  }
}

async function s2s3(a: ChildArgs, paths: DataPaths, runs: number, skip: Set<string>): Promise<void> {
  const bodies = httpQueries(paths);
  const seconds = 5;
  console.log(
    `\nS2/S3 the engine behind a BARE Fastify route (POST /screen → index.search, limit 10; not the product route, which comes later) in ONE child server process (no cluster, no worker pool), then (S3) as a node:cluster of availableParallelism() server processes; client in this process over loopback keep-alive; ${bodies.length} queries (UN positives as listed and mangled + 2,000 negatives, shuffled); same machine, ${availableParallelism()} cores shared by client and server`,
  );
  const rs: HttpRun[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await httpRun(a, bodies, seconds);
    rs.push(r);
    console.log(
      `  run ${i + 1}: 1 client p50/p95/p99 ${ms(r.seq.p50)}/${ms(r.seq.p95)}/${ms(r.seq.p99)} ms (bare route ${ms(r.bareSeq.p50)}/${ms(r.bareSeq.p95)}); 4 clients ${f(r.conc.qps)} q/s p95 ${ms(r.conc.p95)} ms (bare route ${f(r.bareConc.qps)} q/s)`,
    );
  }
  const m = (g: (r: HttpRun) => number): number => median(rs.map(g));
  const p50 = m((r) => r.seq.p50);
  const p95 = m((r) => r.seq.p95);
  const p99 = m((r) => r.seq.p99);
  const qps = m((r) => r.conc.qps);
  const cp95 = m((r) => r.conc.p95);
  const bareQps = m((r) => r.bareConc.qps);
  console.log(
    `  medians: 1 client p50/p95/p99 ${ms(p50)}/${ms(p95)}/${ms(p99)} ms (bare route p50 ${ms(m((r) => r.bareSeq.p50))}); 4 clients ${f(qps)} q/s, p95 ${ms(cp95)} ms; ratio to bare route ${f(qps / bareQps, 3)} (${f(bareQps)} q/s)`,
  );
  if (!skip.has('S2'))
    report({
      id: 'S2',
      measure: '1 client over HTTP p50/p95/p99',
      figure: `${ms(p50)} / ${ms(p95)} / ${ms(p99)} ms`,
      reference: 'Watchman p95 13 ms',
      target: '≤ 1 / 5 / 15 ms',
      ok: p50 <= 1 && p95 <= 5 && p99 <= 15,
    });
  // S3 as the product would scale a CPU-bound engine on one host: a node:cluster of
  // availableParallelism() server processes sharing the port, each with its own index.
  const W = availableParallelism();
  let cqps = qps;
  let ccp95 = cp95;
  if (!skip.has('S3') && W > 1) {
    const cs: HttpRun[] = [];
    for (let i = 0; i < runs; i++) {
      const r = await httpRun(a, bodies, seconds, W);
      cs.push(r);
      console.log(
        `  cluster run ${i + 1} (${W} node:cluster server workers sharing the port, each its own index): 4 clients ${f(r.conc.qps)} q/s p95 ${ms(r.conc.p95)} ms (bare route ${f(r.bareConc.qps)} q/s); 1 client p50/p95 ${ms(r.seq.p50)}/${ms(r.seq.p95)} ms`,
      );
    }
    cqps = median(cs.map((r) => r.conc.qps));
    ccp95 = median(cs.map((r) => r.conc.p95));
    console.log(
      `  cluster medians (${W} workers): 4 clients ${f(cqps)} q/s, p95 ${ms(ccp95)} ms (bare route ${f(median(cs.map((r) => r.bareConc.qps)))} q/s)`,
    );
  }
  if (!skip.has('S3')) {
    report({
      id: 'S3',
      measure: 'concurrency 4 over HTTP: q/s, p95 (1 server process)',
      figure: `${f(qps)} q/s, ${ms(cp95)} ms`,
      reference: 'Watchman ~130 q/s; yente ~4 req/s/vCPU',
      target: '≥ 2,000 q/s, ≤ 10 ms',
      ok: qps >= 2000 && cp95 <= 10,
    });
    // The cluster figure: on this host the load-generating client shares the cores with the
    // server processes, so it varies more with machine load than the 1-process figure.
    if (W > 1)
      report({
        id: 'S3',
        measure: `concurrency 4 over HTTP: q/s, p95 (node:cluster, ${W} server workers, extra)`,
        figure: `${f(cqps)} q/s, ${ms(ccp95)} ms`,
        reference: '',
        target: '(same target)',
        ok: cqps >= 2000 && ccp95 <= 10,
      });
  }
}

// ---- S5 ------------------------------------------------------------------------------------------

async function s5(a: ChildArgs, negatives: Person[], runs: number): Promise<void> {
  const rnd = prng(5);
  const customers: ScreeningQuery[] = negatives.map((p) => personQuery(p));
  for (const p of negatives) customers.push(personQuery(p, mutate(p.fullName, rnd)));
  const workers = availableParallelism();
  const per = Math.ceil(customers.length / workers);
  console.log(
    `\nS5 batch rescreen of ${customers.length} customers (the 50k negatives, then each once mutated) against UN + OFAC: ${workers} worker_threads, each parsing the raw lists and building its own index`,
  );
  const totals: number[] = [];
  const screens: number[] = [];
  for (let run = 0; run < runs; run++) {
    const t0 = performance.now();
    const results = await Promise.all(
      Array.from({ length: workers }, (_, w) => {
        const job: WorkerJob = {
          data: a.data,
          engine: a.engine,
          customers: customers.slice(w * per, (w + 1) * per),
        };
        return new Promise<WorkerResult>((res, rej) => {
          const worker = new Worker(WORKER, { workerData: job });
          worker.once('message', (m) => res(m as WorkerResult));
          worker.once('error', rej);
        });
      }),
    );
    const total = performance.now() - t0;
    totals.push(total);
    screens.push(Math.max(...results.map((r) => r.screenMs)));
    const alerts = results.reduce((s, r) => s + r.alerts, 0);
    console.log(
      `  run ${run + 1}: ${f(total / 1000, 1)} s wall (index build per worker ${results.map((r) => f(r.buildMs)).join('/')} ms, screening ${results.map((r) => f(r.screenMs / 1000, 1)).join('/')} s); ${alerts} alerts (${pct(alerts / customers.length, 2)})`,
    );
    if (total > 60_000 && run + 1 < runs) {
      console.log(
        `  run ${run + 1} took over twice the 30 s target: no further runs (the verdict cannot change)`,
      );
      runs = run + 1;
    }
  }
  const total = median(totals);
  console.log(
    `  median of ${totals.length}: ${f(total / 1000, 1)} s wall, ${f(customers.length / (total / 1000))} customers/s (screening alone ${f(median(screens) / 1000, 1)} s)`,
  );
  report({
    id: 'S5',
    measure: `batch rescreen 100k (${workers} workers)`,
    figure: `${f(total / 1000, 1)} s`,
    reference: 'Watchman ~130 q/s → ~770 s',
    target: '≤ 30 s',
    ok: total <= 30_000,
  });
}

// ---- S4 / S6 -------------------------------------------------------------------------------------

async function s4(a: ChildArgs, runs: number): Promise<void> {
  const rs: BigResult[] = [];
  for (let i = 0; i < runs; i++) rs.push(await childResult<BigResult>('s4', a));
  const m = (g: (r: BigResult) => number): number => median(rs.map(g));
  const r0 = rs[0]!;
  console.log(
    `\nS4 ${r0.entities} synthetic list entities (${r0.names} names; persons recombined from the 50k negatives, 1 in 5 companies), child process, ${runs} run(s):`,
  );
  console.log(
    r0.rssEntitiesMiB < 0
      ? `   streamed: the generator feeds the engine's IndexBuilder entity by entity (the 1M entity objects are never held at once; generation counted in the build); generate+build ${f(m((r) => r.buildMs) / 1000, 1)} s; max RSS ${f(m((r) => r.maxRssMiB))} MB (index + the 50k people + 1M kept primary names for the queries; after the build ${f(m((r) => r.rssAfterMiB))} MB)`
      : `   generate ${f(m((r) => r.genMs) / 1000, 1)} s (not counted); build ${f(m((r) => r.buildMs) / 1000, 1)} s; max RSS ${f(m((r) => r.maxRssMiB))} MB (the generated entities + index; RSS with the entities alone, before the build, ${f(m((r) => r.rssEntitiesMiB))} MB; after the build ${f(m((r) => r.rssAfterMiB))} MB)`,
  );
  console.log(
    `   ${r0.queries} queries (500 customers, 500 mutated list names): p50 ${ms(m((r) => r.p50))} ms, p95 ${ms(m((r) => r.p95))} ms; ${r0.hits} with a match`,
  );
  const p95 = m((r) => r.p95);
  const build = m((r) => r.buildMs);
  const rss = m((r) => r.maxRssMiB);
  report({
    id: 'S4',
    measure: '1M list names: p95; build; memory',
    figure: `${ms(p95)} ms; ${f(build / 1000, 1)} s; ${f(rss / 1024, 2)} GB`,
    reference: 'Watchman full scan 18 ms (OFAC only)',
    target: '≤ 25 ms; ≤ 60 s; ≤ 1.5 GB',
    ok: p95 <= 25 && build <= 60_000 && rss <= 1536,
  });
}

async function s6(a: ChildArgs, runs: number): Promise<void> {
  const rs: BigResult[] = [];
  for (let i = 0; i < runs; i++) rs.push(await childResult<BigResult>('s6', a));
  const m = (g: (r: BigResult) => number): number => median(rs.map(g));
  const r0 = rs[0]!;
  const total = m((r) => r.totalMs);
  console.log(
    `\nS6 reverse screening: ${r0.entities} synthetic customers (Person, with DOB and nationality), child process, ${runs} run(s):`,
  );
  console.log(
    `   customer index build ${f(m((r) => r.buildMs) / 1000, 1)} s (reported apart); max RSS ${f(m((r) => r.maxRssMiB))} MB`,
  );
  console.log(
    `   ${r0.queries} list entries (spread over UN + OFAC, primary name, schema, DOB, nationality; 100 of them planted in the customer base under a mutated name): ${f(total / 1000, 2)} s total, p50 ${ms(m((r) => r.p50))} ms, p95 ${ms(m((r) => r.p95))} ms; ${r0.hits} entries with a customer match`,
  );
  report({
    id: 'S6',
    measure: '500 list entries vs 1M customers',
    figure: `${f(total / 1000, 2)} s (build ${f(m((r) => r.buildMs) / 1000, 1)} s apart)`,
    reference: '',
    target: '≤ 10 s',
    ok: total <= 10_000,
  });
}

// ---- main ----------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: 'string' },
      runs: { type: 'string', default: '3' },
      'big-runs': { type: 'string', default: '1' },
      skip: { type: 'string', default: '' },
      engine: { type: 'string' },
      child: { type: 'string' },
      workers: { type: 'string', default: '1' },
    },
  });
  const dir = values.data ?? process.env['DOSSIER_SCREENING_DATA'];
  if (!dir) {
    console.error(
      'bench:screening needs the evaluation data (not in the repository, for licence reasons): pass --data DIR or set DOSSIER_SCREENING_DATA to the directory that holds sanctions/ and eval/.',
    );
    process.exit(2);
  }
  const data = resolve(dir);
  if (!existsSync(join(data, 'sanctions')) || !existsSync(join(data, 'eval'))) {
    console.error(`bench:screening: ${data} does not hold sanctions/ and eval/`);
    process.exit(2);
  }
  if (values.child)
    return child(values.child, { data, engine: values.engine, workers: Number(values.workers) });

  const runs = Number(values.runs);
  const bigRuns = Number(values['big-runs']);
  if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(bigRuns) || bigRuns < 1)
    throw new Error('--runs and --big-runs must be positive integers');
  const skip = new Set(
    values.skip
      .split(',')
      .map((s) => s.trim().toUpperCase())
      .filter(Boolean),
  );
  for (const s of skip)
    if (!(IDS as readonly string[]).includes(s)) {
      console.error(`bench:screening: --skip ${s}: not a figure (${IDS.join(', ')})`);
      process.exit(2);
    }
  const on = (id: string): boolean => !skip.has(id);

  const engine = await loadEngine(values.engine);
  // Children and workers load the same parts as this process, even if matcher.ts changes meanwhile.
  const a: ChildArgs = {
    data,
    engine:
      engine.realIndex && engine.realScore ? undefined : engine.realScore ? 'index-stand-in' : 'stand-in',
  };
  const paths = dataPaths(data);
  const started = performance.now();
  console.log(`bench:screening — engine: ${engine.name}`);
  console.log(
    `data ${data}; ${availableParallelism()} cores; threshold ${T} (DEFAULT_THRESHOLD); speed figures: medians of ${runs} runs (S4/S6: ${bigRuns})${skip.size ? `; skipped ${[...skip].join(', ')}` : ''}`,
  );

  // A figure whose engine call throws (the engine is young) is reported as an error, not fatal.
  const guarded = async (ids: string[], fn: () => unknown): Promise<void> => {
    try {
      await fn();
    } catch (err) {
      const msg = (err as Error).stack?.split('\n').slice(0, 3).join(' | ') ?? String(err);
      console.log(`\n${ids.join('/')} FAILED: ${msg}`);
      for (const id of ids)
        report({
          id,
          measure: 'ERROR (see above)',
          figure: (err as Error).message.slice(0, 30),
          reference: '',
          target: '',
          ok: false,
        });
    }
  };
  let pairs: [string, string, ListSchema][] = [];
  if (on('Q1') || on('S7')) await guarded(['Q1'], () => (pairs = q1(engine, paths).pairs));
  if (on('S7')) await guarded(['S7'], () => s7(engine, pairs, runs));
  const negatives = on('Q3') || on('S5') ? readPeople(paths.negatives) : [];
  if (on('Q2') || on('Q3')) {
    await guarded(['Q2', 'Q3'].filter(on), async () => {
      const t0 = performance.now();
      const lists = await loadLists(paths);
      const index = engine.buildIndex(lists.all);
      console.log(
        `\n(UN + OFAC index for Q2/Q3 built in this process in ${f(performance.now() - t0)} ms: ${lists.un.length} UN + ${lists.ofac.length} OFAC entities)`,
      );
      if (on('Q2')) await guarded(['Q2'], () => q2(engine, index, lists.un, paths));
      if (on('Q3')) await guarded(['Q3'], () => q3(index, negatives));
    });
  }
  if (on('S1')) await guarded(['S1'], () => s1(a, runs));
  if (on('S2') || on('S3')) await guarded(['S2', 'S3'].filter(on), () => s2s3(a, paths, runs, skip));
  if (on('S5')) await guarded(['S5'], () => s5(a, negatives, runs));
  if (on('S4')) await guarded(['S4'], () => s4(a, bigRuns));
  if (on('S6')) await guarded(['S6'], () => s6(a, bigRuns));

  summary.sort(
    (x, y) => IDS.indexOf(x.id as (typeof IDS)[number]) - IDS.indexOf(y.id as (typeof IDS)[number]),
  );
  console.log(`\nTargets (engine: ${engine.name}; ${availableParallelism()} cores)`);
  console.log(
    `ID   ${'measure'.padEnd(42)} ${'figure'.padEnd(30)} ${'reference'.padEnd(38)} ${'target'.padEnd(26)} verdict`,
  );
  for (const r of summary)
    console.log(
      `${r.id.padEnd(4)} ${r.measure.padEnd(42)} ${r.figure.padEnd(30)} ${r.reference.padEnd(38)} ${r.target.padEnd(26)} ${r.ok === null ? '' : verdict(r.ok)}`,
    );
  for (const id of IDS) if (skip.has(id)) console.log(`${id.padEnd(4)} skipped (--skip)`);
  const judged = summary.filter((r) => r.ok !== null);
  console.log(
    `\n${judged.filter((r) => r.ok).length}/${judged.length} targets met; whole run ${f((performance.now() - started) / 1000)} s`,
  );
}

await main();
