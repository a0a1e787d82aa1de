import type { ScoreSpace } from './score-space.js';
import { SimilarityKernel } from './similarity-kernel.js';
import { TopK } from './top-k.js';

/** Which rows query which: self mode (every row queries all others) or the first rows against the rest. */
export interface RetrievalPlan {
  /** Rows [0, queryCount) are the queries. */
  queryCount: number;
  /** Gallery rows are [galleryStart, galleryStart + galleryCount); in self mode 0 and every row. */
  galleryStart: number;
  galleryCount: number;
  /** Self mode: a query never retrieves itself (skipped by index). */
  self: boolean;
  /** The largest k asked for. */
  kMax: number;
  /** Query rows scored at once: the similarity block held in memory is blockRows × galleryCount. */
  blockRows: number;
}

/** Per-query results, by query row. */
export interface QueryOutcomes {
  /** R: same-label items in the query's gallery; 0 means the query is excluded. */
  relevant: Int32Array;
  /** 1-based rank of the first same-label item, or 0 when none is among the top max(kMax, R). */
  firstHit: Int32Array;
  averagePrecisionAtR: Float64Array;
  rPrecision: Float64Array;
}

/** R for every query: how many gallery items share its label (itself not counted in self mode). */
export function relevantCounts(labels: Int32Array, plan: RetrievalPlan): Int32Array {
  const counts = new Map<number, number>();
  for (let j = plan.galleryStart; j < plan.galleryStart + plan.galleryCount; j++) {
    counts.set(labels[j]!, (counts.get(labels[j]!) ?? 0) + 1);
  }
  const relevant = new Int32Array(plan.queryCount);
  for (let q = 0; q < plan.queryCount; q++) relevant[q] = (counts.get(labels[q]!) ?? 0) - (plan.self ? 1 : 0);
  return relevant;
}

/**
 * Ranks the gallery for queries [from, to) exactly, a block of query rows at a time, keeping only
 * each query's top max(kMax, R) (the most MAP@R and Recall@k can look at), and writes its outcomes.
 */
export function evaluateQueries(space: ScoreSpace, labels: Int32Array, plan: RetrievalPlan, from: number, to: number, out: QueryOutcomes): void {
  const { galleryStart, galleryCount, self, kMax } = plan;
  const relevant = out.relevant;
  let widest = kMax;
  for (let q = from; q < to; q++) widest = Math.max(widest, relevant[q]!);
  const top = new TopK(Math.min(widest, galleryCount));
  const depth = space.dim + (space.extra === undefined ? 0 : 1);
  const kernel = new SimilarityKernel(depth, galleryCount, plan.blockRows);
  kernel.setGalleryRows(space.rows, galleryStart, space.dim, space.extra);
  for (let first = from; first < to; first += plan.blockRows) {
    const count = Math.min(plan.blockRows, to - first);
    const scores = kernel.scoreRows(space.rows, first, count, space.dim, space.extra === undefined ? undefined : 1);
    for (let i = 0; i < count; i++) {
      const q = first + i;
      const r = relevant[q]!;
      if (r <= 0) continue;
      const size = top.select(scores, i * kernel.stride, galleryCount, Math.max(kMax, r), self ? q : -1, kernel.scan);
      recordRanking(top.indices, 0, size, labels, galleryStart, q, r, out);
    }
  }
}

/** Writes query q's outcomes from its ranking: gallery positions indices[from .. from + size), best first. */
export function recordRanking(
  indices: Int32Array,
  from: number,
  size: number,
  labels: Int32Array,
  galleryStart: number,
  q: number,
  r: number,
  out: QueryOutcomes,
): void {
  const label = labels[q]!;
  let firstHit = 0;
  let hits = 0;
  let precisionSum = 0;
  for (let rank = 1; rank <= size; rank++) {
    if (labels[galleryStart + indices[from + rank - 1]!] !== label) continue;
    if (firstHit === 0) firstHit = rank;
    if (rank > r) break;
    hits++;
    precisionSum += hits / rank;
  }
  out.firstHit[q] = firstHit;
  out.averagePrecisionAtR[q] = precisionSum / r;
  out.rPrecision[q] = hits / r;
}
