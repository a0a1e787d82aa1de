// Times retrievalMetrics on seeded clustered embeddings (default 1,000 classes × 20, D = 128, cosine,
// Recall@{1,2,4,8,16,32} + MAP@R + R-precision in one pass) and, where /usr/bin/python3 has numpy
// and faiss, bench/reference_eval.py on the same files, checking that the numbers agree.
//
//   node --import tsx bench/retrieval-eval-speed.ts [--classes 1000] [--per-class 20] [--dim 128] [--spread 1.8]
//     [--metric cosine|euclidean] [--query-count Q] [--numpy] [--no-reference]
// The reference runs only for cosine in self mode. Peak RSS is printed: e.g. --classes 2500 --dim 512
// --query-count 1000 holds a 50,000 × 512 set in memory as a full run would, and finishes sooner.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Rng } from '@metricopt/core';
import { availableParallelism } from 'node:os';
import type { RetrievalMetricsResult } from '../src/metrics/retrieval-metrics.js';

// The compiled package when built (`pnpm build`): its worker threads start in ~0.1 s, where workers
// started from TypeScript sources first load tsx (~2 s).
const built = new URL('../dist/metrics/retrieval-metrics.js', import.meta.url);
const sources = new URL('../src/metrics/', import.meta.url);
const newestSource = Math.max(...readdirSync(sources).map((name) => statSync(new URL(name, sources)).mtimeMs));
const source = existsSync(built) && statSync(built).mtimeMs >= newestSource ? 'dist' : 'src';
if (source === 'src') console.log('(dist/ missing or older than src/: timing the sources; run `pnpm build` for the compiled package)');
const { retrievalMetrics, retrievalMetricsParallel } = (await import(
  source === 'dist' ? built.href : '../src/metrics/retrieval-metrics.js'
)) as typeof import('../src/metrics/retrieval-metrics.js');

const { values } = parseArgs({
  options: {
    classes: { type: 'string', default: '1000' },
    'per-class': { type: 'string', default: '20' },
    dim: { type: 'string', default: '128' },
    seed: { type: 'string', default: '1' },
    spread: { type: 'string', default: '1.8' },
    numpy: { type: 'boolean', default: false },
    'no-reference': { type: 'boolean', default: false },
    metric: { type: 'string', default: 'cosine' },
    'query-count': { type: 'string' },
    python: { type: 'string', default: '/usr/bin/python3' },
  },
});
const classes = Number(values.classes);
const perClass = Number(values['per-class']);
const dim = Number(values.dim);
const k = [1, 2, 4, 8, 16, 32];
const n = classes * perClass;
const spread = Number(values.spread);

const rng = new Rng(Number(values.seed));
const embeddings = new Float32Array(n * dim);
const labels = new Int32Array(n);
const centres = Array.from({ length: classes }, () => rng.normals(dim));
const order = rng.permutation(n);
for (let i = 0; i < n; i++) {
  const c = Math.floor(order[i]! / perClass);
  labels[i] = c;
  const noise = rng.normals(dim);
  for (let d = 0; d < dim; d++) embeddings[i * dim + d] = centres[c]![d]! + spread * noise[d]!;
}
const dir = mkdtempSync(join(tmpdir(), 'retrieval-eval-speed-'));
const embeddingsPath = join(dir, 'embeddings.f32');
const labelsPath = join(dir, 'labels.i32');
writeFileSync(embeddingsPath, new Uint8Array(embeddings.buffer));
writeFileSync(labelsPath, new Uint8Array(labels.buffer));

const metric = values.metric as 'cosine' | 'euclidean';
const queryCount = values['query-count'] === undefined ? undefined : Number(values['query-count']);
const mode = queryCount === undefined ? 'self mode' : `${queryCount} queries against ${n - queryCount}`;
const options = { k, metric, ...(queryCount === undefined ? {} : { queryCount }) };
console.log(`N = ${n} (${classes} classes × ${perClass}), D = ${dim}, k = ${k.join(',')}, ${metric}, ${mode}, ${availableParallelism()} cores, from ${source}/`);
let started = performance.now();
const ours = retrievalMetrics(embeddings, labels, dim, options);
const seconds = (performance.now() - started) / 1000;
console.log(`metricopt, 1 thread   ${seconds.toFixed(2)} s  ${summary(ours)}`);
started = performance.now();
const parallel = await retrievalMetricsParallel(embeddings, labels, dim, options);
const parallelSeconds = (performance.now() - started) / 1000;
console.log(`metricopt, parallel   ${parallelSeconds.toFixed(2)} s  ${summary(parallel)}`);
console.log(`                      ${JSON.stringify(parallel) === JSON.stringify(ours) ? 'identical to 1 thread' : 'DIFFERS FROM 1 THREAD'}`);
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);

const script = join(dirname(fileURLToPath(import.meta.url)), 'reference_eval.py');
const engines = values['no-reference'] || metric !== 'cosine' || queryCount !== undefined ? [] : values.numpy ? ['faiss', 'numpy'] : ['faiss'];
for (const engine of engines) {
  let reference: RetrievalMetricsResult & { seconds: number };
  try {
    const out = execFileSync(values.python, [script, embeddingsPath, labelsPath, String(dim), '--k', k.join(','), '--engine', engine], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    reference = JSON.parse(out) as RetrievalMetricsResult & { seconds: number };
  } catch (err) {
    console.log(`${engine.padEnd(20)}  not run (${(err as Error).message.split('\n')[0]})`);
    continue;
  }
  console.log(`${engine.padEnd(20)}  ${reference.seconds.toFixed(2)} s  ${summary(reference)}`);
  const speedups = `1 thread ${(reference.seconds / seconds).toFixed(2)}x, parallel ${(reference.seconds / parallelSeconds).toFixed(2)}x`;
  console.log(`                      ${agrees(ours, reference) ? 'same numbers' : 'NUMBERS DIFFER'}; metricopt speed-up: ${speedups}`);
}
rmSync(dir, { recursive: true, force: true });

function summary(r: RetrievalMetricsResult): string {
  const recalls = Object.entries(r.recallAtK).map(([key, v]) => `R@${key} ${v.toFixed(4)}`).join(' ');
  return `${recalls} MAP@R ${r.mapAtR.toFixed(4)} RP ${r.rPrecision.toFixed(4)} (${r.queries} queries, ${r.excluded} excluded)`;
}

function agrees(a: RetrievalMetricsResult, b: RetrievalMetricsResult): boolean {
  const close = (x: number, y: number) => Math.abs(x - y) <= 1e-9;
  return (
    a.queries === b.queries && a.excluded === b.excluded && close(a.mapAtR, b.mapAtR) && close(a.rPrecision, b.rPrecision) &&
    Object.entries(a.recallAtK).every(([key, v]) => close(v, b.recallAtK[key] ?? Number.NaN))
  );
}
