/**
 * One worker_threads worker of the S5 batch rescreen: parses UN + OFAC from the raw files, builds its
 * own index, screens its slice of the customers at the default threshold and posts its figures.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { DEFAULT_THRESHOLD, type ScreeningQuery } from '../src/modules/screening/engine/api.ts';
import { buildFromFiles, dataPaths, loadEngine } from './screening-support.ts';

export interface WorkerJob {
  data: string;
  engine?: string;
  customers: ScreeningQuery[];
}

export interface WorkerResult {
  buildMs: number;
  screenMs: number;
  screened: number;
  alerts: number;
}

const job = workerData as WorkerJob;
const engine = await loadEngine(job.engine);
const t0 = performance.now();
const index = await buildFromFiles(engine, dataPaths(job.data));
const t1 = performance.now();
let alerts = 0;
for (const q of job.customers) {
  if (index.search(q, { threshold: DEFAULT_THRESHOLD, limit: 5 }).length > 0) alerts++;
}
const t2 = performance.now();
parentPort!.postMessage({
  buildMs: t1 - t0,
  screenMs: t2 - t1,
  screened: job.customers.length,
  alerts,
} satisfies WorkerResult);
