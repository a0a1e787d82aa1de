import { availableParallelism } from 'node:os';
import { InvalidArgumentError, describe } from '@metricopt/core';
import { evaluateAllQueries, evaluateQueriesInParallel } from './parallel-query-outcomes.js';
import { relevantCounts, type QueryOutcomes, type RetrievalPlan } from './query-outcomes.js';
import { RETRIEVAL_DISTANCES, toScoreSpace, type RetrievalDistance } from './score-space.js';
import { SimilarityKernel, WASM_MEMORY_LIMIT } from './similarity-kernel.js';

export interface RetrievalMetricsOptions {
  /** The k of Recall@k, each a positive integer (k past the gallery size means the whole gallery). */
  k: readonly number[];
  /** 'cosine' (default: similarity of L2-normalised embeddings) or 'euclidean' (distance). */
  metric?: RetrievalDistance;
  /** When given, rows [0, queryCount) query the gallery rows [queryCount, N); otherwise every row queries all the others. */
  queryCount?: number;
  /** Query rows scored per block (default: as many as keep the block near 32 MB); memory ≈ 4·chunkSize·gallery bytes. */
  chunkSize?: number;
}

export interface RetrievalMetricsResult {
  /** Fraction of evaluated queries with a same-label item among their k nearest neighbours, keyed by k. */
  recallAtK: Record<string, number>;
  /** MAP@R (Musgrave et al. 2020), averaged over evaluated queries. */
  mapAtR: number;
  /** R-precision, averaged over evaluated queries. */
  rPrecision: number;
  /** Queries evaluated. */
  queries: number;
  /** Queries left out because no gallery item shares their label (all metrics are NaN when none is left). */
  excluded: number;
}

const BLOCK_BYTES = 32 * 1024 * 1024;

/**
 * Recall@k, MAP@R and R-precision of embeddings (`count × dim`, row-major) with exact
 * nearest-neighbour search. For a query with R same-label gallery items: Recall@k counts a hit when
 * one of its k nearest neighbours has its label; R-precision is the fraction of same-label items in
 * its top R; MAP@R = (1/R)·Σ_{i≤R} P(i)·rel(i). Neighbours are ranked by score, ties broken by
 * gallery index (lower first). Queries with R = 0 are excluded (and counted). The similarity matrix
 * is computed a block of query rows at a time and only each query's top max(k, R) is kept, so the
 * results are those of one big matrix with memory bounded by the block (scores are float32 dot
 * products accumulated in a fixed order, so they do not depend on the chunking either). In self
 * mode with cosine, the matrix being symmetric, each block right of the diagonal is computed once
 * and serves both its rows and its columns (half the work; top-k kept per query). Cosine
 * treats a zero vector as similar 0 to everything. Euclidean ranks by q·g − ½‖g‖² on mean-centred
 * data, as faiss does: distances equal to ~1e-6 relative may be ordered by float32 rounding.
 *
 * ```ts
 * const embeddings = Float32Array.of(1, 0, 0.9, 0.1, 0, 1, 0.1, 0.9);
 * retrievalMetrics(embeddings, Int32Array.of(0, 0, 1, 1), 2, { k: [1] });
 * // { recallAtK: { '1': 1 }, mapAtR: 1, rPrecision: 1, queries: 4, excluded: 0 }
 * ```
 */
export function retrievalMetrics(
  embeddings: Float32Array,
  labels: Int32Array,
  dim: number,
  options: RetrievalMetricsOptions,
): RetrievalMetricsResult {
  const fn = 'retrievalMetrics';
  const { count, kList, distance, plan } = checkRetrievalInput(fn, embeddings, labels, dim, options);
  const space = toScoreSpace(embeddings, count, dim, distance);
  const outcomes = evaluateAllQueries(space, labels, plan, relevantCounts(labels, plan));
  return summarise(outcomes, kList);
}

export interface ParallelRetrievalMetricsOptions extends RetrievalMetricsOptions {
  /**
   * Threads ranking queries (default: the machine's cores, up to 4 as each holds its own copy of
   * the gallery; 1 below 2²⁷ query-gallery pairs, where starting workers costs more than it
   * saves). Results do not depend on it.
   */
  threads?: number;
}

/**
 * retrievalMetrics with the queries split over worker threads; the same numbers, bit for bit.
 *
 * ```ts
 * const result = await retrievalMetricsParallel(embeddings, labels, 128, { k: [1, 2, 4, 8], threads: 2 });
 * ```
 */
export async function retrievalMetricsParallel(
  embeddings: Float32Array,
  labels: Int32Array,
  dim: number,
  options: ParallelRetrievalMetricsOptions,
): Promise<RetrievalMetricsResult> {
  const fn = 'retrievalMetricsParallel';
  const { count, kList, distance, plan } = checkRetrievalInput(fn, embeddings, labels, dim, options);
  const pairs = plan.queryCount * plan.galleryCount;
  let threads = options.threads ?? (pairs < 2 ** 27 ? 1 : Math.min(4, availableParallelism()));
  if (!Number.isInteger(threads) || threads < 1) throw new InvalidArgumentError(fn, 'threads', 'a positive integer', describe(options.threads));
  threads = Math.min(threads, 64);
  const space = toScoreSpace(embeddings, count, dim, distance);
  const { outcomes } = await evaluateQueriesInParallel(space, labels, plan, relevantCounts(labels, plan), threads);
  return summarise(outcomes, kList);
}

