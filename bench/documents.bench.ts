/**
 * `npm run bench:documents`: throughput and peak memory of the document pipeline at rest, for a small
 * and a large file, next to two baselines measured in the same run on the same machine:
 *
 *   encrypt+store       source → SHA-256 → segmented AES-256-GCM → FsBlobStore writer → commit (fsync)
 *   encrypt+store+scan  the same, teed into clamd INSTREAM (only when clamd answers; DOSSIER_TEST_CLAMD)
 *   download+decrypt    FsBlobStore.openRead → segmented decrypt → a counting sink
 *   plain copy          the same source to the same directory, 1 MiB stream copy + fsync (disk baseline)
 *   raw AES-256-GCM     one cipher over a 256 MiB buffer in 1 MiB chunks (crypto baseline)
 *
 * No database and no content inspector: this measures the bytes path. Every scenario runs in its own
 * child process (bench/documents-worker.ts), so its max RSS is its own; runs are interleaved and
 * medians reported. MB means MiB (2^20 bytes) throughout. The source files are generated once with
 * random data in 1 MiB chunks (never held in memory whole) and are in the page cache when read, as an
 * upload just received would be; every write is fsynced. Everything is deleted at the end.
 *
 * Options: --runs N (3), --sizes "10,1024" (MB), --dir D (a fresh directory is made inside it;
 * default os.tmpdir()).
 */
import { createHash, randomBytes } from 'node:crypto';
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ClamdClient, type ClamdSettings } from '../src/platform/clamav/clamd-client.ts';
import { testClamdSettings } from '../src/platform/clamav/test-clamd.ts';
import { FsBlobStore } from '../src/platform/storage/fs-blob-store.ts';
import type { Job, Result } from './documents-worker.ts';
import { median } from './support.ts';

const MiB = 1024 * 1024;
const AES_BUFFER = 256 * MiB;
const TARGET_STORE_MBPS = 200;
const TARGET_RSS_MIB = 150;
/**
 * "Independent of file size": from the smallest to the largest file, a scenario's peak may grow by no
 * more than the plain copy's does in the same run (a stream copy holds a bounded amount by
 * construction; its growth is Node's buffers and lazy GC reaching steady state) plus this much noise.
 */
const RSS_FLAT_TOLERANCE_MIB = 25;
/** Source, stored blob, copy and clamd's own temporary copy of the stream: about four times the file. */
const SPACE_FACTOR = 4;

const WORKER = new URL('./documents-worker.ts', import.meta.url).pathname;

type Row = 'copy' | 'store' | 'store-scan' | 'read';
const LABELS: Record<Row, string> = {
  copy: 'plain copy (1 MiB stream + fsync)',
  store: 'encrypt+store',
  'store-scan': 'encrypt+store+scan (clamd)',
  read: 'download+decrypt',
};

function runJob(job: Job): Promise<Result> {
  const child = fork(WORKER, [JSON.stringify(job)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise<Result>((resolve, reject) => {
    let result: Result | undefined;
    child.once('message', (m) => (result = m as Result));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (!result) return reject(new Error(`${job.scenario} worker exited with ${code} and no result`));
      if (result.error) return reject(new Error(`${job.scenario}: ${result.error}`));
      resolve(result);
    });
  });
}

/** Writes `bytes` of random data in 1 MiB chunks; returns its SHA-256. */
async function generate(path: string, bytes: number): Promise<string> {
  const hash = createHash('sha256');
  const fh = await open(path, 'wx', 0o600);
  try {
    for (let left = bytes; left > 0; left -= MiB) {
      const chunk = randomBytes(Math.min(MiB, left));
      hash.update(chunk);
      await fh.write(chunk);
    }
    await fh.sync();
  } finally {
    await fh.close();
  }
  return hash.digest('hex');
}

