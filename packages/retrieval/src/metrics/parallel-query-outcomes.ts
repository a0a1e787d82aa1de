import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { evaluateQueries, type QueryOutcomes, type RetrievalPlan } from './query-outcomes.js';
import type { ScoreSpace } from './score-space.js';
import { recordMerged, symmetricApplies, symmetricTopK, topKCapacities, type SortedLists } from './symmetric-top-k.js';

/** Every query's outcomes on this thread: the symmetric path where it applies, else row blocks. */
export function evaluateAllQueries(space: ScoreSpace, labels: Int32Array, plan: RetrievalPlan, relevant: Int32Array): QueryOutcomes {
  const outcomes = emptyOutcomes(relevant, (length, kind) => new kind(length));
  const capacities = topKCapacities(plan, relevant);
  if (symmetricApplies(space, plan, capacities, 1)) {
    recordMerged([symmetricTopK(space, plan, capacities, 0, 1)], capacities, labels, plan, outcomes);
  } else {
    evaluateQueries(space, labels, plan, 0, plan.queryCount, outcomes);
  }
  return outcomes;
}

/**
 * evaluateAllQueries split over `threads`: one share on this thread, the others on worker threads
 * sharing inputs and outputs through SharedArrayBuffers — row blocks interleaved for the symmetric
 * path (each thread keeps top-k lists, merged here), contiguous query ranges for the row-block
 * path. Every query's ranking is exactly that of one thread. A worker that cannot start or fails
 * has its share done here instead; `workers` counts those that finished.
 */
export async function evaluateQueriesInParallel(
  space: ScoreSpace,
  labels: Int32Array,
  plan: RetrievalPlan,
  relevant: Int32Array,
  threads: number,
): Promise<{ outcomes: QueryOutcomes; workers: number }> {
  const parts = Math.max(1, Math.min(threads, Math.ceil(plan.queryCount / plan.blockRows)));
  if (parts === 1) return { outcomes: evaluateAllQueries(space, labels, plan, relevant), workers: 0 };
  const outcomes = emptyOutcomes(relevant, shared);
  const inputs = {
    rows: copyShared(space.rows),
    extra: space.extra === undefined ? undefined : copyShared(space.extra),
    dim: space.dim,
    labels: copyShared(labels),
    plan,
  };
  const capacities = topKCapacities(plan, relevant);
  if (symmetricApplies(space, plan, capacities, parts)) {
    const lists = Array.from({ length: parts }, (_, t): SortedLists | undefined => (t === 0 ? undefined : sharedLists(capacities)));
    const workers = lists.slice(1).map((list, i) => runWorker({ ...inputs, mode: 'symmetric', capacities, share: i + 1, shares: parts, lists: list }));
    const own = symmetricTopK(space, plan, capacities, 0, parts);
    const finished = await Promise.all(workers);
    const merged = lists.map((list, t) => (t === 0 ? own : finished[t - 1] ? list! : symmetricTopK(space, plan, capacities, t, parts)));
    recordMerged(merged, capacities, labels, plan, outcomes);
    return { outcomes, workers: finished.filter(Boolean).length };
  }
  const q = plan.queryCount;
  const bounds = Array.from({ length: parts + 1 }, (_, i) => Math.round((i * q) / parts));
  const workers = bounds.slice(1, -1).map((from, i) => runWorker({ ...inputs, mode: 'rows', from, to: bounds[i + 2]!, outcomes }));
  evaluateQueries(space, labels, plan, 0, bounds[1]!, outcomes);
  const finished = await Promise.all(workers);
  finished.forEach((ok, i) => {
    if (!ok) evaluateQueries(space, labels, plan, bounds[i + 1]!, bounds[i + 2]!, outcomes);
  });
  return { outcomes, workers: finished.filter(Boolean).length };
}

type Allocate = <T extends Int32Array | Float64Array>(length: number, kind: { new (length: number): T; new (buffer: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number }) => T;

function emptyOutcomes(relevant: Int32Array, allocate: Allocate): QueryOutcomes {
  const q = relevant.length;
  const outcomes = {
    relevant: allocate(q, Int32Array),
    firstHit: allocate(q, Int32Array),
    averagePrecisionAtR: allocate(q, Float64Array),
    rPrecision: allocate(q, Float64Array),
  };
  outcomes.relevant.set(relevant);
  return outcomes;
}

/** Shared arrays for a worker's sorted top-k lists, laid out like a TopKTable over `capacities`. */
function sharedLists(capacities: Int32Array): SortedLists {
  const offsets = new Int32Array(capacities.length + 1);
  for (let q = 0; q < capacities.length; q++) offsets[q + 1] = offsets[q]! + capacities[q]!;
  const entries = offsets[capacities.length]!;
  return {
    offsets,
    sizes: shared(capacities.length, Int32Array),
    scores: new Float32Array(new SharedArrayBuffer(4 * entries)),
    indices: shared(entries, Int32Array),
  };
}

// From TypeScript sources (vitest, benches run with tsx) the worker registers tsx's loader (a
// devDependency, resolved from here) before importing its entry.
const TSX_BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
import(workerData.tsx).then((api) => { api.register(); return import(workerData.entry); }).catch((err) => { throw err; });
`;

/** Resolves true when the worker finished its share, false when it could not run (the caller does the share). */
function runWorker(task: object): Promise<boolean> {
  const fromSource = import.meta.url.endsWith('.ts');
  const entry = new URL(fromSource ? './query-outcomes-worker.ts' : './query-outcomes-worker.js', import.meta.url);
  return new Promise((resolve) => {
    let done = false;
    try {
      // No inherited flags: a parent's `--import tsx` would make every worker load tsx for nothing.
      const worker = fromSource
        ? new Worker(TSX_BOOTSTRAP, { eval: true, workerData: { ...task, entry: entry.href, tsx: tsxApi() }, execArgv: [] })
        : new Worker(entry, { workerData: task, execArgv: [] });
      worker.once('message', () => (done = true));
      worker.once('error', () => resolve(false));
      worker.once('exit', (code) => resolve(done && code === 0));
    } catch {
      resolve(false);
    }
  });
}

/** The ES module of tsx's API (its CommonJS twin registers hooks by a path that breaks in workers). */
function tsxApi(): string {
  const manifest = createRequire(import.meta.url).resolve('tsx/package.json');
  const { exports } = JSON.parse(readFileSync(manifest, 'utf8')) as { exports: Record<string, { import?: string | { default?: string } }> };
  const entry = exports['./esm/api']?.import;
  const path = typeof entry === 'string' ? entry : entry?.default ?? './dist/esm/api/index.mjs';
  return pathToFileURL(join(dirname(manifest), path)).href;
}

function shared<T extends Int32Array | Float64Array>(length: number, kind: { new (buffer: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number }): T {
  return new kind(new SharedArrayBuffer(length * kind.BYTES_PER_ELEMENT));
}

function copyShared<T extends Float32Array | Int32Array>(values: T): T {
  const buffer = new SharedArrayBuffer(values.byteLength);
  const copy = new (values.constructor as new (b: SharedArrayBuffer) => T)(buffer);
  copy.set(values);
  return copy;
}