/** Averages per-query outcomes in query order (so the sums do not depend on how the work was split). */
export function summarise(outcomes: QueryOutcomes, kList: readonly number[]): RetrievalMetricsResult {
  let queries = 0;
  let apSum = 0;
  let rpSum = 0;
  const hits = kList.map(() => 0);
  for (let q = 0; q < outcomes.relevant.length; q++) {
    if (outcomes.relevant[q]! <= 0) continue;
    queries++;
    apSum += outcomes.averagePrecisionAtR[q]!;
    rpSum += outcomes.rPrecision[q]!;
    const first = outcomes.firstHit[q]!;
    if (first === 0) continue;
    kList.forEach((k, i) => {
      if (first <= k) hits[i]!++;
    });
  }
  const recallAtK: Record<string, number> = {};
  kList.forEach((k, i) => {
    recallAtK[String(k)] = queries > 0 ? hits[i]! / queries : Number.NaN;
  });
  return {
    recallAtK,
    mapAtR: queries > 0 ? apSum / queries : Number.NaN,
    rPrecision: queries > 0 ? rpSum / queries : Number.NaN,
    queries,
    excluded: outcomes.relevant.length - queries,
  };
}

/** Checks the arguments of a retrieval evaluation and works out its plan. */
export function checkRetrievalInput(
  fn: string,
  embeddings: Float32Array,
  labels: Int32Array,
  dim: number,
  options: RetrievalMetricsOptions,
): { count: number; kList: number[]; distance: RetrievalDistance; plan: RetrievalPlan } {
  if (!Number.isInteger(dim) || dim <= 0) throw new InvalidArgumentError(fn, 'dim', 'a positive integer', describe(dim));
  if (!(embeddings instanceof Float32Array)) throw new InvalidArgumentError(fn, 'embeddings', 'a Float32Array', describe(embeddings));
  if (!(labels instanceof Int32Array)) throw new InvalidArgumentError(fn, 'labels', 'an Int32Array', describe(labels));
  if (embeddings.length % dim !== 0) {
    throw new InvalidArgumentError(fn, 'embeddings', `a length divisible by dim = ${dim}`, `length ${embeddings.length}`);
  }
  const count = embeddings.length / dim;
  if (labels.length !== count) {
    throw new InvalidArgumentError(fn, 'labels', `one label per embedding row (${count})`, `${labels.length} labels`);
  }
  for (let i = 0; i < embeddings.length; i++) {
    if (!Number.isFinite(embeddings[i]!)) {
      throw new InvalidArgumentError(fn, 'embeddings', 'finite values', `${embeddings[i]} at row ${Math.floor(i / dim)}, column ${i % dim}`);
    }
  }
  const kList = checkKList(fn, options?.k);
  const distance = options.metric ?? 'cosine';
  if (!RETRIEVAL_DISTANCES.includes(distance)) {
    throw new InvalidArgumentError(fn, 'metric', `one of ${RETRIEVAL_DISTANCES.join(', ')}`, describe(distance));
  }
  const self = options.queryCount === undefined;
  const queryCount = options.queryCount ?? count;
  if (!self && (!Number.isInteger(queryCount) || queryCount < 1 || queryCount >= count)) {
    throw new InvalidArgumentError(fn, 'queryCount', `an integer in [1, ${count - 1}] (rows ${count}, the rest is the gallery)`, describe(options.queryCount));
  }
  if (count < 2) throw new InvalidArgumentError(fn, 'embeddings', 'at least 2 rows', `${count}`);
  const galleryStart = self ? 0 : queryCount;
  const galleryCount = count - galleryStart;
  let blockRows: number;
  if (options.chunkSize !== undefined) {
    if (!Number.isInteger(options.chunkSize) || options.chunkSize <= 0) {
      throw new InvalidArgumentError(fn, 'chunkSize', 'a positive integer', describe(options.chunkSize));
    }
    blockRows = Math.min(options.chunkSize, Math.ceil(queryCount / 4) * 4);
  } else {
    blockRows = Math.max(4, Math.min(1024, Math.floor(BLOCK_BYTES / (4 * Math.max(galleryCount, 8)) / 4) * 4));
  }
  const kMax = Math.max(...kList);
  const bytes = SimilarityKernel.bytesNeeded(dim + 1, galleryCount, blockRows, true);
  if (bytes > WASM_MEMORY_LIMIT) {
    throw new InvalidArgumentError(
      fn, 'embeddings', `a gallery whose float32 copy and score block (chunkSize × gallery) fit in 4 GB of WebAssembly memory`,
      `${galleryCount} gallery rows of dim ${dim}, blocks of ${blockRows} rows: ${(bytes / 2 ** 20).toFixed(0)} MB`,
    );
  }
  return { count, kList, distance, plan: { queryCount, galleryStart, galleryCount, self, kMax, blockRows } };
}

function checkKList(fn: string, k: unknown): number[] {
  if (!Array.isArray(k) || k.length === 0) throw new InvalidArgumentError(fn, 'k', 'a non-empty array of positive integers', describe(k));
  for (const value of k) {
    if (!Number.isInteger(value) || value <= 0) {
      throw new InvalidArgumentError(fn, 'k', 'a non-empty array of positive integers', `[${k.join(', ')}]`);
    }
  }
  return [...new Set(k as number[])].sort((a, b) => a - b);
}
