import { recordRanking, type QueryOutcomes, type RetrievalPlan } from './query-outcomes.js';
import type { ScoreSpace } from './score-space.js';
import { SimilarityKernel } from './similarity-kernel.js';
import { worse } from './top-k-heap.js';
import { TopKTable } from './top-k-table.js';

/** Gallery columns scored at once: a blockRows × 512 panel stays in a core's L2 cache while it is scanned twice. */
const PANEL = 512;

/** Most (score, index) entries a symmetric run keeps per thread before the row-block path is used instead. */
export const SYMMETRIC_ENTRY_LIMIT = 2 ** 25;

/** How many neighbours each query keeps: max(kMax, R), at most the gallery; 0 for an excluded query. */
export function topKCapacities(plan: RetrievalPlan, relevant: Int32Array): Int32Array {
  const others = plan.galleryCount - (plan.self ? 1 : 0);
  return Int32Array.from(relevant, (r) => (r > 0 ? Math.min(Math.max(plan.kMax, r), others) : 0));
}

/** Whether symmetricTopK applies: self mode, a symmetric score (cosine), and top-k tables that fit the limit. */
export function symmetricApplies(space: ScoreSpace, plan: RetrievalPlan, capacities: Int32Array, threads: number): boolean {
  if (!plan.self || space.extra !== undefined) return false;
  let entries = 0;
  for (let q = 0; q < capacities.length; q++) entries += capacities[q]!;
  return entries * threads <= SYMMETRIC_ENTRY_LIMIT;
}

/**
 * Self mode with a symmetric score: every block of the similarity matrix on or right of the
 * diagonal is computed once and serves its rows directly and, transposed, its columns — half the
 * multiply-adds of scoring every row against everything. Each query keeps a heap of its best
 * `capacities[q]`, fed in increasing gallery index (earlier blocks' columns, then its own row from
 * the diagonal on), so ties keep breaking by index. Handles row blocks firstBlock,
 * firstBlock + blockStep, … (one share of a parallel run). Returns the table with every query's
 * entries sorted best first.
 */
export function symmetricTopK(space: ScoreSpace, plan: RetrievalPlan, capacities: Int32Array, firstBlock: number, blockStep: number): TopKTable {
  const n = plan.galleryCount;
  const rowsPerBlock = plan.blockRows;
  const kernel = new SimilarityKernel(space.dim, n, rowsPerBlock, { thresholds: true });
  kernel.setGalleryRows(space.rows, 0, space.dim);
  const table = new TopKTable(capacities, kernel.thresholds);
  const thresholds = kernel.thresholds;
  const scores = kernel.scores;
  const stride = kernel.stride;
  for (let block = firstBlock; block * rowsPerBlock < n; block += blockStep) {
    const q0 = block * rowsPerBlock;
    const count = Math.min(rowsPerBlock, n - q0);
    const q1 = q0 + count;
    kernel.loadQueries(space.rows, q0, count, space.dim);
    for (let p0 = q0 - (q0 % 8); p0 < n; p0 += PANEL) {
      const p1 = Math.min(p0 + PANEL, stride);
      const end = Math.min(p1, n);
      kernel.scorePanel(p0, p1);
      // The block's own queries: columns from the diagonal on.
      for (let i = 0; i < count; i++) {
        const q = q0 + i;
        const base = i * stride;
        const stop = base + end;
        for (let at = kernel.scan(scores, base + Math.max(p0, q0), stop, thresholds[q]!); at < stop; at = kernel.scan(scores, at + 1, stop, thresholds[q]!)) {
          if (at - base !== q) table.offer(q, scores[at]!, at - base);
        }
      }
      // Queries right of the block: the same scores, transposed — row i is their gallery item q0 + i.
      const from = Math.max(p0, q1);
      if (from >= end) continue;
      for (let i = 0; i < count; i++) {
        const base = i * stride;
        for (let j = kernel.scanEach(base, from, end); j < end; j = kernel.scanEach(base, j + 1, end)) table.offer(j, scores[base + j]!, q0 + i);
      }
    }
  }
  for (let q = 0; q < n; q++) table.sort(q);
  return table;
}

/** Sorted per-query lists (as a TopKTable leaves them after sort), possibly one per thread. */
export interface SortedLists {
  offsets: Int32Array;
  sizes: Int32Array;
  scores: Float32Array;
  indices: Int32Array;
}

/** Merges each query's sorted lists (best first; ties by index) into its top `capacities[q]` and records its outcomes. */
export function recordMerged(lists: SortedLists[], capacities: Int32Array, labels: Int32Array, plan: RetrievalPlan, out: QueryOutcomes): void {
  const widest = capacities.reduce((m, c) => Math.max(m, c), 0);
  const merged = new Int32Array(Math.max(widest, 1));
  const heads = new Int32Array(lists.length);
  for (let q = 0; q < capacities.length; q++) {
    const r = out.relevant[q]!;
    if (r <= 0) continue;
    let size = 0;
    if (lists.length === 1) {
      const only = lists[0]!;
      recordRanking(only.indices, only.offsets[q]!, only.sizes[q]!, labels, plan.galleryStart, q, r, out);
      continue;
    }
    heads.fill(0);
    while (size < capacities[q]!) {
      let best = -1;
      let bestScore = 0;
      let bestIndex = 0;
      lists.forEach((list, t) => {
        if (heads[t]! >= list.sizes[q]!) return;
        const at = list.offsets[q]! + heads[t]!;
        if (best < 0 || worse(bestScore, bestIndex, list.scores[at]!, list.indices[at]!)) {
          best = t;
          bestScore = list.scores[at]!;
          bestIndex = list.indices[at]!;
        }
      });
      if (best < 0) break;
      heads[best]!++;
      merged[size++] = bestIndex;
    }
    recordRanking(merged, 0, size, labels, plan.galleryStart, q, r, out);
  }
}