async function clamdSettings(): Promise<ClamdSettings | null> {
  const base = testClamdSettings();
  if (!base) return null;
  // A gigabyte takes clamd a while to scan after the last byte: long timeouts, this is not the test.
  const settings = { ...base, idleTimeoutMs: 300_000, scanTimeoutMs: 600_000 };
  try {
    await new ClamdClient(settings).ping();
    return settings;
  } catch {
    return null;
  }
}

const fmt = (x: number, digits = 0): string => x.toFixed(digits);
const mbps = (r: Result): number => r.bytes / MiB / r.seconds;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '3' },
      sizes: { type: 'string', default: '10,1024' },
      dir: { type: 'string' },
    },
  });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a positive integer');
  const requested = values.sizes.split(',').map((s) => Number(s.trim()));
  if (requested.some((s) => !Number.isFinite(s) || s <= 0))
    throw new Error('--sizes must be MB numbers, e.g. 10,1024');

  const dir = mkdtempSync(join(values.dir ?? tmpdir(), 'dossier-bench-documents-'));
  const cleanup = (): void => rmSync(dir, { recursive: true, force: true });
  process.once('SIGINT', () => {
    cleanup();
    process.exit(130);
  });
  try {
    const fs = statfsSync(dir);
    const free = fs.bavail * fs.bsize;
    const sizes: number[] = [];
    for (const mb of requested) {
      if (mb * MiB * SPACE_FACTOR > free) {
        console.log(
          `skipping ${mb} MB: ${fmt(free / MiB / 1024, 1)} GB free in ${dir}, about ${fmt((mb * SPACE_FACTOR) / 1024, 1)} GB needed`,
        );
      } else sizes.push(mb);
    }
    const clamd = await clamdSettings();
    if (!clamd)
      console.log('clamd not reachable (DOSSIER_TEST_CLAMD, scripts/clamd-offline.sh): no scan scenario');

    console.log(
      `bench:documents — ${runs} interleaved runs, sizes ${sizes.join(', ')} MB, in ${dir} (${fmt(free / MiB / 1024, 1)} GB free)`,
    );
    const sources = new Map<number, { path: string; sha256: string }>();
    for (const mb of sizes) {
      const path = join(dir, `source-${mb}.bin`);
      const t0 = performance.now();
      const sha256 = await generate(path, Math.round(mb * MiB));
      sources.set(mb, { path, sha256 });
      console.log(`  generated ${mb} MB of random data in ${fmt((performance.now() - t0) / 1000, 1)} s`);
    }

    const storeRoot = join(dir, 'store');
    const blobs = new FsBlobStore(storeRoot);
    const results = new Map<string, Result[]>(); // `${row}:${mb}` and 'aes'
    const push = (key: string, r: Result): void =>
      void (results.get(key) ?? results.set(key, []).get(key)!).push(r);
    const scanSkipped = new Map<number, string>();
    const verified = new Map<number, boolean>();

    const line = (run: number, what: string, r: Result): void =>
      console.log(
        `  run ${run} ${what.padEnd(40)} ${fmt(mbps(r)).padStart(6)} MB/s  ${fmt(r.seconds, 2).padStart(7)} s  max RSS ${fmt(r.maxRssMiB).padStart(4)} MB`,
      );

    for (let run = 1; run <= runs; run++) {
      const idle = await runJob({ scenario: 'idle' });
      push('idle', idle);
      console.log(
        `  run ${run} ${'process floor (modules loaded, no work)'.padEnd(40)} max RSS ${fmt(idle.maxRssMiB)} MB`,
      );
      const aes = await runJob({ scenario: 'aes', bytes: AES_BUFFER });
      push('aes', aes);
      line(run, 'raw AES-256-GCM (256 MB buffer)', aes);
      for (const mb of sizes) {
        const src = sources.get(mb)!;
        const dest = join(dir, `copy-${mb}.bin`);
        const copy = await runJob({ scenario: 'copy', source: src.path, dest });
        await rm(dest, { force: true });
        push(`copy:${mb}`, copy);
        line(run, `${mb} MB ${LABELS.copy}`, copy);

        const stored = await runJob({ scenario: 'store', source: src.path, storeRoot });
        if (stored.sha256 !== src.sha256)
          throw new Error(`${mb} MB: the pipeline hashed something else than the source`);
        push(`store:${mb}`, stored);
        line(run, `${mb} MB ${LABELS.store}`, stored);

        if (clamd && !scanSkipped.has(mb)) {
          const scanned = await runJob({ scenario: 'store-scan', source: src.path, storeRoot, clamd });
          if (scanned.skipped) {
            scanSkipped.set(mb, scanned.skipped);
            console.log(`  run ${run} ${mb} MB ${LABELS['store-scan']}: skipped: ${scanned.skipped}`);
          } else {
            await blobs.delete(scanned.blobId!);
            push(`store-scan:${mb}`, scanned);
            line(run, `${mb} MB ${LABELS['store-scan']}`, scanned);
          }
        }

        const blob = { storeRoot, blobId: stored.blobId!, dataKey: stored.dataKey! };
        if (!verified.has(mb)) {
          // Once per size, untimed: the decrypted bytes hash to the source's SHA-256.
          const check = await runJob({ scenario: 'read', ...blob, verify: true });
          const ok = check.sha256 === src.sha256 && check.bytes === Math.round(mb * MiB);
          verified.set(mb, ok);
          if (!ok) throw new Error(`${mb} MB: download+decrypt does not give back the source`);
        }
        const read = await runJob({ scenario: 'read', ...blob });
        await blobs.delete(blob.blobId);
        push(`read:${mb}`, read);
        line(run, `${mb} MB ${LABELS.read}`, read);
      }
    }

    // ---- report -------------------------------------------------------------------------------------
    const med = (key: string, f: (r: Result) => number): number | null => {
      const rs = results.get(key);
      return rs?.length ? median(rs.map(f)) : null;
    };
    const peak = (key: string): number | null => {
      const rs = results.get(key);
      return rs?.length ? Math.max(...rs.map((r) => r.maxRssMiB)) : null;
    };
    const aesMbps = med('aes', mbps)!;
    console.log('');
    console.log(
      `MB = MiB; medians of ${runs} runs; max RSS: median / highest of the runs, per child process`,
    );
    console.log('');
    console.log(
      'size      scenario                             MB/s   ÷ copy   ÷ raw AES   max RSS MB   runs (MB/s)',
    );
    const rows: Row[] = ['copy', 'store', 'store-scan', 'read'];
    for (const mb of sizes) {
      const copyMbps = med(`copy:${mb}`, mbps)!;
      for (const row of rows) {
        const key = `${row}:${mb}`;
        const size = `${mb} MB`.padEnd(9);
        if (row === 'store-scan' && !clamd) continue;
        if (row === 'store-scan' && scanSkipped.has(mb)) {
          console.log(`${size} ${LABELS[row].padEnd(34)} skipped: ${scanSkipped.get(mb)}`);
          continue;
        }
        const m = med(key, mbps)!;
        const all = results
          .get(key)!
          .map((r) => fmt(mbps(r)))
          .join(' ');
        console.log(
          `${size} ${LABELS[row].padEnd(34)} ${fmt(m).padStart(6)}   ${fmt(m / copyMbps, 2).padStart(6)}   ${fmt(m / aesMbps, 2).padStart(9)}   ${`${fmt(med(key, (r) => r.maxRssMiB)!)} / ${fmt(peak(key)!)}`.padStart(10)}   ${all}`,
        );
      }
      console.log(
        `${' '.repeat(10)}download+decrypt verified once: SHA-256 of the output = source (${sources.get(mb)!.sha256.slice(0, 16)}…)`,
      );
    }
    console.log(
      `baseline  raw AES-256-GCM, 256 MB in 1 MiB chunks ${fmt(aesMbps).padStart(6)}                         ${`${fmt(med('aes', (r) => r.maxRssMiB)!)} / ${fmt(peak('aes')!)}`.padStart(10)}   ${results
        .get('aes')!
        .map((r) => fmt(mbps(r)))
        .join(' ')}`,
    );

    console.log(
      `floor     a worker child that loads its modules and does nothing:             ${`${fmt(med('idle', (r) => r.maxRssMiB)!)} / ${fmt(peak('idle')!)}`.padStart(10)}`,
    );

    console.log('');
    console.log('targets');
    const big = sizes.includes(1024) ? 1024 : null;
    if (big === null) {
      console.log(
        `  ≥ ${TARGET_STORE_MBPS} MB/s sustained for encrypt+store on the 1 GB file: NOT MEASURED (1024 MB not in this run)`,
      );
    } else {
      const m = med(`store:${big}`, mbps)!;
      const copyM = med(`copy:${big}`, mbps)!;
      console.log(
        `  ≥ ${TARGET_STORE_MBPS} MB/s sustained for encrypt+store on the 1 GB file: ${m >= TARGET_STORE_MBPS ? 'MET' : 'NOT MET'} — ${fmt(m)} MB/s median (plain copy ${fmt(copyM)} MB/s, ratio ${fmt(m / copyM, 2)}; raw AES-256-GCM ${fmt(aesMbps)} MB/s)`,
      );
    }
    const pipelineRows = rows.filter((r) => r !== 'copy');
    const measured = pipelineRows.flatMap((row) =>
      sizes.flatMap((mb) => (results.get(`${row}:${mb}`) ? [{ row, mb, peak: peak(`${row}:${mb}`)! }] : [])),
    );
    const worst = measured.reduce((a, b) => (b.peak > a.peak ? b : a));
    const growth = pipelineRows.flatMap((row) => {
      const byMb = sizes.filter((mb) => results.get(`${row}:${mb}`));
      if (byMb.length < 2) return [];
      const from = byMb[0]!;
      const to = byMb[byMb.length - 1]!;
      const lo = peak(`${row}:${from}`)!;
      const hi = peak(`${row}:${to}`)!;
      const copyGrowth = peak(`copy:${to}`)! - peak(`copy:${from}`)!;
      const allowance = Math.max(0, copyGrowth) + RSS_FLAT_TOLERANCE_MIB;
      return [{ row, from, to, lo, hi, copyGrowth, allowance, flat: hi - lo <= allowance }];
    });
    const flat = growth.every((g) => g.flat);
    const under = worst.peak <= TARGET_RSS_MIB;
    const ok = under && flat && growth.length > 0;
    console.log(
      `  peak memory independent of file size (≤ ${TARGET_RSS_MIB} MB for the process): ${growth.length === 0 ? 'NOT MEASURED (needs two sizes)' : ok ? 'MET' : 'NOT MET'} — highest ${fmt(worst.peak)} MB (${LABELS[worst.row]}, ${worst.mb} MB; ${under ? 'within' : 'over'} ${TARGET_RSS_MIB} MB; ${flat ? 'flat' : 'grows with size'}; floor ${fmt(med('idle', (r) => r.maxRssMiB)!)} MB)`,
    );
    for (const g of growth) {
      console.log(
        `      ${LABELS[g.row].padEnd(34)} ${fmt(g.lo).padStart(4)} MB at ${g.from} MB → ${fmt(g.hi).padStart(4)} MB at ${g.to} MB: ${g.hi - g.lo >= 0 ? '+' : ''}${fmt(g.hi - g.lo)} MB, allowed +${fmt(g.allowance)} (plain copy ${g.copyGrowth >= 0 ? '+' : ''}${fmt(g.copyGrowth)} + ${RSS_FLAT_TOLERANCE_MIB}) ${g.flat ? 'flat' : 'GROWS'}`,
      );
    }
  } finally {
    cleanup();
  }
}

await main();
