import { Worker } from 'node:worker_threads';
import { evaluateQueries, type QueryOutcomes, type RetrievalPlan } from './query-outcomes.js';
import type { ScoreSpace } from './score-space.js';

/**
 * evaluateQueries over all queries, split into `threads` contiguous ranges: one on this thread,
 * the others on worker threads sharing the inputs and outputs through SharedArrayBuffers. Every
 * query is ranked exactly as on one thread, so the outcomes do not depend on `threads`. A worker
 * that cannot start or fails has its range done here instead; `workers` counts those that finished.
 */
export async function evaluateQueriesInParallel(
  space: ScoreSpace,
  labels: Int32Array,
  plan: RetrievalPlan,
  relevant: Int32Array,
  threads: number,
): Promise<{ outcomes: QueryOutcomes; workers: number }> {
  const q = plan.queryCount;
  const outcomes: QueryOutcomes = {
    relevant: shared(Int32Array, q),
    firstHit: shared(Int32Array, q),
    averagePrecisionAtR: shared(Float64Array, q),
    rPrecision: shared(Float64Array, q),
  };
  outcomes.relevant.set(relevant);
  const parts = Math.max(1, Math.min(threads, Math.ceil(q / plan.blockRows)));
  const bounds = Array.from({ length: parts + 1 }, (_, i) => Math.round((i * q) / parts));
  if (parts === 1) {
    evaluateQueries(space, labels, plan, 0, q, outcomes);
    return { outcomes, workers: 0 };
  }
  const rows = copyShared(space.rows);
  const extra = space.extra === undefined ? undefined : copyShared(space.extra);
  const sharedLabels = copyShared(labels);
  const workers = bounds.slice(1, -1).map((from, i) =>
    runWorker({ rows, extra, dim: space.dim, labels: sharedLabels, plan, from, to: bounds[i + 2]!, outcomes }),
  );
  evaluateQueries(space, labels, plan, 0, bounds[1]!, outcomes);
  const started = await Promise.all(workers);
  started.forEach((ok, i) => {
    if (!ok) evaluateQueries(space, labels, plan, bounds[i + 1]!, bounds[i + 2]!, outcomes);
  });
  return { outcomes, workers: started.filter(Boolean).length };
}

// From TypeScript sources (vitest, benches run with tsx) the worker registers tsx's loader before importing its entry.
const TSX_BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
import('tsx/esm/api').then((api) => { api.register(); return import(workerData.entry); }).catch((err) => { throw err; });
`;

/** Resolves true when the worker finished its range, false when it could not run (the caller does the range). */
function runWorker(task: object): Promise<boolean> {
  const fromSource = import.meta.url.endsWith('.ts');
  const entry = new URL(fromSource ? './query-outcomes-worker.ts' : './query-outcomes-worker.js', import.meta.url);
  return new Promise((resolve) => {
    let done = false;
    try {
      const worker = fromSource
        ? new Worker(TSX_BOOTSTRAP, { eval: true, workerData: { ...task, entry: entry.href } })
        : new Worker(entry, { workerData: task });
      worker.once('message', () => (done = true));
      worker.once('error', () => resolve(false));
      worker.once('exit', (code) => resolve(done && code === 0));
    } catch {
      resolve(false);
    }
  });
}

function shared<T extends Int32Array | Float64Array>(kind: { new (buffer: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number }, length: number): T {
  return new kind(new SharedArrayBuffer(length * kind.BYTES_PER_ELEMENT));
}

function copyShared<T extends Float32Array | Int32Array>(values: T): T {
  const buffer = new SharedArrayBuffer(values.byteLength);
  const copy = new (values.constructor as new (b: SharedArrayBuffer) => T)(buffer);
  copy.set(values);
  return copy;
}
