/**
 * S1's child process: builds the screening index from the raw list files and reports its time and
 * memory. It loads the importers, the engine and the bench's small data helpers, not the bench
 * harness (Fastify, the HTTP client, worker and cluster plumbing), so its resident memory is the
 * build's, as in a Dossier process that builds an index.
 *
 * Usage (forked by screening.bench.ts with --expose-gc and an IPC channel):
 *   node bench/screening-s1.ts ROLE DATA_DIR [ENGINE]
 * ROLE: floor (modules only), parse (importers only), s1 (materialised), s1stream (streamed).
 */
import { buildFromFiles, dataPaths, loadEngine, loadLists } from './screening-support.ts';

const [role, data, engineFlag] = process.argv.slice(2);
const engine = await loadEngine(engineFlag);
const paths = dataPaths(data!);
const maxRssMiB = (): number => process.resourceUsage().maxRSS / 1024;
const rssAfterGc = (): number => {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().rss / 1024 / 1024;
};

const t0 = performance.now();
if (role === 'floor') {
  process.send!({ parseMs: 0, buildMs: 0, maxRssMiB: maxRssMiB(), entities: 0, names: 0 });
} else if (role === 'parse' || role === 's1') {
  const { all } = await loadLists(paths);
  const t1 = performance.now();
  if (role === 'parse') {
    process.send!({ parseMs: t1 - t0, buildMs: 0, maxRssMiB: maxRssMiB(), entities: all.length, names: 0 });
  } else {
    const index = engine.buildIndex(all);
    process.send!({
      parseMs: t1 - t0,
      buildMs: performance.now() - t1,
      maxRssMiB: maxRssMiB(),
      rssAfterMiB: rssAfterGc(),
      entities: index.size.entities,
      names: index.size.names,
    });
  }
} else if (role === 's1stream') {
  // The importers' generators feed the engine's incremental builder: no array of entities is held.
  const index = await buildFromFiles(engine, paths);
  process.send!({
    parseMs: 0,
    buildMs: performance.now() - t0,
    maxRssMiB: maxRssMiB(),
    rssAfterMiB: rssAfterGc(),
    entities: index.size.entities,
    names: index.size.names,
  });
} else throw new Error(`unknown role ${role}`);
