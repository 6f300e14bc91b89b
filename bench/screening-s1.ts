/**
 * S1's child process: builds the screening index from the raw list files and reports its time and
 * memory. It loads only what a Dossier process that builds an index loads (the importers and the
 * engine), not the bench harness (Fastify, the evaluation readers, worker and cluster plumbing),
 * so its resident memory is the build's, not the harness's.
 *
 * Usage (forked by screening.bench.ts with --expose-gc and an IPC channel):
 *   node bench/screening-s1.ts ROLE PATHS_JSON
 * ROLE: floor (modules only), parse (importers only), s1 (materialised), s1stream (streamed).
 */
import { importOfacCsv, importUnXml, type ListEntity } from '../src/modules/screening/lists/index.ts';
import { buildIndex, IndexBuilder } from '../src/modules/screening/engine/index.ts';

interface Paths {
  unXml: string[];
  ofac: { main: string; alt: string; add: string; comments: string };
}

const [role, pathsJson] = process.argv.slice(2);
const paths = JSON.parse(pathsJson!) as Paths;
const maxRssMiB = (): number => process.resourceUsage().maxRSS / 1024;
const rssAfterGc = (): number => {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().rss / 1024 / 1024;
};

async function parseAll(): Promise<ListEntity[]> {
  const all: ListEntity[] = [];
  for (const xml of paths.unXml) for await (const e of importUnXml(xml)) all.push(e);
  for await (const e of importOfacCsv(paths.ofac, { list: 'sdn' })) all.push(e);
  return all;
}

async function main(): Promise<void> {
  const t0 = performance.now();
  if (role === 'floor') {
    process.send!({ parseMs: 0, buildMs: 0, maxRssMiB: maxRssMiB(), entities: 0, names: 0 });
    return;
  }
  if (role === 'parse' || role === 's1') {
    const all = await parseAll();
    const t1 = performance.now();
    if (role === 'parse') {
      process.send!({ parseMs: t1 - t0, buildMs: 0, maxRssMiB: maxRssMiB(), entities: all.length, names: 0 });
      return;
    }
    const index = buildIndex(all);
    const t2 = performance.now();
    process.send!({
      parseMs: t1 - t0,
      buildMs: t2 - t1,
      maxRssMiB: maxRssMiB(),
      rssAfterMiB: rssAfterGc(),
      entities: index.size.entities,
      names: index.size.names,
    });
    return;
  }
  if (role === 's1stream') {
    const b = new IndexBuilder();
    for (const xml of paths.unXml) await b.addAsync(importUnXml(xml));
    await b.addAsync(importOfacCsv(paths.ofac, { list: 'sdn' }));
    const index = b.finish();
    const t1 = performance.now();
    process.send!({
      parseMs: 0,
      buildMs: t1 - t0,
      maxRssMiB: maxRssMiB(),
      rssAfterMiB: rssAfterGc(),
      entities: index.size.entities,
      names: index.size.names,
    });
    return;
  }
  throw new Error(`unknown role ${role}`);
}

await main();
